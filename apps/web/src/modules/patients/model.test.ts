import { describe, expect, test } from 'vitest';
import { ageOn, chartOf } from './model.ts';

const bundle = {
  entry: [
    {
      resource: {
        resourceType: 'Patient',
        id: 'p1',
        name: [{ given: ['Rosa'], family: 'Díaz' }],
        birthDate: '1950-06-15',
        gender: 'female',
        communication: [
          { language: { coding: [{ code: 'en', display: 'English' }] } },
          { language: { coding: [{ code: 'es', display: 'Spanish' }] }, preferred: true },
        ],
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired', valueBoolean: true }],
      },
    },
    { resource: { resourceType: 'Patient', id: 'other', name: [{ family: 'Else' }] } },
    {
      resource: {
        resourceType: 'RiskAssessment',
        status: 'final',
        occurrenceDateTime: '2026-01-01',
        prediction: [{ probabilityDecimal: 0.2 }],
      },
    },
    {
      resource: {
        resourceType: 'RiskAssessment',
        status: 'final',
        occurrenceDateTime: '2026-11-01',
        prediction: [{ probabilityDecimal: 0.7 }],
      },
    },
    {
      resource: {
        resourceType: 'Coverage',
        status: 'active',
        payor: [{ display: 'Gulf Health Plan' }],
        class: [{ name: 'Gold PPO', value: 'G1' }],
      },
    },
    { resource: { resourceType: 'Coverage', status: 'cancelled', payor: [{ display: 'Old Plan' }] } },
    {
      resource: {
        resourceType: 'CareTeam',
        status: 'active',
        participant: [
          {
            role: [{ coding: [{ code: 'care-coordinator' }], text: 'Care coordinator' }],
            member: { display: 'Ana Ruiz' },
          },
          { role: [{ text: 'Primary care physician' }], member: { display: 'Dr Lee' } },
        ],
      },
    },
    { resource: { resourceType: 'Flag', status: 'active', code: { text: 'Needs transport' } } },
    { resource: { resourceType: 'Flag', status: 'inactive', code: { text: 'Old alert' } } },
    {
      resource: {
        resourceType: 'Condition',
        clinicalStatus: { coding: [{ code: 'active' }] },
        code: { text: 'Heart failure' },
      },
    },
    {
      resource: {
        resourceType: 'Condition',
        clinicalStatus: { coding: [{ code: 'resolved' }] },
        code: { text: 'Sprained ankle' },
      },
    },
    {
      resource: {
        resourceType: 'MedicationRequest',
        status: 'active',
        medicationCodeableConcept: { text: 'Furosemide 40 mg' },
      },
    },
    { resource: { resourceType: 'MedicationRequest', status: 'stopped', medicationCodeableConcept: { text: 'Old' } } },
    { resource: { resourceType: 'AllergyIntolerance', code: { coding: [{ display: 'Penicillin' }] } } },
    {
      resource: {
        resourceType: 'Encounter',
        id: 'e1',
        status: 'finished',
        class: { code: 'IMP', display: 'inpatient' },
        period: { start: '2026-11-20T10:00:00Z' },
      },
    },
    { resource: { resourceType: 'Appointment', id: 'a1', status: 'booked', start: '2026-12-10T15:00:00Z' } },
    { resource: { resourceType: 'Encounter', id: 'e0', status: 'finished' } },
  ],
};

describe('chartOf', () => {
  const chart = chartOf(bundle, 'p1', '2026-12-02');
  test('the header: name, age, preferred language, interpreter, latest risk, active coverage, coordinator, alerts', () => {
    expect(chart?.header).toEqual({
      name: 'Rosa Díaz',
      birthDate: '1950-06-15',
      age: 76,
      gender: 'female',
      language: 'Spanish',
      languageCode: 'es',
      interpreter: true,
      risk: 0.7,
      coverage: ['Gulf Health Plan — Gold PPO'],
      coordinator: 'Ana Ruiz',
      alerts: ['Needs transport'],
    });
  });
  test('active problems, medications and allergies only; the care team with roles', () => {
    expect(chart?.problems).toEqual(['Heart failure']);
    expect(chart?.medications).toEqual(['Furosemide 40 mg']);
    expect(chart?.allergies).toEqual(['Penicillin']);
    expect(chart?.careTeam).toEqual([
      { name: 'Ana Ruiz', role: 'Care coordinator' },
      { name: 'Dr Lee', role: 'Primary care physician' },
    ]);
  });
  test('the timeline newest first, each with its kind and status code; undated entries left out', () => {
    expect(chart?.timeline.map((t) => t.id)).toEqual(['Appointment/a1', 'Encounter/e1']);
    expect(chart?.timeline[1]?.title).toBe('inpatient');
    expect(chart?.timeline.map((t) => [t.kind, t.status])).toEqual([
      ['Appointment', 'booked'],
      ['Encounter', 'finished'],
    ]);
  });
  test('no chart without the patient', () => {
    expect(chartOf(bundle, 'missing', '2026-12-02')).toBeUndefined();
  });
});

describe('chartOf where the record has no words of its own', () => {
  // The page says these in the user's language: the model hands it keys (and the record's values), never English.
  const bare = chartOf(
    {
      entry: [
        { resource: { resourceType: 'Patient', id: 'p', name: [{ given: [] }] } },
        { resource: { resourceType: 'Coverage', status: 'active', class: [{}] } },
        { resource: { resourceType: 'CareTeam', status: 'active', participant: [{ member: {} }] } },
        { resource: { resourceType: 'MedicationRequest', status: 'active' } },
        {
          resource: {
            resourceType: 'Encounter',
            id: 'e',
            status: 'planned',
            period: { start: '2026-12-06T09:00:00Z' },
          },
        },
        {
          resource: {
            resourceType: 'ServiceRequest',
            id: 'r1',
            status: 'active',
            authoredOn: '2026-12-05',
            code: { text: 'Cardiology' },
          },
        },
        { resource: { resourceType: 'ServiceRequest', id: 'r2', status: 'draft', authoredOn: '2026-12-04' } },
        { resource: { resourceType: 'Task', id: 't', status: 'requested', authoredOn: '2026-12-03' } },
        { resource: { resourceType: 'Communication', id: 'm', status: 'completed', sent: '2026-12-02T08:00:00Z' } },
        { resource: { resourceType: 'Appointment', id: 'a', status: 'booked', start: '2026-12-01T10:00:00Z' } },
      ],
    },
    'p',
    '2026-12-02',
  );
  test('the patient, their coverage, the care team member and the medication', () => {
    expect(bare?.header.name).toEqual({ said: 'unnamedPatient' });
    expect(bare?.header.coverage).toEqual([{ said: 'coverageOnFile' }]);
    expect(bare?.careTeam).toEqual([{ name: { said: 'unknownMember' }, role: '' }]);
    expect(bare?.medications).toEqual([{ said: 'medication' }]);
  });
  test('each kind of timeline entry, a referral naming what it is for', () => {
    expect(bare?.timeline.map((t) => [t.id, t.title, t.status])).toEqual([
      ['Encounter/e', { said: 'encounter' }, 'planned'],
      ['ServiceRequest/r1', { said: 'referralFor', values: { what: 'Cardiology' } }, 'active'],
      ['ServiceRequest/r2', { said: 'referral' }, 'draft'],
      ['Task/t', { said: 'task' }, 'requested'],
      ['Communication/m', { said: 'message' }, 'completed'],
      ['Appointment/a', { said: 'appointment' }, 'booked'],
    ]);
  });
});

describe('ageOn', () => {
  test.each([
    ['1950-06-15', '2026-06-14', 75],
    ['1950-06-15', '2026-06-15', 76],
    ['2000-02-29', '2026-02-28', 25],
    ['2000-02-29', '2026-03-01', 26],
    [undefined, '2026-01-01', undefined],
    ['1950', '2026-01-01', undefined],
  ])('%s on %s', (birth, today, age) => {
    expect(ageOn(birth, today)).toBe(age);
  });
});
