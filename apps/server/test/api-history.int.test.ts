import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedClock } from '../src/platform/clock.ts';
import { allPages, expectOutcome, type FhirClient, fhirClient, linkOf } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// History at instance, type and system level, followed page by page, against the list of writes the test made.
let t: TestApp;
let fhir: FhirClient;
const clock = fixedClock('2026-03-01T08:00:00Z');

type Written = { key: string; version: string; method: string; at: string };
const writes: Written[] = [];

async function record(
  method: 'POST' | 'PUT' | 'DELETE',
  type: string,
  id: string | undefined,
  body?: object,
): Promise<string> {
  clock.advance({ seconds: 1 });
  const at = clock.now().toString({ fractionalSecondDigits: 3 });
  if (method === 'DELETE') {
    expect((await fhir.del(`${type}/${id}`)).status).toBe(204);
    const last = writes.filter((w) => w.key === `${type}/${id}`).at(-1);
    writes.push({ key: `${type}/${id}`, version: String(Number(last?.version) + 1), method, at });
    return id as string;
  }
  const r = method === 'POST' ? await fhir.post<Patient>(type, body) : await fhir.put<Patient>(`${type}/${id}`, body);
  expect(r.status).toBeLessThan(300);
  writes.push({ key: `${type}/${r.body.id}`, version: r.body.meta?.versionId as string, method, at });
  return r.body.id as string;
}

/** The entries of every page, as `Type/id@version METHOD`, in server order. */
const flatten = (pages: Bundle[]) =>
  pages.flatMap((p) =>
    (p.entry ?? []).map(
      (e) =>
        `${e.fullUrl?.replace(/^.*\/fhir\/R4\//, '')}@${e.response?.etag?.replace(/\D/g, '')} ${e.request?.method}`,
    ),
  );
const expected = (filter: (w: Written) => boolean) =>
  writes
    .filter(filter)
    .reverse()
    .map((w) => `${w.key}@${w.version} ${w.method}`);

let patientA = '';
let obs = '';

beforeAll(async () => {
  t = await createTestApp({ clock });
  fhir = fhirClient(t.app);
  patientA = await record('POST', 'Patient', undefined, { resourceType: 'Patient', name: [{ family: 'Alpha' }] });
  const patientB = await record('POST', 'Patient', undefined, { resourceType: 'Patient', name: [{ family: 'Beta' }] });
  obs = await record('POST', 'Observation', undefined, {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'x' },
    subject: { reference: `Patient/${patientA}` },
  });
  await record('PUT', 'Patient', patientA, { resourceType: 'Patient', id: patientA, name: [{ family: 'Alpha2' }] });
  await record('PUT', 'Patient', 'client-c', { resourceType: 'Patient', id: 'client-c', gender: 'male' });
  await record('PUT', 'Patient', patientA, { resourceType: 'Patient', id: patientA, name: [{ family: 'Alpha3' }] });
  await record('DELETE', 'Observation', obs);
  await record('PUT', 'Patient', patientB, { resourceType: 'Patient', id: patientB, name: [{ family: 'Beta2' }] });
  for (let i = 0; i < 5; i++) {
    await record('POST', 'Observation', undefined, {
      resourceType: 'Observation',
      status: 'final',
      code: { text: `o${i}` },
    });
  }
});
afterAll(() => t?.close());

describe('history', () => {
  test.each([1, 3, 100])(
    'system history with _count=%i pages through every version exactly once, newest first',
    async (count) => {
      const pages = await allPages(fhir, `_history?_count=${count}`);
      expect(flatten(pages)).toEqual(expected(() => true));
      expect(pages.every((p) => p.type === 'history' && p.total === writes.length)).toBe(true);
      expect(pages.length).toBe(Math.ceil(writes.length / count));
    },
  );

  test('type history holds only that type', async () => {
    const pages = await allPages(fhir, 'Patient/_history?_count=2');
    expect(flatten(pages)).toEqual(expected((w) => w.key.startsWith('Patient/')));
    const obsPages = await allPages(fhir, 'Observation/_history?_count=4');
    expect(flatten(obsPages)).toEqual(expected((w) => w.key.startsWith('Observation/')));
  });

  test('instance history, including a deleted resource', async () => {
    expect(flatten(await allPages(fhir, `Patient/${patientA}/_history?_count=1`))).toEqual(
      expected((w) => w.key === `Patient/${patientA}`),
    );
    const deleted = flatten(await allPages(fhir, `Observation/${obs}/_history`));
    expect(deleted).toEqual([`Observation/${obs}@2 DELETE`, `Observation/${obs}@1 POST`]);
    expectOutcome(await fhir.get('Patient/nobody/_history'), 404);
  });

  test('each entry carries the resource as it was at that version', async () => {
    const page = await fhir.search(`Patient/${patientA}/_history`);
    expect(page.entry?.map((e) => (e.resource as Patient).name?.[0]?.family)).toEqual(['Alpha3', 'Alpha2', 'Alpha']);
    const times = writes.filter((w) => w.key === `Patient/${patientA}`).map((w) => w.at);
    expect(page.entry?.map((e) => e.response?.lastModified)).toEqual(times.reverse());
  });

  test('_since keeps only later versions, on every page', async () => {
    const since = writes[5]?.at as string;
    const pages = await allPages(fhir, `_history?_count=2&_since=${encodeURIComponent(since)}`);
    expect(flatten(pages)).toEqual(expected((w) => w.at >= since));
    expect(pages[0]?.total).toBe(writes.length - 5);
    expectOutcome(await fhir.get('_history?_since=yesterday'), 400);
    // Forms that Date.parse accepts but are not FHIR instants (found by the property test: PostgreSQL rejected them).
    expectOutcome(await fhir.get('_history?_since=Mar%205'), 400);
    expectOutcome(await fhir.get('_history?_since=2026-03-01%2010:00'), 400);
    // A date means its first moment.
    expect((await fhir.search('_history?_since=2026-03-01&_count=0')).total).toBe(writes.length);
    expect((await fhir.search('_history?_since=2026-03-02&_count=0')).total).toBe(0);
  });

  test('paging past the end gives an empty page without a next link', async () => {
    const page = await fhir.search(`_history?_count=5&_offset=${writes.length}`);
    expect(page.entry ?? []).toEqual([]);
    expect(linkOf(page, 'next')).toBeUndefined();
    expectOutcome(await fhir.get('_history?_count=-1'), 400);
    // _count=0 asks for the total only; a next link to the same offset would send clients round in circles.
    const countOnly = await fhir.search('_history?_count=0');
    expect(countOnly.total).toBe(writes.length);
    expect(countOnly.entry ?? []).toEqual([]);
    expect(linkOf(countOnly, 'next')).toBeUndefined();
  });

  test('search still finds the current versions only', async () => {
    const found = await fhir.search('Observation?_count=100');
    expect(found.total).toBe(5);
    expect((found.entry ?? []).every((e) => (e.resource as Observation).id !== obs)).toBe(true);
  });
});
