import type { Bundle, Observation, Patient, Practitioner, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedClock } from '../src/platform/clock.ts';
import { allPages, expectOutcome, type FhirClient, fhirClient, linkOf, orderedIds } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// Search by parameter type, modifier and prefix over resources with known values: every expectation is an exact set.
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

beforeAll(async () => {
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
});
afterAll(() => t?.close());

describe('string', () => {
  test.each([
    ['Patient?name=mul', ['A', 'B', 'C', 'F']],
    ['Patient?name=MÜLLER', ['A', 'B', 'F']],
    ['Patient?name=muller', ['A', 'B', 'F']],
    ['Patient?name:exact=Müller', ['A']],
    ['Patient?name:exact=müller', []],
    ['Patient?name:contains=LLER', ['A', 'B', 'F']],
    ['Patient?name:contains=ell', ['F']],
    ['Patient?family=smi', ['E']],
    ['Patient?given=anna', ['A']],
    ['Patient?name=anna,eve', ['A', 'E']],
    ['Patient?name=mul&gender=male', ['B', 'C']],
    ['Patient?address-city=zur', ['A']],
    ['Patient?name=%25', []],
    ['Patient?name:contains=_', []],
  ])('%s', async (query, expected) => {
    expect(await found(query)).toEqual(expected);
  });
});

describe('token', () => {
  test.each([
    ['Patient?identifier=urn:mrn|A1', ['A']],
    ['Patient?identifier=urn:mrn|', ['A', 'B']],
    ['Patient?identifier=|C3', ['C']],
    ['Patient?identifier=|A1', []],
    ['Patient?identifier=B2', ['B']],
    ['Patient?identifier=urn:other|B2', ['B']],
    ['Patient?gender=male', ['B', 'C']],
    ['Patient?gender=male,female', ['A', 'B', 'C', 'D']],
    ['Patient?gender:not=male', ['A', 'D', 'E', 'F']],
    ['Patient?active=true', ['A']],
    ['Patient?active=false', ['B']],
    ['Observation?code=http://loinc.org|2345-7', ['q1']],
    ['Observation?code=|2345-7', ['q2']],
    ['Observation?code=2345-7', ['q1', 'q2', 'q3']],
    ['Observation?code=urn:local|', ['q3']],
    ['Observation?code:text=blood', ['o1']],
    ['Observation?code:text=pressure', []],
    ['Patient?marital-status=M', []],
  ] as const)('%s', async (query, expected) => {
    if (query.includes('marital-status')) {
      // Not an R4 Patient search parameter: rejected, not silently ignored.
      expectOutcome(await fhir.get(query), 400);
      return;
    }
    expect(await found(query)).toEqual(expected);
  });
});

describe(':missing, _id and _lastUpdated', () => {
  test.each([
    ['Patient?active:missing=true', ['C', 'D', 'E', 'F']],
    ['Patient?active:missing=false', ['A', 'B']],
    ['Patient?birthdate:missing=true', ['F']],
    ['Patient?identifier:missing=true', ['D', 'E', 'F']],
    ['Observation?subject:missing=true', ['q4']],
    ['Patient?_id={A},{C}', ['A', 'C']],
    ['Patient?_id={A}&_id={C}', []],
    ['Patient?_id={o1}', []],
    ['Patient?_id:not={A}&gender=male,female', ['B', 'C', 'D']],
  ])('%s', async (query, expected) => {
    expect(await found(query)).toEqual(expected);
  });

  test('_lastUpdated with prefixes over known write times', async () => {
    const at = (n: string) => encodeURIComponent(stamp.get(n) as string);
    expect(await found(`Patient?_lastUpdated=ge${at('C')}&_lastUpdated=lt${at('E')}`)).toEqual(['C', 'D']);
    expect(await found(`Patient?_lastUpdated=gt${at('D')}`)).toEqual(['E', 'F']);
    expect(await found(`Patient?_lastUpdated=le${at('B')}`)).toEqual(['A', 'B']);
    expect(await found(`Patient?_lastUpdated=${at('D')}`)).toEqual(['D']);
    expect(await found(`Patient?_lastUpdated=eb${at('B')}`)).toEqual(['A']);
    expect(await found('Patient?_lastUpdated=2026-05-01')).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(await found('Patient?_lastUpdated=lt2026-05-01')).toEqual([]);
  });
});

describe('date', () => {
  // Targets: A 1990-01-01, B 1995-06-15, C 2000-12-31, D 2001 (a whole year), E 2010-03-04, F none.
  test.each([
    ['birthdate=1995', ['B']],
    ['birthdate=eq1995-06-15', ['B']],
    ['birthdate=ne1995-06-15', ['A', 'C', 'D', 'E']],
    ['birthdate=gt2000-12-31', ['D', 'E']],
    ['birthdate=lt1995-06-15', ['A']],
    ['birthdate=ge2000-12-31', ['C', 'D', 'E']],
    ['birthdate=le1995-06-15', ['A', 'B']],
    ['birthdate=sa2000', ['D', 'E']],
    ['birthdate=eb2001', ['A', 'B', 'C']],
    ['birthdate=eq2001', ['D']],
    ['birthdate=eq2001-06', []],
    ['birthdate=ge2001-06', ['D', 'E']],
    ['birthdate=lt2001-06', ['A', 'B', 'C', 'D']],
    ['birthdate=sa2001-06', ['E']],
    ['birthdate=eb2001-06', ['A', 'B', 'C']],
    ['birthdate=ap2001-06', ['D']],
    ['birthdate=ge1995&birthdate=lt2001', ['B', 'C']],
    ['birthdate=1990,2010', ['A', 'E']],
    ['birthdate=2000-12-31T12:00:00Z', []],
    ['birthdate=ge2000-12-31T12:00:00Z', ['C', 'D', 'E']],
  ])('Patient?%s', async (query, expected) => {
    expect(await found(`Patient?${query}`)).toEqual(expected);
  });

  // o1 2026-03-10T23:30-05:00 (= 2026-03-11T04:30Z), o2 the period 2026-03-01..05, o3 2026-03-11T10:00Z.
  test.each([
    ['date=2026-03-11', ['o1', 'o3']],
    ['date=2026-03-10', []],
    ['date=2026-03', ['o1', 'o2', 'o3']],
    ['date=eq2026-03-03', []],
    ['date=ap2026-03-03', ['o2']],
    ['date=sa2026-03-05', ['o1', 'o3']],
    ['date=eb2026-03-06', ['o2']],
    [`date=gt${encodeURIComponent('2026-03-11T04:30:00Z')}`, ['o3']],
    [`date=ge${encodeURIComponent('2026-03-11T04:30:00Z')}`, ['o1', 'o3']],
    [`date=${encodeURIComponent('2026-03-10T23:30:00-05:00')}`, ['o1']],
    // 05:00+01:00 is 04:00Z, before o1's 04:30Z; read without its zone it would include o1.
    [`date=lt${encodeURIComponent('2026-03-11T05:00:00+01:00')}`, ['o2']],
    [`date=lt${encodeURIComponent('2026-03-11T05:00:00-01:00')}`, ['o1', 'o2']],
  ])('Observation?%s', async (query, expected) => {
    expect(await found(`Observation?${query}`)).toEqual(expected);
  });
});

describe('number and quantity', () => {
  // RiskAssessment probabilities: r1 0.1, r2 0.25, r3 0.5, r4 0.9 (a number is a range of its precision).
  test.each([
    ['probability=0.5', ['r3']],
    ['probability=0.25', ['r2']],
    ['probability=0.2', []],
    ['probability=gt0.3', ['r3', 'r4']],
    ['probability=lt0.25', ['r1']],
    ['probability=ge0.25', ['r2', 'r3', 'r4']],
    ['probability=le0.5', ['r1', 'r2', 'r3']],
    ['probability=ne0.5', ['r1', 'r2', 'r4']],
    ['probability=1e-1', ['r1']],
    ['probability=0.9,0.1', ['r1', 'r4']],
  ])('RiskAssessment?%s', async (query, expected) => {
    expect(await found(`RiskAssessment?${query}`)).toEqual(expected);
  });

  // q1 5.4 mg/dL, q2 5.4 mmol/L, q3 120 mm[Hg] (all UCUM), q4 98 with unit "kg" only.
  test.each([
    ['value-quantity=5.4', ['q1', 'q2']],
    ['value-quantity=5.4|http://unitsofmeasure.org|mg/dL', ['q1']],
    ['value-quantity=5.4||mmol/L', ['q2']],
    ['value-quantity=5.4|urn:other|mg/dL', []],
    ['value-quantity=gt100', ['q3']],
    ['value-quantity=le98||kg', ['q4']],
    ['value-quantity=lt5.5', ['q1', 'q2']],
    ['value-quantity=ge98', ['q3', 'q4']],
    ['value-quantity=5', ['q1', 'q2']],
    ['value-quantity=5.0', []],
    ['value-quantity=1.2e2', ['q3']],
  ])('Observation?%s', async (query, expected) => {
    expect(await found(`Observation?${query}`)).toEqual(expected);
  });
});

describe('reference and uri', () => {
  test.each([
    ['Observation?subject=Patient/{A}', ['abs', 'o1', 'q1', 'q2']],
    ['Observation?subject={A}', ['abs', 'o1', 'q1', 'q2']],
    ['Observation?subject:Patient={A}', ['abs', 'o1', 'q1', 'q2']],
    // `patient` is `subject.where(resolve() is Patient)`: an absolute URL does not resolve to a type, so it is not indexed.
    ['Observation?patient={A}', ['o1', 'q1', 'q2']],
    ['Observation?subject=Patient/{B},Group/g1', ['o2', 'o3', 'q3']],
    ['Observation?subject:Group=g1', ['o3']],
    ['Observation?subject:Patient=g1', []],
    ['Observation?subject=http://careloop.test/fhir/R4/Patient/{A}', ['abs', 'o1', 'q1', 'q2']],
    ['RiskAssessment?subject=Patient/{B}', []],
    ['Questionnaire?url=http://example.org/q/intake', ['qa']],
    ['Questionnaire?url:below=http://example.org/q/', ['qa', 'qb']],
    ['Questionnaire?url:above=http://example.org/q/intake/part', ['qa']],
    ['Questionnaire?url=http://example.org/q', []],
  ])('%s', async (query, expected) => {
    expect(await found(query)).toEqual(expected);
  });
});

describe('paging, sorting and result parameters', () => {
  const doctors = Array.from({ length: 23 }, (_, n) => `dr${n}`);

  test.each([1, 5, 7, 23, 50])('_count=%i: following next visits every match once', async (count) => {
    const pages = await allPages(fhir, `Practitioner?_count=${count}`);
    const seen = pages.flatMap((p) => orderedIds(p).map((id) => label.get(id)));
    expect(seen).toHaveLength(23);
    expect([...seen].sort()).toEqual([...doctors].sort());
    expect(pages).toHaveLength(Math.max(1, Math.ceil(23 / count)));
    expect(pages.every((p) => p.total === 23)).toBe(true);
    expect(pages.slice(0, -1).every((p) => p.entry?.length === count)).toBe(true);
  });

  test('sorted pages come back in order across page boundaries, ascending and descending', async () => {
    const asc = (await allPages(fhir, 'Practitioner?_sort=family&_count=4')).flatMap((p) =>
      orderedIds(p).map((id) => label.get(id)),
    );
    expect(asc).toEqual(doctors);
    const desc = (await allPages(fhir, 'Practitioner?_sort=-family&_count=6')).flatMap((p) =>
      orderedIds(p).map((id) => label.get(id)),
    );
    expect(desc).toEqual([...doctors].reverse());
    const byUpdate = (await allPages(fhir, 'Practitioner?_sort=-_lastUpdated&_count=10')).flatMap((p) =>
      orderedIds(p).map((id) => label.get(id)),
    );
    expect(byUpdate).toEqual([...label.values()].filter((l) => l.startsWith('dr')).reverse());
  });

  test.each([
    ['_sort=family,-birthdate', ['B', 'A', 'C', 'D', 'E', 'F']],
    ['_sort=gender,-birthdate', ['D', 'A', 'C', 'B', 'E', 'F']],
    ['_sort=-gender,birthdate', ['E', 'B', 'C', 'A', 'D', 'F']],
    ['_sort=-birthdate', ['E', 'D', 'C', 'B', 'A', 'F']],
    ['_sort=birthdate&_sort=family', ['A', 'B', 'C', 'D', 'E', 'F']],
  ])('Patient?%s orders exactly', async (query, expected) => {
    const bundle = await fhir.search(`Patient?${query}`);
    expect(orderedIds(bundle).map((id) => label.get(id))).toEqual(expected);
  });

  test('_sort=_id and _sort=-_id order by id', async () => {
    const ids = [...'ABCDEF'].map((n) => idOf.get(n) as string);
    // PostgreSQL compares text by the database collation; ids are hex UUIDs, where every collation agrees.
    const sorted = [...ids].sort();
    expect(orderedIds(await fhir.search('Patient?_sort=_id'))).toEqual(sorted);
    expect(orderedIds(await fhir.search('Patient?_sort=-_id'))).toEqual([...sorted].reverse());
  });

  test('_total and _summary=count', async () => {
    const none = await fhir.search('Practitioner?_count=5&_total=none');
    expect(none.total).toBeUndefined();
    expect(none.entry).toHaveLength(5);
    expect((await fhir.search('Practitioner?_count=5&_total=accurate')).total).toBe(23);
    const count = await fhir.search('Practitioner?_summary=count');
    expect(count.total).toBe(23);
    expect(count.entry ?? []).toEqual([]);
    expect((await fhir.search('Patient?gender=male&_summary=count')).total).toBe(2);
    const past = await fhir.search('Practitioner?_count=5&_offset=40');
    expect(past.total).toBe(23);
    expect(past.entry ?? []).toEqual([]);
    expect(linkOf(past, 'next')).toBeUndefined();
  });

  test('_summary=true keeps summary elements only; _elements keeps what is asked; both tag SUBSETTED', async () => {
    const [summary] = (await fhir.search(resolve('Patient?_id={A}&_summary=true'))).entry ?? [];
    const s = summary?.resource as Patient;
    expect(s.name).toEqual([{ family: 'Müller', given: ['Anna'] }]);
    expect(s.birthDate).toBe('1990-01-01');
    expect(s.maritalStatus).toBeUndefined();
    expect(s.meta?.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    const [elements] = (await fhir.search(resolve('Patient?_id={A}&_elements=birthDate,gender'))).entry ?? [];
    expect(Object.keys(elements?.resource ?? {}).sort()).toEqual(['birthDate', 'gender', 'id', 'meta', 'resourceType']);
    expect(elements?.resource?.meta?.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    const [whole] = (await fhir.search(resolve('Patient?_id={A}'))).entry ?? [];
    expect((whole?.resource as Patient | undefined)?.maritalStatus).toBeDefined();
    expect(whole?.resource?.meta?.tag).toBeUndefined();
    // The stored resource is untouched by shaping a search result.
    expect((await fhir.get<Patient>(resolve('Patient/{A}'))).body.maritalStatus).toBeDefined();
  });

  test('POST _search with a form body gives the same result as GET', async () => {
    const r = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient/_search',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=mul&gender=male',
    });
    expect(r.statusCode).toBe(200);
    const bundle = JSON.parse(r.body) as Bundle;
    expect(
      orderedIds(bundle)
        .map((id) => label.get(id))
        .sort(),
    ).toEqual(['B', 'C']);
    const mixed = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient/_search?gender=male',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `name=${encodeURIComponent('Müller')}`,
    });
    expect(orderedIds(JSON.parse(mixed.body) as Bundle).map((id) => label.get(id))).toEqual(['B']);
  });

  test('system search with _type', async () => {
    expect(await found('?_type=Questionnaire,RiskAssessment&_count=100')).toEqual([
      'qa',
      'qb',
      'qc',
      'r1',
      'r2',
      'r3',
      'r4',
    ]);
    const practitioners = (await fhir.search('?_type=Practitioner&_count=100')).entry?.map(
      (e) => (e.resource as Practitioner).resourceType,
    );
    expect(new Set(practitioners)).toEqual(new Set(['Practitioner']));
  });
});
