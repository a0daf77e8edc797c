import { describe, expect, test } from 'vitest';
import { containsCode, expandValueSet, requiredBindingIssues } from './bindings.ts';

describe('expandValueSet', () => {
  test('a value set that includes a whole FHIR code system', () => {
    const e = expandValueSet('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1');
    expect(e).toBeDefined();
    const codes = [...(e?.systems.get('http://hl7.org/fhir/administrative-gender') ?? [])].sort();
    expect(codes).toEqual(['female', 'male', 'other', 'unknown']);
  });

  test('nested concepts of a hierarchical code system are included', () => {
    // condition-clinical: active ⊃ recurrence, relapse; resolved ⊃ … (R4 CodeSystem/condition-clinical)
    const e = expandValueSet('http://hl7.org/fhir/ValueSet/condition-clinical');
    expect(e && containsCode(e, 'relapse', 'http://terminology.hl7.org/CodeSystem/condition-clinical')).toBe(true);
    expect(e && containsCode(e, 'active', 'http://snomed.info/sct')).toBe(false);
  });

  test('a value set on an external code system cannot be expanded', () => {
    expect(expandValueSet('http://hl7.org/fhir/ValueSet/mimetypes')).toBeUndefined();
    expect(expandValueSet('http://hl7.org/fhir/ValueSet/currencies')).toBeUndefined();
    expect(expandValueSet('http://example.org/no-such-value-set')).toBeUndefined();
  });

  test('expansions are cached', () => {
    expect(expandValueSet('http://hl7.org/fhir/ValueSet/task-status')).toBe(
      expandValueSet('http://hl7.org/fhir/ValueSet/task-status|4.0.1'),
    );
  });
});

describe('requiredBindingIssues', () => {
  const gender = 'http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1';

  test('a code outside the value set names the element and the value set', () => {
    const issues = requiredBindingIssues({ [gender]: [{ type: 'code', value: 'xx', path: 'Patient.gender' }] });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ severity: 'error', code: 'code-invalid', expression: ['Patient.gender'] });
    expect(issues[0]?.details?.text).toContain('http://hl7.org/fhir/ValueSet/administrative-gender');
  });

  test('codes in the value set pass', () => {
    expect(requiredBindingIssues({ [gender]: [{ type: 'code', value: 'female', path: 'Patient.gender' }] })).toEqual(
      [],
    );
  });

  test('a CodeableConcept needs one coding from the value set; translations beside it are fine', () => {
    const vs = 'http://hl7.org/fhir/ValueSet/condition-clinical|4.0.1';
    const system = 'http://terminology.hl7.org/CodeSystem/condition-clinical';
    const ok = {
      coding: [
        { system: 'http://snomed.info/sct', code: '55561003' },
        { system, code: 'active' },
      ],
    };
    const wrongSystem = { coding: [{ system: 'http://example.org', code: 'active' }] };
    const textOnly = { text: 'active' };
    const issues = requiredBindingIssues({
      [vs]: [
        { type: 'CodeableConcept', value: ok, path: 'Condition.clinicalStatus' },
        { type: 'CodeableConcept', value: wrongSystem, path: 'Condition.clinicalStatus' },
        { type: 'CodeableConcept', value: textOnly, path: 'Condition.clinicalStatus' },
      ],
    });
    expect(issues.map((i) => i.details?.text)).toEqual([
      expect.stringContaining('Code "active" is not in'),
      expect.stringContaining('A concept with no code is not in'),
    ]);
  });

  test('the offending code is not echoed verbatim', () => {
    const [issue] = requiredBindingIssues({ [gender]: [{ type: 'code', value: '<script>', path: 'Patient.gender' }] });
    expect(issue?.details?.text).toContain('"?script?"');
  });

  test('values under value sets that cannot be expanded locally pass', () => {
    const issues = requiredBindingIssues({
      'http://hl7.org/fhir/ValueSet/mimetypes|4.0.1': [
        { type: 'code', value: 'not/a-real-type', path: 'Binary.contentType' },
      ],
    });
    expect(issues).toEqual([]);
  });
});
