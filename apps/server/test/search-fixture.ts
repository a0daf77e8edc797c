import type { Observation, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect } from 'vitest';
import { fixedClock } from '../src/platform/clock.ts';
import { type FhirClient, fhirClient, orderedIds } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

/**
 * Resources with known values for the search tests (api-search*.int.test.ts): every expectation there is an exact set.
 * `useSearchFixture()` loads them into a fresh app before the file's tests and closes it after.
 */
let t: TestApp;
let fhir: FhirClient;
const clock = fixedClock('2026-05-01T00:00:00Z');
const label = new Map<string, string>();
const idOf = new Map<string, string>();
const stamp = new Map<string, string>();

async function make<T extends Resource>(name: string, resource: T): Promise<T & { id: string }> {
  clock.advance({ minutes: 1 });
  const stored = await fhir.create(resource);
  label.set(stored.id, name);
  idOf.set(name, stored.id);
  stamp.set(name, stored.meta?.lastUpdated as string);
  return stored;
}

/** Labels of the matches of a search, sorted; `{X}` in the query is replaced by the id labelled X. */
async function found(query: string, headers?: Record<string, string>): Promise<string[]> {
  const bundle = await fhir.search(resolve(query), headers);
  const names = orderedIds(bundle).map((id) => label.get(id) ?? `?${id}`);
  expect(bundle.total, 'total agrees with the matches').toBe(names.length);
  return names.sort();
}
const resolve = (query: string) =>
  query.replace(/\{([A-Za-z0-9]+)\}/g, (_, n: string) => idOf.get(n) ?? `unknown-${n}`);

const patients: [string, Patient][] = [
  [
    'A',
    {
      resourceType: 'Patient',
      name: [{ family: 'Müller', given: ['Anna'] }],
      birthDate: '1990-01-01',
      gender: 'female',
      active: true,
      identifier: [{ system: 'urn:mrn', value: 'A1' }],
      address: [{ city: 'Zürich' }],
      maritalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus', code: 'M' }] },
    },
  ],
  [
    'B',
    {
      resourceType: 'Patient',
      name: [{ family: 'Muller', given: ['Bernd'] }],
      birthDate: '1995-06-15',
      gender: 'male',
      active: false,
      identifier: [
        { system: 'urn:mrn', value: 'B2' },
        { system: 'urn:other', value: 'B2' },
      ],
    },
  ],
  [
    'C',
    {
      resourceType: 'Patient',
      name: [{ family: 'Mullins', given: ['Carl'] }],
      birthDate: '2000-12-31',
      gender: 'male',
      identifier: [{ value: 'C3' }],
    },
  ],
  [
    'D',
    { resourceType: 'Patient', name: [{ family: 'Schmidt', given: ['Dora'] }], birthDate: '2001', gender: 'female' },
  ],
  [
    'E',
    { resourceType: 'Patient', name: [{ family: 'Smith', given: ['Eve'] }], birthDate: '2010-03-04', gender: 'other' },
  ],
  ['F', { resourceType: 'Patient', name: [{ family: 'Zelle', given: ['Franz', 'Müllerchen'] }] }],
];

const obs = (extra: Partial<Observation>): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { text: 'x' },
  ...extra,
});

async function load(): Promise<void> {
  t = await createTestApp({ clock });
  fhir = fhirClient(t.app);
  for (const [name, p] of patients) await make(name, p);
  const pA = `Patient/${idOf.get('A')}`;
  const pB = `Patient/${idOf.get('B')}`;
  await make(
    'o1',
    obs({
      subject: { reference: pA },
      effectiveDateTime: '2026-03-10T23:30:00-05:00',
      code: { text: 'Blood pressure' },
    }),
  );
  await make('o2', obs({ subject: { reference: pB }, effectivePeriod: { start: '2026-03-01', end: '2026-03-05' } }));
  await make('o3', obs({ subject: { reference: 'Group/g1' }, effectiveDateTime: '2026-03-11T10:00:00Z' }));
  const ucum = 'http://unitsofmeasure.org';
  const loinc = 'http://loinc.org';
  await make(
    'q1',
    obs({
      subject: { reference: pA },
      code: { coding: [{ system: loinc, code: '2345-7' }] },
      valueQuantity: { value: 5.4, system: ucum, code: 'mg/dL' },
    }),
  );
  await make(
    'q2',
    obs({
      subject: { reference: pA },
      code: { coding: [{ code: '2345-7' }] },
      valueQuantity: { value: 5.4, system: ucum, code: 'mmol/L' },
    }),
  );
  await make(
    'q3',
    obs({
      subject: { reference: pB },
      code: { coding: [{ system: 'urn:local', code: '2345-7' }] },
      valueQuantity: { value: 120, system: ucum, code: 'mm[Hg]' },
    }),
  );
  await make('q4', obs({ valueQuantity: { value: 98, unit: 'kg' } }));
  await make('abs', obs({ subject: { reference: `http://careloop.test/fhir/R4/${pA}` } }));
  for (const [name, p] of [
    ['r1', 0.1],
    ['r2', 0.25],
    ['r3', 0.5],
    ['r4', 0.9],
  ] as const) {
    await make(name, {
      resourceType: 'RiskAssessment',
      status: 'final',
      subject: { reference: pA },
      prediction: [{ probabilityDecimal: p }],
    });
  }
  await make('qa', { resourceType: 'Questionnaire', status: 'active', url: 'http://example.org/q/intake' });
  await make('qb', { resourceType: 'Questionnaire', status: 'active', url: 'http://example.org/q/intake-v2' });
  await make('qc', { resourceType: 'Questionnaire', status: 'active', url: 'http://example.org/other' });
  // 23 practitioners in a shuffled order for paging and sorting.
  const order = [7, 19, 2, 11, 22, 0, 15, 4, 9, 13, 21, 1, 17, 6, 10, 3, 20, 14, 8, 16, 5, 18, 12];
  for (const n of order)
    await make(`dr${n}`, { resourceType: 'Practitioner', name: [{ family: `Doc${String(n).padStart(2, '0')}` }] });
}

export function useSearchFixture() {
  beforeAll(load);
  afterAll(() => t?.close());
  return {
    get fhir() {
      return fhir;
    },
    get t() {
      return t;
    },
    found,
    resolve,
    idOf,
    stamp,
    label,
  };
}
