import type { Bundle, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { allPages, expectOutcome, type FhirClient, fhirClient, includedRefs, matchIds } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// Searches that follow references: _include, _revinclude, chains, _has, the patient compartment and $everything.
let t: TestApp;
let fhir: FhirClient;
const label = new Map<string, string>();
const idOf = new Map<string, string>();

async function make(name: string, resource: Resource): Promise<string> {
  const stored = await fhir.create(resource);
  label.set(`${stored.resourceType}/${stored.id}`, name);
  idOf.set(name, stored.id);
  return stored.id;
}
const ref = (name: string, type: string) => ({ reference: `${type}/${idOf.get(name)}` });
const fill = (query: string) => query.replace(/\{([A-Za-z0-9]+)\}/g, (_, n: string) => idOf.get(n) ?? `unknown-${n}`);
const names = (bundle: Bundle, mode: 'match' | 'include') =>
  (bundle.entry ?? [])
    .filter((e) => (e.search?.mode ?? 'match') === mode)
    .map(
      (e) =>
        label.get(`${e.resource?.resourceType}/${e.resource?.id}`) ?? `?${e.resource?.resourceType}/${e.resource?.id}`,
    )
    .sort();

/** Matches and included resources of a search, by label. */
async function run(query: string): Promise<{ match: string[]; include: string[] }> {
  const bundle = await fhir.search(fill(query));
  return { match: names(bundle, 'match'), include: names(bundle, 'include') };
}

const code = (c: string) => ({ coding: [{ system: 'http://loinc.org', code: c }] });

beforeAll(async () => {
  t = await createTestApp();
  fhir = fhirClient(t.app);
  await make('org', { resourceType: 'Organization', name: 'Acme Health' });
  await make('dr', { resourceType: 'Practitioner', name: [{ family: 'Who', given: ['Doctor'] }] });
  await make('pA', {
    resourceType: 'Patient',
    name: [{ family: 'Ames', given: ['Alice'] }],
    birthDate: '1980-05-05',
    managingOrganization: ref('org', 'Organization'),
    generalPractitioner: [ref('dr', 'Practitioner')],
  });
  await make('pB', { resourceType: 'Patient', name: [{ family: 'Brown', given: ['Bob'] }], birthDate: '1990-07-07' });
  await make('pC', { resourceType: 'Patient', name: [{ family: 'Clark', given: ['Carol'] }], birthDate: '1980-05-05' });
  await make('pD', { resourceType: 'Patient', name: [{ family: 'Dunn', given: ['Dora'] }], birthDate: '1980-05-05' });
  const obs = (subject: object | undefined, c: string, extra: object = {}): Resource =>
    ({
      resourceType: 'Observation',
      status: 'final',
      code: code(c),
      ...(subject ? { subject } : {}),
      ...extra,
    }) as Resource;
  await make('oA1', obs(ref('pA', 'Patient'), '111', { performer: [ref('dr', 'Practitioner')] }));
  await make('oA2', obs(ref('pA', 'Patient'), '222'));
  await make('oA3', obs(ref('pA', 'Patient'), '999'));
  await make('oB1', obs(ref('pB', 'Patient'), '111'));
  await make('oG', obs({ reference: 'Group/g-missing' }, '111'));
  await make('oD1', obs(ref('pD', 'Patient'), '444'));
  await make('oNone', obs(undefined, '111'));
  await make('tA', {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    for: ref('pA', 'Patient'),
    owner: ref('dr', 'Practitioner'),
  });
  await make('tB', { resourceType: 'Task', status: 'requested', intent: 'order', for: ref('pB', 'Patient') });
  await make('tOrg', { resourceType: 'Task', status: 'requested', intent: 'order', for: ref('org', 'Organization') });
  await make('eA', {
    resourceType: 'Encounter',
    status: 'finished',
    class: { code: 'AMB' },
    subject: ref('pA', 'Patient'),
  });
  await make('cA', { resourceType: 'Condition', subject: ref('pA', 'Patient'), encounter: ref('eA', 'Encounter') });
  // Deleted resources must not be found, included or counted through any reference.
  expect((await fhir.del(`Observation/${idOf.get('oA3')}`)).status).toBe(204);
  expect((await fhir.del(`Patient/${idOf.get('pD')}`)).status).toBe(204);
});
afterAll(() => t?.close());

describe('_include and _revinclude', () => {
  test.each([
    ['Observation?code=111&_include=Observation:subject', ['oA1', 'oB1', 'oG', 'oNone'], ['pA', 'pB']],
    ['Observation?code=111&_include=Observation:subject:Patient', ['oA1', 'oB1', 'oG', 'oNone'], ['pA', 'pB']],
    ['Observation?code=111&_include=Observation:subject:Group', ['oA1', 'oB1', 'oG', 'oNone'], []],
    ['Observation?_id={oA1}&_include=Observation:performer', ['oA1'], ['dr']],
    ['Observation?_id={oA1}&_include=Observation:performer,Observation:subject', ['oA1'], ['dr', 'pA']],
    ['Observation?_id={oA1}&_include=Observation:performer&_include=Observation:patient', ['oA1'], ['dr', 'pA']],
    ['Observation?code=444&_include=Observation:subject', ['oD1'], []],
    ['Patient?_id={pA}&_include=Patient:organization&_include=Patient:general-practitioner', ['pA'], ['dr', 'org']],
    ['Condition?_id={cA}&_include=Condition:encounter&_include:iterate=Encounter:subject', ['cA'], ['eA', 'pA']],
    ['Condition?_id={cA}&_include=Condition:encounter', ['cA'], ['eA']],
    ['Patient?_id={pA}&_revinclude=Observation:subject', ['pA'], ['oA1', 'oA2']],
    [
      'Patient?_id={pA},{pB}&_revinclude=Observation:subject&_revinclude=Task:patient',
      ['pA', 'pB'],
      ['oA1', 'oA2', 'oB1', 'tA', 'tB'],
    ],
    [
      'Practitioner?_id={dr}&_revinclude=Patient:general-practitioner&_revinclude=Observation:performer',
      ['dr'],
      ['oA1', 'pA'],
    ],
    ['Organization?_id={org}&_revinclude=Task:subject', ['org'], ['tOrg']],
    ['Patient?_id={pA}&_revinclude=Observation:subject&_include=Patient:organization', ['pA'], ['oA1', 'oA2', 'org']],
  ])('%s', async (query, match, include) => {
    expect(await run(query)).toEqual({ match, include });
  });

  test('includes follow the page, are not counted in total, and appear once', async () => {
    const first = await fhir.search('Observation?code=111&_include=Observation:subject&_sort=_id&_count=100');
    expect(first.total).toBe(4);
    expect(includedRefs(first)).toEqual([...new Set(includedRefs(first))]);
    const pages = await allPages(fhir, 'Observation?code=111&_include=Observation:subject&_count=1');
    expect(pages).toHaveLength(4);
    expect(pages.flatMap((p) => matchIds(p)).length).toBe(4);
    for (const page of pages) {
      const subject = (page.entry?.[0]?.resource as { subject?: { reference?: string } } | undefined)?.subject
        ?.reference;
      const wanted = subject?.startsWith('Patient/') ? [subject] : [];
      expect(includedRefs(page)).toEqual(wanted);
    }
  });
});

describe('chained parameters', () => {
  test.each([
    ['Task?patient.name=alice', ['tA']],
    ['Task?patient.name=ames', ['tA']],
    ['Task?patient.family=brown', ['tB']],
    ['Task?subject:Patient.name=bob', ['tB']],
    ['Task?subject:Organization.name=acme', ['tOrg']],
    ['Task?owner:Practitioner.name=who', ['tA']],
    ['Observation?subject:Patient.birthdate=1980-05-05', ['oA1', 'oA2']],
    ['Observation?subject.birthdate=1980-05-05', ['oA1', 'oA2']],
    ['Observation?subject:Patient.birthdate=lt1985', ['oA1', 'oA2']],
    ['Observation?subject:Patient.birthdate=1980-05-05&code=222', ['oA2']],
    ['Observation?subject:Patient.organization.name=acme', ['oA1', 'oA2']],
    ['Observation?subject:Patient.name=dora', []],
    ['Observation?performer:Practitioner.name=who', ['oA1']],
    ['Observation?subject:Patient.name=alice,bob', ['oA1', 'oA2', 'oB1']],
  ])('%s', async (query, match) => {
    expect((await run(query)).match).toEqual(match);
  });
});

describe('_has', () => {
  test.each([
    ['Patient?_has:Observation:subject:code=111', ['pA', 'pB']],
    ['Patient?_has:Observation:subject:code=222', ['pA']],
    ['Patient?_has:Observation:patient:code=333', []],
    ['Patient?_has:Observation:subject:code=999', []],
    ['Patient?_has:Task:patient:_id={tB}', ['pB']],
    ['Patient?_has:Observation:subject:code=111&birthdate=1980-05-05', ['pA']],
    ['Practitioner?_has:Observation:performer:code=111', ['dr']],
    ['Encounter?_has:Condition:encounter:subject={pA}', ['eA']],
  ])('%s', async (query, match) => {
    expect((await run(query)).match).toEqual(match);
  });
});

describe('patient compartment and $everything', () => {
  const everythingA = ['cA', 'eA', 'oA1', 'oA2', 'pA', 'tA'];

  test.each([
    ['Patient/{pA}/Observation', ['oA1', 'oA2']],
    ['Patient/{pA}/Observation?code=222', ['oA2']],
    ['Patient/{pB}/Observation', ['oB1']],
    ['Patient/{pC}/Observation', []],
    ['Patient/{pA}/Task', ['tA']],
    ['Patient/{pA}/Condition', ['cA']],
    ['Patient/{pA}/*', everythingA],
    ['Patient/{pA}/$everything', everythingA],
    ['Patient/{pB}/$everything', ['oB1', 'pB', 'tB']],
    ['Patient/{pC}/*', ['pC']],
  ])('%s', async (query, match) => {
    const result = await run(query);
    expect(result.match).toEqual(match);
    expect((await fhir.search(fill(query))).total).toBe(match.length);
  });

  test('$everything pages through the whole compartment', async () => {
    const pages = await allPages(fhir, fill('Patient/{pA}/$everything?_count=2'));
    const seen = pages.flatMap((p) => names(p, 'match'));
    expect(seen.sort()).toEqual(everythingA);
    expect(pages).toHaveLength(3);
  });

  test('unknown, deleted or wrong compartments are errors, not empty results', async () => {
    expectOutcome(await fhir.get('Patient/nobody/Observation'), 404);
    expectOutcome(await fhir.get('Patient/nobody/$everything'), 404);
    expectOutcome(await fhir.get(fill('Patient/{pD}/Observation')), 410);
    expectOutcome(await fhir.get(fill('Patient/{pA}/Nonsense')), 404);
    expectOutcome(await fhir.get(fill('Observation/{oA1}/Patient')), 404);
    expectOutcome(await fhir.get(fill('Patient/{pA}/Observation?bogus=1')), 400);
  });
});
