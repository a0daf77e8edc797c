import type { Bundle, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildApp } from '../src/app.ts';
import { systemClock } from '../src/platform/clock.ts';
import { expectOutcome, expressions, type FhirClient, fhirClient, type RowCounts, rowCounts } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// Every bad request gets a 4xx OperationOutcome, and the database is exactly as it was before it.
let t: TestApp;
let fhir: FhirClient;
let existing: Patient & { id: string };
let before: RowCounts;

beforeAll(async () => {
  t = await createTestApp();
  fhir = fhirClient(t.app);
  existing = await fhir.create<Patient>({
    resourceType: 'Patient',
    name: [{ family: 'Existing' }],
    birthDate: '1980-01-01',
  });
  await fhir.create({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'x' },
    subject: { reference: `Patient/${existing.id}` },
  });
});
afterAll(() => t?.close());

/** Sends a raw request and checks the status, the OperationOutcome and that no row changed. */
async function rejected(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  status: number,
  payload?: string,
  headers: Record<string, string> = {},
) {
  before = await rowCounts(t.db);
  const r = await fhir.request(method, url, payload, headers);
  const outcome = expectOutcome(r, status);
  expect(r.headers['content-type']).toMatch(/^application\/fhir\+json/);
  expect(await rowCounts(t.db)).toEqual(before);
  return outcome;
}
const json = { 'content-type': 'application/fhir+json' };

describe('malformed bodies', () => {
  test.each([
    ['truncated JSON', '{"resourceType":"Patient",'],
    ['not JSON at all', 'hello'],
    ['a JSON array', '[{"resourceType":"Patient"}]'],
    ['JSON null', 'null'],
    ['a JSON string', '"Patient"'],
    ['an empty body', ''],
    ['trailing garbage', '{"resourceType":"Patient"} x'],
    ['a lone surrogate escape', '{"resourceType":"Patient","name":[{"family":"\\ud800"}]}'],
  ])('POST with %s is 400', async (_name, payload) => {
    await rejected('POST', 'Patient', 400, payload, json);
    await rejected('PUT', `Patient/${existing.id}`, 400, payload, json);
  });

  test.each([
    ['text/plain', '{"resourceType":"Patient"}'],
    ['application/xml', '<Patient xmlns="http://hl7.org/fhir"/>'],
    ['application/fhir+xml', '<Patient xmlns="http://hl7.org/fhir"/>'],
    ['application/x-www-form-urlencoded', 'resourceType=Patient'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('a %s body is 415', async (contentType, payload) => {
    await rejected('POST', 'Patient', 415, payload, { 'content-type': contentType });
    await rejected('PUT', `Patient/${existing.id}`, 415, payload, { 'content-type': contentType });
    await rejected('POST', '', 415, payload, { 'content-type': contentType });
  });

  test('a body nested thousands of levels deep is 400, not a crash', async () => {
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    await rejected('POST', 'Patient', 400, `{"resourceType":"Patient","extension":${deep}}`, json);
    const objects = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    await rejected('POST', 'Patient', 400, `{"resourceType":"Patient","name":[${objects}]}`, json);
  });
});

describe('wrong resource or id', () => {
  test('unknown resource types are 404', async () => {
    await rejected('POST', 'Nonsense', 404, '{"resourceType":"Nonsense"}', json);
    await rejected('PUT', 'Nonsense/1', 404, '{"resourceType":"Nonsense","id":"1"}', json);
    await rejected('GET', 'Nonsense', 404);
    await rejected('GET', 'Nonsense/1', 404);
    await rejected('DELETE', 'Nonsense/1', 404);
    await rejected('GET', 'patient/1', 404);
  });

  test('ids that cannot exist (NUL, symbols, too long) are 404 on read, not a database error', async () => {
    for (const id of ['%00', 'a%00b', 'bad$id', 'x'.repeat(65), '%F0%9F%98%80']) {
      await rejected('GET', `Patient/${id}`, 404);
      await rejected('GET', `Patient/${id}/_history/1`, 404);
      await rejected('GET', `Patient/${id}/_history`, 404);
      await rejected('GET', `Patient/${id}/Observation`, 404);
      await rejected('PATCH', `Patient/${id}`, 404, '[]', { 'content-type': 'application/json-patch+json' });
      before = await rowCounts(t.db);
      expect((await fhir.del(`Patient/${id}`)).status).toBe(204);
      expect(await rowCounts(t.db)).toEqual(before);
    }
  });

  test('an id in the body that differs from the URL is 400 naming the id', async () => {
    const outcome = await rejected(
      'PUT',
      `Patient/${existing.id}`,
      400,
      JSON.stringify({ ...existing, id: 'other' }),
      json,
    );
    expect(expressions(outcome)).toContain('Patient.id');
    const missing = await rejected('PUT', 'Patient/some-id', 400, JSON.stringify({ resourceType: 'Patient' }), json);
    expect(expressions(missing)).toContain('Patient.id');
    await rejected('PUT', 'Patient/bad$id', 400, JSON.stringify({ resourceType: 'Patient', id: 'bad$id' }), json);
    await rejected(
      'PUT',
      `Patient/${'x'.repeat(65)}`,
      400,
      JSON.stringify({ resourceType: 'Patient', id: 'x'.repeat(65) }),
      json,
    );
  });

  test('a body whose resourceType is not the URL type is 400', async () => {
    const outcome = await rejected(
      'POST',
      'Patient',
      400,
      JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'x' } }),
      json,
    );
    expect(expressions(outcome)).toContain('resourceType');
    await rejected('POST', 'Patient', 400, JSON.stringify({ name: [{ family: 'NoType' }] }), json);
  });
});

describe('invalid resources name the element', () => {
  test.each([
    [{ birthDate: 'not-a-date' }, 'Patient.birthDate'],
    [{ birthDate: '2026-02-30' }, 'Patient.birthDate'],
    [{ active: 'yes' }, 'Patient.active'],
    [{ gender: 42 }, 'Patient.gender'],
    [{ name: 'Smith' }, 'Patient.name'],
    [{ name: [{ family: ['Smith'] }] }, 'Patient.name'],
    [{ name: [{ family: 'a\u0000b' }] }, 'Patient.name'],
    [{ name: [{ family: '\ud800' }] }, 'Patient.name[0].family'],
    [{ unknownElement: 1 }, 'Patient.unknownElement'],
    [{ managingOrganization: { reference: 'not a reference' } }, 'Patient.managingOrganization.reference'],
  ])('%j → %s', async (fields, expression) => {
    const outcome = await rejected(
      'POST',
      'Patient',
      400,
      JSON.stringify({ resourceType: 'Patient', ...fields }),
      json,
    );
    expect(
      expressions(outcome).some((e) => e.startsWith(expression)),
      JSON.stringify(outcome),
    ).toBe(true);
    await rejected('PUT', `Patient/${existing.id}`, 400, JSON.stringify({ ...existing, ...fields }), json);
  });

  test('a missing required element is 400 naming it', async () => {
    const outcome = await rejected(
      'POST',
      'Observation',
      400,
      JSON.stringify({ resourceType: 'Observation', code: { text: 'x' } }),
      json,
    );
    expect(expressions(outcome).some((e) => e.startsWith('Observation.status'))).toBe(true);
  });
});

describe('body size limit', () => {
  test('a body over bodyLimitBytes is 413 and nothing is written', async () => {
    // A second app with a small limit over the same database (a second fresh database would only cost time).
    const small = await buildApp({
      config: { ...t.config, bodyLimitBytes: 10_000 },
      db: t.db,
      store: t.store,
      clock: systemClock,
    });
    try {
      const client = fhirClient(small);
      const start = await rowCounts(t.db);
      const big = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'x'.repeat(20_000) }] });
      expectOutcome(await client.request('POST', 'Patient', big, json), 413);
      expectOutcome(await client.request('PUT', 'Patient/big', big, json), 413);
      const bundle = JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: Array(500).fill({ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient' } }),
      });
      expectOutcome(await client.request('POST', '', bundle, json), 413);
      expect(await rowCounts(t.db)).toEqual(start);
      // Just under the limit still works.
      const fits = await client.request(
        'POST',
        'Patient',
        JSON.stringify({ resourceType: 'Patient', name: [{ family: 'y'.repeat(9_000) }] }),
        json,
      );
      expect(fits.status).toBe(201);
    } finally {
      await small.close();
    }
  });
});

describe('bad search parameters', () => {
  test.each([
    ['Patient?birthdate=notadate', 'birthdate'],
    ['Patient?birthdate=2026-13-01', 'birthdate'],
    ['Patient?birthdate=xx2026', 'birthdate'],
    ['Patient?_lastUpdated=yesterday', '_lastUpdated'],
    ['Patient?_lastUpdated:exact=2026', '_lastUpdated:exact'],
    ['RiskAssessment?probability=abc', 'probability'],
    ['RiskAssessment?probability=gt', 'probability'],
    ['RiskAssessment?probability=1..2', 'probability'],
    ['Observation?value-quantity=lots|http://unitsofmeasure.org|mg', 'value-quantity'],
    ['Patient?nonsense=1', 'nonsense'],
    ['Patient?name:fuzzy=x', 'name:fuzzy'],
    ['Patient?gender:contains=x', 'gender:contains'],
    ['Patient?active:missing=maybe', 'active:missing'],
    ['Patient?_count=abc', '_count'],
    ['Patient?_count=-1', '_count'],
    ['Patient?_offset=1.5', '_offset'],
    ['Patient?_sort=nonsense', '_sort'],
    ['Patient?_summary=maybe', '_summary'],
    ['Patient?_total=some', '_total'],
    ['Observation?subject:Nonsense=1', 'subject:Nonsense'],
    ['Observation?subject:Patient.nonsense=1', 'subject:Patient.nonsense'],
    ['Observation?code.name=x', 'code.name'],
    ['Patient?_has:Observation:nonsense:code=1', '_has:Observation:nonsense:code'],
    ['Patient?_has:Nonsense:subject:code=1', '_has:Nonsense:subject:code'],
    ['?_type=Nonsense', '_type'],
    ['Patient?name=a%00b', 'name'],
    ['Patient?_id=%00', '_id'],
    ['Patient?identifier=%00|x', 'identifier'],
    ['Patient?_id.name=x', '_id.name'],
  ])('%s is 400 naming %s', async (query, expression) => {
    const outcome = await rejected('GET', query, 400);
    expect(expressions(outcome)).toContain(expression);
  });

  test('an unknown parameter is ignored with Prefer: handling=lenient, and only then', async () => {
    const strict = await fhir.get('Patient?nonsense=1&name=existing');
    expect(strict.status).toBe(400);
    const lenient = await fhir.get<Bundle>('Patient?nonsense=1&name=existing', { prefer: 'handling=lenient' });
    expect(lenient.status).toBe(200);
    expect(lenient.body.entry?.map((e) => e.resource?.id)).toEqual([existing.id]);
    // Lenient handling ignores unknown names, not malformed values of known ones.
    expectOutcome(await fhir.get('Patient?birthdate=notadate', { prefer: 'handling=lenient' }), 400);
  });

  test.each([
    '_include=Observation:nonsense',
    '_include=Nonsense:subject',
    '_include=Observation:subject:Nonsense',
    '_include=Observation:status',
    '_include=Observation',
    '_revinclude=Observation:nonsense',
    '_revinclude=Nonsense:subject',
    '_include:iterate=Observation:nonsense',
  ])('unknown include target %s is 400', async (param) => {
    const outcome = await rejected('GET', `Observation?${param}`, 400);
    expect(expressions(outcome).some((e) => e.startsWith('_include') || e.startsWith('_revinclude'))).toBe(true);
  });

  test('a bad If-None-Exist condition is 400 and creates nothing', async () => {
    const body = JSON.stringify({ resourceType: 'Patient' });
    for (const condition of ['identifier=a%00b', 'nonsense=1', 'birthdate=notadate', '_id.x=1']) {
      await rejected('POST', 'Patient', 400, body, { ...json, 'if-none-exist': condition });
    }
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=%00' },
          resource: { resourceType: 'Patient' },
        },
      ],
    };
    const outcome = await rejected('POST', '', 400, JSON.stringify(bundle), json);
    expect(expressions(outcome)).toContain('Bundle.entry[0].request.ifNoneExist');
  });

  test('bad values in a POST _search form body are 400 too', async () => {
    await rejected('POST', 'Patient/_search', 400, 'birthdate=notadate', {
      'content-type': 'application/x-www-form-urlencoded',
    });
  });
});

describe('transactions with a bad entry', () => {
  const good = (family: string) => ({
    request: { method: 'POST', url: 'Patient' },
    resource: { resourceType: 'Patient', name: [{ family }] },
  });

  test('an invalid resource in entry 2 is 400 pointing at Bundle.entry[2] and nothing is written', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        good('TxGood1'),
        good('TxGood2'),
        { request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', birthDate: 'bad' } },
      ],
    };
    const outcome = await rejected('POST', '', 400, JSON.stringify(bundle), json);
    expect(expressions(outcome)).toContain('Bundle.entry[2].resource.birthDate');
    expect((await fhir.search('Patient?family=TxGood')).total).toBe(0);
  });

  test.each([
    [
      'an invalid PUT',
      {
        request: { method: 'PUT', url: 'Patient/tx-bad' },
        resource: { resourceType: 'Patient', id: 'tx-bad', gender: 'dragon', active: 'no' },
      },
      'Bundle.entry[1].resource.active',
    ],
    [
      'a PUT with If-Match',
      {
        request: { method: 'PUT', url: 'Patient/tx-bad2', ifMatch: 'W/"1"' },
        resource: { resourceType: 'Patient', id: 'tx-bad2', active: 'no' },
      },
      'Bundle.entry[1].resource.active',
    ],
    ['an unknown method', { request: { method: 'HEAD', url: 'Patient' } }, 'Bundle.entry[1].request.method'],
    [
      'a missing url',
      { request: { method: 'POST' }, resource: { resourceType: 'Patient' } },
      'Bundle.entry[1].request.url',
    ],
    [
      'an unknown type',
      { request: { method: 'POST', url: 'Nonsense' }, resource: { resourceType: 'Nonsense' } },
      'Bundle.entry[1].request.url',
    ],
    [
      'a type mismatch',
      { request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Observation' } },
      'Bundle.entry[1].resource.resourceType',
    ],
    [
      'a PUT id mismatch',
      { request: { method: 'PUT', url: 'Patient/a' }, resource: { resourceType: 'Patient', id: 'b' } },
      'Bundle.entry[1].resource.id',
    ],
    [
      'a dangling urn:uuid',
      {
        request: { method: 'POST', url: 'Patient' },
        resource: { resourceType: 'Patient', link: [{ type: 'seealso', other: { reference: 'urn:uuid:nowhere' } }] },
      },
      'Bundle.entry[1].resource',
    ],
    ['a POST without a resource', { request: { method: 'POST', url: 'Patient' } }, 'Bundle.entry[1].resource'],
  ])('%s fails the transaction, pointing at its entry', async (_name, bad, expression) => {
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [good('TxGood3'), bad, good('TxGood4')] };
    const outcome = await rejected('POST', '', 400, JSON.stringify(bundle), json);
    expect(
      expressions(outcome).some((e) => e.startsWith(expression)),
      JSON.stringify(outcome),
    ).toBe(true);
  });

  test('a PATCH entry that makes the resource invalid points at its entry', async () => {
    const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/birthDate', value: 'bad' }])).toString('base64');
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        good('TxGood5'),
        {
          request: { method: 'PATCH', url: `Patient/${existing.id}` },
          resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
        },
      ],
    };
    const outcome = await rejected('POST', '', 400, JSON.stringify(bundle), json);
    expect(
      expressions(outcome).every((e) => e.startsWith('Bundle.entry[1]')),
      JSON.stringify(outcome),
    ).toBe(true);
    expect((await fhir.get<Patient>(`Patient/${existing.id}`)).body.birthDate).toBe('1980-01-01');
  });

  test('a Bundle that is not a batch or transaction, or has no entry array, is 400', async () => {
    await rejected(
      'POST',
      '',
      400,
      JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [good('X')] }),
      json,
    );
    await rejected(
      'POST',
      '',
      400,
      JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: { oops: 1 } }),
      json,
    );
    await rejected('POST', '', 400, JSON.stringify({ resourceType: 'Patient' }), json);
    await rejected(
      'POST',
      '',
      400,
      JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [null] }),
      json,
    );
  });
});
