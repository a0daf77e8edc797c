import type { Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FhirClient, fhirClient, type Reply, rowCounts } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';
import { fhirArbitraries, pathPart } from './property-arbitraries.ts';

// Generated resources, Bundles, patches and queries thrown at the API: never a 5xx, always a parseable answer, an
// OperationOutcome for every rejection, no row changed by a rejected request, and what was stored reads back as is.
let t: TestApp;
let fhir: FhirClient;
const knownIds: string[] = ['does-not-exist'];

beforeAll(async () => {
  t = await createTestApp();
  fhir = fhirClient(t.app);
  const p = await fhir.create({
    resourceType: 'Patient',
    name: [{ family: 'Seed', given: ['Prop'] }],
    birthDate: '1970-01-01',
  } as Resource);
  knownIds.push(p.id);
  const o = await fhir.create({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'seed' },
    subject: { reference: `Patient/${p.id}` },
  } as Resource);
  knownIds.push(o.id);
});
afterAll(() => t?.close());

/** One of the ids stored so far (read at generation time: the list grows as the properties create resources). */
const known = fc.nat().map((i) => knownIds[i % knownIds.length] as string);
const { text, junk, typeName, validResource, resourceLike, idLike, goodText, goodDate, query, target } =
  fhirArbitraries(known);

// ---- the checks -------------------------------------------------------------------------------------------------

/** Statuses seen by the current property, so a test can insist its generator reached both success and rejection. */
let seen = new Map<number, number>();
function expectMix(): void {
  const statuses = [...seen.keys()];
  expect(
    statuses.some((s) => s < 300),
    JSON.stringify([...seen]),
  ).toBe(true);
  expect(
    statuses.some((s) => s >= 400),
    JSON.stringify([...seen]),
  ).toBe(true);
  seen = new Map();
}

/** The invariants every answer must keep; `isRead` says that even a 2xx must not change rows. */
async function check(send: () => Promise<Reply<unknown>>, isRead: boolean): Promise<Reply<unknown>> {
  const before = await rowCounts(t.db);
  const r = await send();
  seen.set(r.status, (seen.get(r.status) ?? 0) + 1);
  expect(r.status, r.text.slice(0, 300)).toBeLessThan(500);
  expect(r.status).toBeGreaterThanOrEqual(200);
  if (r.text !== '') expect(r.body, `unparseable body: ${r.text.slice(0, 200)}`).toBeDefined();
  if (r.status >= 400) {
    expect((r.body as { resourceType?: string }).resourceType).toBe('OperationOutcome');
  }
  if (r.status >= 400 || isRead) expect(await rowCounts(t.db), `rows changed by ${r.status}`).toEqual(before);
  return r;
}

/** A stored resource reads back exactly as the write answered it. */
async function readsBack(r: Reply<unknown>): Promise<void> {
  const stored = r.body as Resource | undefined;
  if (!stored?.id || (r.status !== 200 && r.status !== 201)) return;
  const read = await fhir.get(`${stored.resourceType}/${stored.id}`);
  expect(read.status).toBe(200);
  expect(read.body).toEqual(stored);
  if (stored.resourceType === 'Patient' && knownIds.length < 40 && !knownIds.includes(stored.id))
    knownIds.push(stored.id);
}

const runs = (n: number) => ({ numRuns: n, endOnFailure: true });

describe('generated writes', () => {
  test('POST random resources to random types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: typeName, weight: 1 }),
        resourceLike,
        async (otherType, body) => {
          // Mostly to the body's own type (so valid resources are stored), sometimes to another.
          const type = otherType ?? String(body.resourceType);
          const r = await check(() => fhir.post(pathPart(type), body), false);
          await readsBack(r);
        },
      ),
      runs(400),
    );
    expectMix();
  });

  test('PUT random resources to random ids', async () => {
    const newId = fc.stringMatching(/^[A-Za-z0-9\-.]{1,64}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          { arbitrary: fc.constant(undefined), weight: 4 },
          { arbitrary: fc.constantFrom('Patient', 'Observation', 'Nonsense'), weight: 1 },
        ),
        fc.oneof(known, newId, idLike),
        resourceLike,
        fc.oneof({ arbitrary: fc.constant(true), weight: 5 }, { arbitrary: fc.constant(false), weight: 1 }),
        async (otherType, id, body, sameId) => {
          const type = otherType ?? String(body.resourceType);
          const payload = sameId ? { ...body, id } : body;
          const r = await check(() => fhir.put(`${pathPart(type)}/${pathPart(id)}`, payload), false);
          await readsBack(r);
        },
      ),
      runs(250),
    );
    expectMix();
  });

  test('PATCH with random operations', async () => {
    const value = fc.oneof(
      goodDate.map((d) => d.slice(0, 10)),
      fc.record({ family: goodText }),
      goodText,
      fc.boolean(),
      junk,
    );
    const op = fc.record(
      {
        op: fc.oneof(
          { arbitrary: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'), weight: 5 },
          { arbitrary: text, weight: 1 },
        ),
        path: fc.oneof(
          {
            arbitrary: fc.constantFrom(
              '/name/-',
              '/name/0',
              '/name/0/family',
              '/birthDate',
              '/active',
              '/gender',
              '/identifier',
            ),
            weight: 4,
          },
          { arbitrary: fc.constantFrom('/id', '/meta/versionId', '/resourceType', '/x/y', '/', ''), weight: 1 },
          { arbitrary: text, weight: 1 },
        ),
        value,
        from: fc.constantFrom('/name/0', '/birthDate', '/nope'),
      },
      { requiredKeys: ['op', 'path'] },
    );
    // Operations that fit a Patient, so that some patches succeed and store a new version.
    const fitting = fc.oneof(
      goodDate.map((d) => ({ op: 'add', path: '/birthDate', value: d.slice(0, 10) })),
      goodText.map((family) => ({ op: 'add', path: '/name/-', value: { family } })),
      fc.boolean().map((value) => ({ op: 'add', path: '/active', value })),
      fc.constantFrom(
        { op: 'remove', path: '/active' },
        { op: 'test', path: '/resourceType', value: 'Patient' },
        { op: 'copy', from: '/name/0', path: '/name/-' },
      ),
    );
    const ops = fc.array(fc.oneof({ arbitrary: fitting, weight: 3 }, { arbitrary: op, weight: 1 }), {
      minLength: 1,
      maxLength: 3,
    });
    await fc.assert(
      fc.asyncProperty(
        known,
        fc.oneof({ arbitrary: ops, weight: 5 }, { arbitrary: junk, weight: 1 }),
        async (id, ops) => {
          const r = await check(() => fhir.patch(`Patient/${id}`, ops), false);
          await readsBack(r);
        },
      ),
      runs(200),
    );
    expectMix();
  });

  test('random batch and transaction Bundles; a rejected transaction writes nothing', async () => {
    const goodEntry = validResource.map((resource) => ({
      request: { method: 'POST', url: resource.resourceType },
      resource,
    }));
    const wildEntry = fc.record(
      {
        fullUrl: fc.oneof(fc.constantFrom('urn:uuid:11111111-1111-4111-8111-111111111111', 'urn:uuid:bad'), text),
        request: fc.record(
          {
            method: fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), text),
            url: fc.oneof(
              fc.constantFrom('Patient', 'Observation', 'Patient?name=seed', 'Nonsense/1', ''),
              known.map((id) => `Patient/${id}`),
              text,
            ),
            ifNoneExist: fc.constantFrom('identifier=a|b', 'nonsense=1', '_id=%00'),
            ifMatch: fc.constantFrom('W/"1"', 'W/"99"', 'nope'),
          },
          { requiredKeys: ['method', 'url'] },
        ),
        resource: resourceLike,
      },
      { requiredKeys: ['request'] },
    );
    const entries = fc.array(fc.oneof({ arbitrary: goodEntry, weight: 3 }, { arbitrary: wildEntry, weight: 1 }), {
      maxLength: 4,
    });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('batch', 'transaction', 'transaction', 'collection'),
        fc.oneof({ arbitrary: entries, weight: 5 }, { arbitrary: junk, weight: 1 }),
        async (type, entry) => {
          await check(() => fhir.post('', { resourceType: 'Bundle', type, entry }), false);
        },
      ),
      runs(200),
    );
    expectMix();
  });

  test('a stored Patient is found by each of its own values', async () => {
    // R4 §3.1.1.5.7: `\`, `,`, `|` and `$` in a search value are escaped with a backslash.
    const esc = (v: string) => v.replace(/[\\,|$]/g, (c) => `\\${c}`);
    const patient = fc.record({
      family: goodText,
      given: goodText,
      birthDate: goodDate.map((d) => d.slice(0, 10)),
      gender: fc.constantFrom('male', 'female', 'other', 'unknown'),
      value: goodText,
    });
    await fc.assert(
      fc.asyncProperty(patient, async (p) => {
        const body = {
          resourceType: 'Patient',
          name: [{ family: p.family, given: [p.given] }],
          birthDate: p.birthDate,
          gender: p.gender,
          identifier: [{ system: 'urn:prop', value: p.value }],
        };
        const r = await check(() => fhir.post('Patient', body), false);
        expect(r.status).toBe(201);
        const id = (r.body as Resource).id as string;
        const queries: Record<string, string>[] = [
          { family: esc(p.family) },
          { 'family:exact': esc(p.family) },
          { 'name:contains': esc([...p.family].slice(1, 4).join('') || p.family) },
          { given: esc(p.given) },
          { birthdate: p.birthDate },
          { birthdate: `ge${p.birthDate}`, gender: p.gender },
          { identifier: `urn:prop|${esc(p.value)}` },
          { identifier: esc(p.value) },
        ];
        for (const q of queries) {
          const found = await fhir.search(`Patient?_id=${id}&${new URLSearchParams(q)}`);
          expect(found.total, JSON.stringify(q)).toBe(1);
        }
      }),
      runs(120),
    );
    seen = new Map();
  });
});

describe('generated searches', () => {
  test('GET random queries on random types, strict and lenient', async () => {
    await fc.assert(
      fc.asyncProperty(target, query, fc.boolean(), async (path, q, lenient) => {
        await check(() => fhir.get(`${path}?${q}`, lenient ? { prefer: 'handling=lenient' } : {}), true);
      }),
      runs(450),
    );
    expectMix();
  });

  test('POST _search with random form bodies', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('Patient', 'Observation', 'Nonsense'), query, async (type, q) => {
        await check(async () => {
          const r = await t.app.inject({
            method: 'POST',
            url: `/fhir/R4/${type}/_search`,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: q,
          });
          let body: unknown;
          try {
            body = JSON.parse(r.body);
          } catch {
            body = undefined;
          }
          return { status: r.statusCode, headers: r.headers, body, text: r.body };
        }, true);
      }),
      runs(150),
    );
    expectMix();
  });
});
