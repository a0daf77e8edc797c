import { gunzipSync } from 'node:zlib';
import type { Bundle, CapabilityStatement, Encounter, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { resourceTypes, searchParamsOf } from '../src/platform/store/index.ts';
import { expectOutcome, type FhirClient, fhirClient, rowCounts } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// Batch and transaction Bundles, the CapabilityStatement, and compressed responses.
let t: TestApp;
let fhir: FhirClient;

beforeAll(async () => {
  t = await createTestApp();
  fhir = fhirClient(t.app);
});
afterAll(() => t?.close());

type Entry = NonNullable<Bundle['entry']>[number];
const bundle = (type: 'batch' | 'transaction', entry: Entry[]): Bundle => ({ resourceType: 'Bundle', type, entry });
const statusOf = (b: Bundle) => b.entry?.map((e) => e.response?.status);

describe('batch', () => {
  test('entries are independent: a failing entry does not stop the others', async () => {
    const existing = await fhir.create<Patient>({ resourceType: 'Patient', gender: 'male' });
    const before = await rowCounts(t.db);
    const r = await fhir.post<Bundle>(
      '',
      bundle('batch', [
        {
          request: { method: 'POST', url: 'Patient' },
          resource: { resourceType: 'Patient', name: [{ family: 'BatchOk' }] },
        },
        {
          request: { method: 'POST', url: 'Patient' },
          resource: { resourceType: 'Patient', birthDate: 'nope' } as Patient,
        },
        {
          request: { method: 'PUT', url: 'Patient/batch-client' },
          resource: { resourceType: 'Patient', id: 'batch-client' },
        },
        { request: { method: 'GET', url: 'Patient/does-not-exist' } },
        { request: { method: 'DELETE', url: `Patient/${existing.id}` } },
        {
          request: { method: 'PUT', url: `Patient/${existing.id}x` },
          resource: { resourceType: 'Patient', id: 'mismatch' },
        },
        { request: { method: 'POST', url: 'Nonsense' }, resource: { resourceType: 'Patient' } },
      ]),
    );
    expect(r.status).toBe(200);
    expect(r.body.type).toBe('batch-response');
    expect(statusOf(r.body)).toEqual(['201', '400', '201', '404', '204', '400', '400']);
    expect(r.body.entry?.[1]?.response?.outcome?.resourceType).toBe('OperationOutcome');
    const createdId = r.body.entry?.[0]?.resource?.id as string;
    expect((await fhir.get<Patient>(`Patient/${createdId}`)).body.name).toEqual([{ family: 'BatchOk' }]);
    expect((await fhir.get('Patient/batch-client')).status).toBe(200);
    expect((await fhir.get(`Patient/${existing.id}`)).status).toBe(410);
    const after = await rowCounts(t.db);
    // Two new resources and three new versions (two creates and a delete): nothing from the failed entries.
    expect(after.resource - before.resource).toBe(2);
    expect(after.resource_version - before.resource_version).toBe(3);
  });
});

describe('batch with malformed entries', () => {
  test('a malformed entry gets its own error response; the well-formed entries still run', async () => {
    const before = await rowCounts(t.db);
    const r = await fhir.post<Bundle>('', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        {
          request: { method: 'POST', url: 'Patient' },
          resource: { resourceType: 'Patient', name: [{ family: 'BatchFine1' }] },
        },
        { request: { method: 'HEAD', url: 'Patient' } },
        { request: { method: 'POST', url: 'Patient' } },
        null,
        {
          request: { method: 'POST', url: 'Patient' },
          resource: { resourceType: 'Patient', name: [{ family: 'BatchFine2' }] },
        },
      ],
    });
    expect(r.status, r.text).toBe(200);
    expect(statusOf(r.body)).toEqual(['201', '400', '400', '400', '201']);
    expect(r.body.entry?.[1]?.response?.outcome?.issue?.[0]?.expression).toEqual(['Bundle.entry[1].request.method']);
    const after = await rowCounts(t.db);
    expect(after.resource - before.resource).toBe(2);
    expect((await fhir.search('Patient?family=BatchFine')).total).toBe(2);
  });
});

describe('transaction', () => {
  test('urn:uuid references are rewritten to the ids the server assigns', async () => {
    const pat = 'urn:uuid:6f1c1b7e-0000-4000-8000-000000000001';
    const enc = 'urn:uuid:6f1c1b7e-0000-4000-8000-000000000002';
    const r = await fhir.post<Bundle>(
      '',
      bundle('transaction', [
        {
          fullUrl: enc,
          request: { method: 'POST', url: 'Encounter' },
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { code: 'AMB' },
            subject: { reference: pat },
          },
        },
        {
          request: { method: 'POST', url: 'Observation' },
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'hr' },
            subject: { reference: pat },
            encounter: { reference: enc },
          },
        },
        {
          fullUrl: pat,
          request: { method: 'POST', url: 'Patient' },
          resource: { resourceType: 'Patient', name: [{ family: 'Tx' }] },
        },
      ]),
    );
    expect(r.status, r.text).toBe(200);
    expect(r.body.type).toBe('transaction-response');
    expect(statusOf(r.body)).toEqual(['201', '201', '201']);
    const [encounter, observation, patient] = (r.body.entry ?? []).map((e) => e.resource);
    expect(patient?.id).not.toContain('6f1c1b7e');
    expect(r.body.entry?.[2]?.response?.location).toBe(`Patient/${patient?.id}/_history/1`);
    const storedObs = (await fhir.get<Observation>(`Observation/${observation?.id}`)).body;
    expect(storedObs.subject?.reference).toBe(`Patient/${patient?.id}`);
    expect(storedObs.encounter?.reference).toBe(`Encounter/${encounter?.id}`);
    expect((await fhir.get<Encounter>(`Encounter/${encounter?.id}`)).body.subject?.reference).toBe(
      `Patient/${patient?.id}`,
    );
    // The rewritten references are indexed: the compartment and reference search see them.
    const compartment = await fhir.search(`Patient/${patient?.id}/*`);
    expect(compartment.entry?.map((e) => e.resource?.resourceType).sort()).toEqual([
      'Encounter',
      'Observation',
      'Patient',
    ]);
  });

  test('a conditional reference resolves to the one match; none or several fail the whole transaction', async () => {
    const p = await fhir.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:tx', value: 'one' }] });
    await fhir.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:tx', value: 'two' }] });
    await fhir.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:tx', value: 'two' }] });
    const obsWith = (reference: string): Entry => ({
      request: { method: 'POST', url: 'Observation' },
      resource: { resourceType: 'Observation', status: 'final', code: { text: 'c' }, subject: { reference } },
    });
    const ok = await fhir.post<Bundle>('', bundle('transaction', [obsWith('Patient?identifier=urn:tx|one')]));
    expect(ok.status, ok.text).toBe(200);
    const id = ok.body.entry?.[0]?.resource?.id;
    expect((await fhir.get<Observation>(`Observation/${id}`)).body.subject?.reference).toBe(`Patient/${p.id}`);

    const before = await rowCounts(t.db);
    const valid = {
      request: { method: 'POST', url: 'Patient' },
      resource: { resourceType: 'Patient', gender: 'female' },
    } as Entry;
    expectOutcome(await fhir.post('', bundle('transaction', [valid, obsWith('Patient?identifier=urn:tx|none')])), 412);
    expectOutcome(await fhir.post('', bundle('transaction', [valid, obsWith('Patient?identifier=urn:tx|two')])), 412);
    expect(await rowCounts(t.db)).toEqual(before);
  });

  test('all or nothing: one failing entry rolls back every other entry', async () => {
    const p = await fhir.create<Patient>({ resourceType: 'Patient', gender: 'male' });
    await fhir.put(`Patient/${p.id}`, { ...p, gender: 'female' });
    const before = await rowCounts(t.db);
    const r = await fhir.post(
      '',
      bundle('transaction', [
        {
          request: { method: 'POST', url: 'Patient' },
          resource: { resourceType: 'Patient', name: [{ family: 'Rolled' }] },
        },
        { request: { method: 'PUT', url: 'Patient/tx-new' }, resource: { resourceType: 'Patient', id: 'tx-new' } },
        { request: { method: 'DELETE', url: `Patient/${p.id}` } },
        { request: { method: 'PUT', url: `Patient/${p.id}`, ifMatch: 'W/"1"' }, resource: { ...p, active: true } },
      ]),
    );
    expectOutcome(r, 412);
    expect(await rowCounts(t.db)).toEqual(before);
    expect((await fhir.get<Patient>(`Patient/${p.id}`)).body.meta?.versionId).toBe('2');
    expect((await fhir.get('Patient/tx-new')).status).toBe(404);
    expect((await fhir.search('Patient?family=Rolled')).total).toBe(0);
  });

  test('ifNoneExist, PUT, PATCH, DELETE and GET in one transaction, answered in request order', async () => {
    const keep = await fhir.create<Patient>({
      resourceType: 'Patient',
      identifier: [{ system: 'urn:tx', value: 'keep' }],
    });
    const gone = await fhir.create<Patient>({ resourceType: 'Patient', gender: 'male' });
    const patched = await fhir.create<Patient>({ resourceType: 'Patient', gender: 'male' });
    const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/gender', value: 'female' }])).toString('base64');
    const r = await fhir.post<Bundle>(
      '',
      bundle('transaction', [
        { request: { method: 'GET', url: 'Patient/tx-put' } },
        {
          request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:tx|keep' },
          resource: { resourceType: 'Patient' },
        },
        {
          request: { method: 'PUT', url: 'Patient/tx-put' },
          resource: { resourceType: 'Patient', id: 'tx-put', gender: 'other' },
        },
        { request: { method: 'DELETE', url: `Patient/${gone.id}` } },
        {
          request: { method: 'PATCH', url: `Patient/${patched.id}` },
          resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
        },
      ]),
    );
    expect(r.status, r.text).toBe(200);
    expect(statusOf(r.body)).toEqual(['200', '200', '201', '204', '200']);
    // GET runs after the writes (R4 §3.1.0.11.2 processing order) and sees the PUT.
    expect((r.body.entry?.[0]?.resource as Patient | undefined)?.gender).toBe('other');
    expect(r.body.entry?.[1]?.resource?.id).toBe(keep.id);
    expect((await fhir.search('Patient?identifier=urn:tx|keep')).total).toBe(1);
    expect((await fhir.get(`Patient/${gone.id}`)).status).toBe(410);
    expect((await fhir.get<Patient>(`Patient/${patched.id}`)).body.gender).toBe('female');
  });

  test('20 concurrent transactions with the same ifNoneExist leave exactly one resource', async () => {
    const tx = bundle('transaction', [
      {
        request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:txc|same' },
        resource: { resourceType: 'Patient', identifier: [{ system: 'urn:txc', value: 'same' }] },
      },
    ]);
    const replies = await Promise.all(Array.from({ length: 20 }, () => fhir.post<Bundle>('', tx)));
    expect(
      replies.map((r) => r.status),
      JSON.stringify(replies.find((r) => r.status !== 200)?.body),
    ).toEqual(Array(20).fill(200));
    expect(replies.map((r) => r.body.entry?.[0]?.response?.status).sort()).toEqual([...Array(19).fill('200'), '201']);
    expect(new Set(replies.map((r) => r.body.entry?.[0]?.resource?.id)).size).toBe(1);
    expect((await fhir.search('Patient?identifier=urn:txc|same')).total).toBe(1);
  });

  test('an empty transaction is a valid no-op', async () => {
    const r = await fhir.post<Bundle>('', { resourceType: 'Bundle', type: 'transaction' });
    expect(r.status).toBe(200);
    expect(r.body.entry ?? []).toEqual([]);
  });
});

describe('metadata', () => {
  test('the CapabilityStatement lists every stored type with its search parameters', async () => {
    const r = await fhir.get<CapabilityStatement>('metadata');
    expect(r.status).toBe(200);
    expect(r.body.resourceType).toBe('CapabilityStatement');
    expect(r.body.fhirVersion).toBe('4.0.1');
    const rest = r.body.rest?.[0];
    expect(rest?.resource?.map((x) => x.type).sort()).toEqual([...resourceTypes].sort());
    for (const resource of rest?.resource ?? []) {
      const listed = (resource.searchParam ?? []).map((p) => p.name).sort();
      expect(listed, resource.type).toEqual(
        ['_id', '_lastUpdated', ...searchParamsOf(resource.type as string).keys()].sort(),
      );
      expect(resource.interaction?.map((i) => i.code)).toEqual(
        expect.arrayContaining(['read', 'vread', 'create', 'update', 'delete', 'search-type']),
      );
    }
  });

  test('every listed search parameter is accepted by a search of its type', async () => {
    const cap = (await fhir.get<CapabilityStatement>('metadata')).body;
    for (const resource of cap.rest?.[0]?.resource ?? []) {
      const q = (resource.searchParam ?? []).map((p) =>
        p.name === '_lastUpdated' ? '_lastUpdated=gt2000' : `${p.name}:missing=false`,
      );
      const r = await fhir.get<Bundle>(`${resource.type}?${q.join('&')}&_summary=count`);
      expect(r.status, `${resource.type}: ${r.text.slice(0, 300)}`).toBe(200);
      expect(r.body.total).toBe(0);
    }
  });
});

describe('compression', () => {
  test('gzip when the client accepts it, identity otherwise, with the same content', async () => {
    for (let i = 0; i < 30; i++)
      await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: `Zip${i}`, given: ['Compressed'] }] });
    const url = '/fhir/R4/Patient?given=compressed&_count=50&_sort=family';
    const zipped = await t.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.statusCode).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    const unzipped = JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8')) as Bundle;
    const plain = await t.app.inject({ method: 'GET', url });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const parsed = JSON.parse(plain.body) as Bundle;
    expect(parsed.total).toBe(30);
    expect(unzipped).toEqual(parsed);
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);
  });
});
