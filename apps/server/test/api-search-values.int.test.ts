// Search by number, quantity, reference and uri; paging, sorting and result parameters.
import type { Bundle, Patient, Practitioner } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { allPages, linkOf, orderedIds } from './builders.ts';
import { useSearchFixture } from './search-fixture.ts';

const fx = useSearchFixture();
const { found, resolve, idOf, label } = fx;
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
    const pages = await allPages(fx.fhir, `Practitioner?_count=${count}`);
    const seen = pages.flatMap((p) => orderedIds(p).map((id) => label.get(id)));
    expect(seen).toHaveLength(23);
    expect([...seen].sort()).toEqual([...doctors].sort());
    expect(pages).toHaveLength(Math.max(1, Math.ceil(23 / count)));
    expect(pages.every((p) => p.total === 23)).toBe(true);
    expect(pages.slice(0, -1).every((p) => p.entry?.length === count)).toBe(true);
  });

  test('sorted pages come back in order across page boundaries, ascending and descending', async () => {
    const asc = (await allPages(fx.fhir, 'Practitioner?_sort=family&_count=4')).flatMap((p) =>
      orderedIds(p).map((id) => label.get(id)),
    );
    expect(asc).toEqual(doctors);
    const desc = (await allPages(fx.fhir, 'Practitioner?_sort=-family&_count=6')).flatMap((p) =>
      orderedIds(p).map((id) => label.get(id)),
    );
    expect(desc).toEqual([...doctors].reverse());
    const byUpdate = (await allPages(fx.fhir, 'Practitioner?_sort=-_lastUpdated&_count=10')).flatMap((p) =>
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
    const bundle = await fx.fhir.search(`Patient?${query}`);
    expect(orderedIds(bundle).map((id) => label.get(id))).toEqual(expected);
  });

  test('_sort=_id and _sort=-_id order by id', async () => {
    const ids = [...'ABCDEF'].map((n) => idOf.get(n) as string);
    // PostgreSQL compares text by the database collation; ids are hex UUIDs, where every collation agrees.
    const sorted = [...ids].sort();
    expect(orderedIds(await fx.fhir.search('Patient?_sort=_id'))).toEqual(sorted);
    expect(orderedIds(await fx.fhir.search('Patient?_sort=-_id'))).toEqual([...sorted].reverse());
  });

  test('_total and _summary=count', async () => {
    const none = await fx.fhir.search('Practitioner?_count=5&_total=none');
    expect(none.total).toBeUndefined();
    expect(none.entry).toHaveLength(5);
    expect((await fx.fhir.search('Practitioner?_count=5&_total=accurate')).total).toBe(23);
    const count = await fx.fhir.search('Practitioner?_summary=count');
    expect(count.total).toBe(23);
    expect(count.entry ?? []).toEqual([]);
    expect((await fx.fhir.search('Patient?gender=male&_summary=count')).total).toBe(2);
    const past = await fx.fhir.search('Practitioner?_count=5&_offset=40');
    expect(past.total).toBe(23);
    expect(past.entry ?? []).toEqual([]);
    expect(linkOf(past, 'next')).toBeUndefined();
  });

  test('_summary=true keeps summary elements only; _elements keeps what is asked; both tag SUBSETTED', async () => {
    const [summary] = (await fx.fhir.search(resolve('Patient?_id={A}&_summary=true'))).entry ?? [];
    const s = summary?.resource as Patient;
    expect(s.name).toEqual([{ family: 'Müller', given: ['Anna'] }]);
    expect(s.birthDate).toBe('1990-01-01');
    expect(s.maritalStatus).toBeUndefined();
    expect(s.meta?.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    const [elements] = (await fx.fhir.search(resolve('Patient?_id={A}&_elements=birthDate,gender'))).entry ?? [];
    expect(Object.keys(elements?.resource ?? {}).sort()).toEqual(['birthDate', 'gender', 'id', 'meta', 'resourceType']);
    expect(elements?.resource?.meta?.tag).toContainEqual(expect.objectContaining({ code: 'SUBSETTED' }));
    const [whole] = (await fx.fhir.search(resolve('Patient?_id={A}'))).entry ?? [];
    expect((whole?.resource as Patient | undefined)?.maritalStatus).toBeDefined();
    expect(whole?.resource?.meta?.tag).toBeUndefined();
    // The stored resource is untouched by shaping a search result.
    expect((await fx.fhir.get<Patient>(resolve('Patient/{A}'))).body.maritalStatus).toBeDefined();
  });

  test('POST _search with a form body gives the same result as GET', async () => {
    const r = await fx.t.app.inject({
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
    const mixed = await fx.t.app.inject({
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
    const practitioners = (await fx.fhir.search('?_type=Practitioner&_count=100')).entry?.map(
      (e) => (e.resource as Practitioner).resourceType,
    );
    expect(new Set(practitioners)).toEqual(new Set(['Practitioner']));
  });
});
