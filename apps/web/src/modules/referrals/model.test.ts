import { describe, expect, test } from 'vitest';
import { COLUMNS, columnOf, offerOf, packetItems, STAGE_SYSTEM, specialties } from './model.ts';

describe('packetItems', () => {
  test('active problems and medications, allergies, the newest results and documents, each by reference', () => {
    const items = packetItems({
      entry: [
        { resource: { resourceType: 'Condition', id: 'c1', code: { text: 'Atrial fibrillation' } } },
        {
          resource: {
            resourceType: 'Condition',
            id: 'c2',
            clinicalStatus: { coding: [{ code: 'resolved' }] },
            code: { text: 'Old' },
          },
        },
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'm1',
            status: 'active',
            medicationCodeableConcept: { text: 'Apixaban' },
          },
        },
        {
          resource: {
            resourceType: 'MedicationRequest',
            id: 'm2',
            status: 'stopped',
            medicationCodeableConcept: { text: 'X' },
          },
        },
        { resource: { resourceType: 'AllergyIntolerance', id: 'a1', code: { text: 'Penicillin' } } },
        ...Array.from({ length: 7 }, (_, i) => ({
          resource: {
            resourceType: 'Observation',
            id: `o${i}`,
            code: { text: 'Heart rate' },
            effectiveDateTime: `2026-11-0${i + 1}`,
            valueQuantity: { value: 100 + i, unit: '/min' },
          },
        })),
      ],
    });
    expect(items.map((i) => i.reference)).toEqual([
      'Condition/c1',
      'MedicationRequest/m1',
      'AllergyIntolerance/a1',
      'Observation/o6',
      'Observation/o5',
      'Observation/o4',
      'Observation/o3',
      'Observation/o2',
    ]);
    expect(items[3]?.label).toBe('Heart rate: 106 /min');
    expect(items.map((i) => i.group)).toEqual([
      'problems',
      'medications',
      'allergies',
      'results',
      'results',
      'results',
      'results',
      'results',
    ]);
  });
  test('a document without a type is kept, unlabelled, for the page to name; other unnamed things are left out', () => {
    const items = packetItems({
      entry: [
        { resource: { resourceType: 'Condition', id: 'c1' } },
        { resource: { resourceType: 'DocumentReference', id: 'd1', date: '2026-11-02' } },
        {
          resource: { resourceType: 'DocumentReference', id: 'd2', date: '2026-11-01', type: { text: 'Echo report' } },
        },
      ],
    });
    expect(items).toEqual([
      { reference: 'DocumentReference/d1', group: 'documents', label: undefined },
      { reference: 'DocumentReference/d2', group: 'documents', label: 'Echo report' },
    ]);
  });
});

describe('specialties', () => {
  test('unique codings of the services, sorted by label', () => {
    expect(
      specialties([
        {
          resourceType: 'HealthcareService',
          specialty: [{ coding: [{ system: 'n', code: '2', display: 'Cardiology' }] }],
        },
        {
          resourceType: 'HealthcareService',
          specialty: [
            {
              coding: [
                { system: 'n', code: '2', display: 'Cardiology' },
                { system: 'n', code: '1', display: 'Allergy' },
              ],
            },
          ],
        },
      ]),
    ).toEqual([
      { value: 'n|1', label: 'Allergy' },
      { value: 'n|2', label: 'Cardiology' },
    ]);
  });
});

describe('offerOf', () => {
  const task = (code: string, end?: string) => ({
    resourceType: 'Task',
    id: 't',
    businessStatus: { coding: [{ system: STAGE_SYSTEM, code }] },
    ...(end ? { restriction: { period: { end } } } : {}),
    owner: { reference: 'Practitioner/dr', display: 'Dr Heart' },
    extension: [
      {
        url: 'https://careloop.dev/fhir/StructureDefinition/referral-stage-history',
        extension: [
          { url: 'stage', valueCode: 'sent' },
          { url: 'at', valueDateTime: '2026-11-01T10:00:00Z' },
        ],
      },
    ],
  });
  const now = Date.parse('2026-12-01T00:00:00Z');
  test('stalled when open past its deadline; never when closed', () => {
    expect(offerOf(task('sent', '2026-11-20T00:00:00Z'), now).stalled).toBe(true);
    expect(offerOf(task('sent', '2026-12-20T00:00:00Z'), now).stalled).toBe(false);
    expect(offerOf(task('declined', '2026-11-20T00:00:00Z'), now).stalled).toBe(false);
  });
  test('the receiver and the history', () => {
    const o = offerOf(task('accepted'), now);
    expect(o.stage).toBe('accepted');
    expect(o.receiver).toBe('Dr Heart');
    expect(o.owner).toBe('Practitioner/dr');
    expect(o.history).toEqual([{ stage: 'sent', at: '2026-11-01T10:00:00Z' }]);
  });
  test('an offer naming no receiver has none (the board words that); without a stage it is a draft', () => {
    const o = offerOf({ resourceType: 'Task', id: 't' }, now);
    expect(o.receiver).toBeUndefined();
    expect(o.stage).toBe('draft');
  });
});

describe('the board columns', () => {
  test('each stage after the draft stands in exactly one column, in the order of the loop', () => {
    expect(COLUMNS.map((c) => c.key)).toEqual(['waiting', 'accepted', 'report', 'closed', 'ended']);
    const stages = COLUMNS.flatMap((c) => c.stages);
    expect(new Set(stages).size).toBe(stages.length);
    expect(stages.sort()).toEqual(
      [
        'sent',
        'received',
        'accepted',
        'scheduled',
        'seen',
        'report-received',
        'closed',
        'declined',
        'expired',
        'withdrawn',
        'cancelled',
      ].sort(),
    );
  });
  test.each([
    ['sent', 'waiting'],
    ['received', 'waiting'],
    ['scheduled', 'accepted'],
    ['report-received', 'report'],
    ['closed', 'closed'],
    ['withdrawn', 'ended'],
    ['draft', undefined],
    ['something-new', undefined],
  ])('%s → %s', (stage, column) => {
    expect(columnOf(stage)).toBe(column);
  });
});
