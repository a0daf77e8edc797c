import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { OutcomeError } from '../errors.ts';
import { validate } from './validate.ts';

/** The OutcomeError `validate` throws for `resource`, or undefined when it passes. */
function rejection(resource: unknown): OutcomeError | undefined {
  try {
    validate(resource as Resource);
    return undefined;
  } catch (e) {
    if (e instanceof OutcomeError) return e;
    throw e;
  }
}

const expressions = (e: OutcomeError | undefined) => (e?.outcome.issue ?? []).flatMap((i) => i.expression ?? []);

describe('validate: required bindings', () => {
  test('Patient.gender outside administrative-gender is rejected, naming the element', () => {
    const e = rejection({ resourceType: 'Patient', gender: 'xx' });
    expect(e?.status).toBe(400);
    expect(e?.outcome.issue).toEqual([
      expect.objectContaining({ code: 'code-invalid', expression: ['Patient.gender'] }),
    ]);
    expect(e?.outcome.issue?.[0]?.details?.text).toMatch(/administrative-gender/);
  });

  test('Task.status outside task-status is rejected', () => {
    const e = rejection({ resourceType: 'Task', status: 'bogus', intent: 'order' });
    expect(e?.status).toBe(400);
    expect(expressions(e)).toEqual(['Task.status']);
  });

  test('Task.intent outside task-intent is rejected too', () => {
    expect(expressions(rejection({ resourceType: 'Task', status: 'requested', intent: 'wish' }))).toEqual([
      'Task.intent',
    ]);
  });

  test('codes inside a datatype are checked with their path (ContactPoint.system)', () => {
    const e = rejection({
      resourceType: 'Patient',
      telecom: [
        { system: 'phone', value: '1' },
        { system: 'pigeon', value: '2' },
      ],
    });
    expect(expressions(e)).toEqual(['Patient.telecom[1].system']);
  });

  test('valid codes pass', () => {
    expect(
      rejection({ resourceType: 'Patient', gender: 'female', telecom: [{ system: 'phone', use: 'home', value: '1' }] }),
    ).toBeUndefined();
    expect(rejection({ resourceType: 'Task', status: 'requested', intent: 'order' })).toBeUndefined();
  });

  test('an Observation coded in SNOMED CT passes: its bindings are not required or not locally expandable', () => {
    const observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://snomed.info/sct', code: '271649006', display: 'Systolic blood pressure' }] },
      valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '373066001' }] },
      interpretation: [{ coding: [{ system: 'http://snomed.info/sct', code: '281302008' }] }],
    };
    expect(rejection(observation)).toBeUndefined();
  });

  test('Observation.status outside observation-status is rejected', () => {
    const e = rejection({ resourceType: 'Observation', status: 'done', code: { text: 'x' } });
    expect(expressions(e)).toEqual(['Observation.status']);
  });

  test('Condition.clinicalStatus needs a code from condition-clinical', () => {
    const base = { resourceType: 'Condition', subject: { reference: 'Patient/p1' } };
    const system = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
    expect(rejection({ ...base, clinicalStatus: { coding: [{ system, code: 'active' }] } })).toBeUndefined();
    expect(expressions(rejection({ ...base, clinicalStatus: { coding: [{ system, code: 'ongoing' }] } }))).toEqual([
      'Condition.clinicalStatus',
    ]);
  });

  test('structural errors and binding errors are reported together', () => {
    const e = rejection({ resourceType: 'Patient', gender: 'xx', birthDate: 'yesterday' });
    expect(expressions(e).sort()).toEqual(['Patient.birthDate', 'Patient.gender']);
  });
});

describe('validate: local references to contained resources', () => {
  const practitioner = { resourceType: 'Practitioner', id: 'pr1', name: [{ family: 'Chalmers' }] };

  test('a contained resource referred to by #id passes', () => {
    expect(
      rejection({ resourceType: 'Patient', contained: [practitioner], generalPractitioner: [{ reference: '#pr1' }] }),
    ).toBeUndefined();
  });

  test('#id naming no contained resource is rejected (ref-1)', () => {
    const e = rejection({ resourceType: 'Patient', generalPractitioner: [{ reference: '#nope' }] });
    expect(expressions(e)).toEqual(['Patient.generalPractitioner[0].reference']);
  });

  test('a contained resource nothing refers to is rejected (dom-3)', () => {
    const e = rejection({ resourceType: 'Patient', contained: [practitioner] });
    expect(e?.outcome.issue).toEqual([
      expect.objectContaining({ code: 'invariant', expression: ['Patient.contained[0]'] }),
    ]);
  });

  test('references between contained resources and to the container with # count', () => {
    const patient = {
      resourceType: 'Patient',
      contained: [
        { resourceType: 'Organization', id: 'org', name: 'Clinic' },
        {
          resourceType: 'PractitionerRole',
          id: 'role',
          organization: { reference: '#org' },
          practitioner: { reference: '#' },
        },
      ],
      managingOrganization: { reference: 'Organization/1' },
    };
    // org is referred to from role; role refers to its container.
    expect(rejection(patient)).toBeUndefined();
  });

  test('only a contained resource may refer to its container with #', () => {
    const e = rejection({ resourceType: 'Patient', generalPractitioner: [{ reference: '#' }] });
    expect(expressions(e)).toEqual(['Patient.generalPractitioner[0].reference']);
  });

  test('a canonical #id (Questionnaire.item.answerValueSet) refers to a contained ValueSet', () => {
    const questionnaire = {
      resourceType: 'Questionnaire',
      status: 'draft',
      contained: [{ resourceType: 'ValueSet', id: 'yn', status: 'active' }],
      item: [{ linkId: '1', type: 'choice', answerValueSet: '#yn' }],
    };
    expect(rejection(questionnaire)).toBeUndefined();
  });

  test('references inside contained resources are checked too', () => {
    const e = rejection({
      resourceType: 'Patient',
      contained: [{ resourceType: 'PractitionerRole', id: 'role', organization: { reference: 'not a reference' } }],
      generalPractitioner: [{ reference: '#role' }],
    });
    expect(expressions(e)).toEqual(['Patient.contained[0].organization.reference']);
  });
});

describe('validate: reference format', () => {
  test('a conditional reference is refused outside a transaction, saying so', () => {
    const e = rejection({
      resourceType: 'Encounter',
      status: 'finished',
      class: { code: 'AMB' },
      serviceProvider: { reference: 'Organization?identifier=x|1' },
    });
    expect(expressions(e)).toEqual(['Encounter.serviceProvider.reference']);
    expect(e?.outcome.issue?.[0]?.details?.text).toMatch(/conditional reference/);
  });
});
