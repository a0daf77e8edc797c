import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectOutcome, type FhirClient, fhirClient, rowCounts } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// Read, vread, create, update, patch, delete and If-Match through the real app on a fresh database.
let t: TestApp;
let fhir: FhirClient;
const base = 'http://careloop.test/fhir/R4';

beforeAll(async () => {
  t = await createTestApp();
  fhir = fhirClient(t.app);
});
afterAll(() => t?.close());

describe('create', () => {
  test('POST answers 201 with Location, ETag and the stored resource; the server assigns the id', async () => {
    const r = await fhir.post<Patient>('Patient', {
      resourceType: 'Patient',
      id: 'client-chosen',
      name: [{ family: 'Create' }],
    });
    expect(r.status).toBe(201);
    const id = r.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(id).not.toBe('client-chosen');
    expect(r.headers.location).toBe(`${base}/Patient/${id}/_history/1`);
    expect(r.headers.etag).toBe('W/"1"');
    expect(r.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(r.body.meta?.versionId).toBe('1');
    expect(r.body.name).toEqual([{ family: 'Create' }]);
    const read = await fhir.get<Patient>(`Patient/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(r.body);
    expect(read.headers.etag).toBe('W/"1"');
    expect((await fhir.get('Patient/client-chosen')).status).toBe(404);
  });

  test('Prefer: return=minimal answers with headers and no body', async () => {
    const r = await fhir.post('Patient', { resourceType: 'Patient', gender: 'other' }, { prefer: 'return=minimal' });
    expect(r.status).toBe(201);
    expect(r.text).toBe('');
    expect(r.headers.location).toMatch(new RegExp(`^${base}/Patient/[0-9a-f-]{36}/_history/1$`));
  });
});

describe('read and vread', () => {
  test('unknown id is 404 with an OperationOutcome; unknown type is 404', async () => {
    expectOutcome(await fhir.get('Patient/does-not-exist'), 404);
    expectOutcome(await fhir.get('Nonsense/1'), 404);
  });

  test('vread returns each version as it was; a version that never existed is 404', async () => {
    const p = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Vread' }] });
    const u = await fhir.put<Patient>(`Patient/${p.id}`, { ...p, name: [{ family: 'Vread2' }] });
    expect(u.status).toBe(200);
    expect(u.body.meta?.versionId).toBe('2');
    expect(u.headers.etag).toBe('W/"2"');
    const v1 = await fhir.get<Patient>(`Patient/${p.id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(v1.body.name).toEqual([{ family: 'Vread' }]);
    expect(v1.headers.etag).toBe('W/"1"');
    const v2 = await fhir.get<Patient>(`Patient/${p.id}/_history/2`);
    expect(v2.body.name).toEqual([{ family: 'Vread2' }]);
    expectOutcome(await fhir.get(`Patient/${p.id}/_history/3`), 404);
    expectOutcome(await fhir.get(`Patient/${p.id}/_history/abc`), 404);
  });
});

describe('update', () => {
  test('an update that changes nothing makes no new version', async () => {
    const p = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Same' }] });
    const before = await rowCounts(t.db);
    const r = await fhir.put<Patient>(`Patient/${p.id}`, {
      resourceType: 'Patient',
      id: p.id,
      name: [{ family: 'Same' }],
    });
    expect(r.status).toBe(200);
    expect(r.body.meta?.versionId).toBe('1');
    expect(await rowCounts(t.db)).toEqual(before);
  });

  test('PUT with a new client id creates it (201) and keeps the id', async () => {
    const r = await fhir.put<Patient>('Patient/client-id-1', {
      resourceType: 'Patient',
      id: 'client-id-1',
      gender: 'female',
    });
    expect(r.status).toBe(201);
    expect(r.headers.location).toBe(`${base}/Patient/client-id-1/_history/1`);
    expect(r.body.meta?.versionId).toBe('1');
    const again = await fhir.put<Patient>('Patient/client-id-1', {
      resourceType: 'Patient',
      id: 'client-id-1',
      gender: 'male',
    });
    expect(again.status).toBe(200);
    expect(again.body.meta?.versionId).toBe('2');
    expect((await fhir.get<Patient>('Patient/client-id-1')).body.gender).toBe('male');
  });

  test('concurrent PUTs of one id all succeed and leave versions 1..n without gaps', async () => {
    const n = 20;
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        fhir.put<Patient>('Patient/racy', { resourceType: 'Patient', id: 'racy', name: [{ family: `Racy${i}` }] }),
      ),
    );
    expect(replies.map((r) => r.status).sort((a, b) => a - b)).toEqual([...Array(n - 1).fill(200), 201]);
    expect(replies.map((r) => Number(r.body.meta?.versionId)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: n }, (_, i) => i + 1),
    );
    const history = await fhir.search('Patient/racy/_history?_count=100');
    expect(history.total).toBe(n);
    const current = await fhir.get<Patient>('Patient/racy');
    expect(current.body.meta?.versionId).toBe(String(n));
    const last = replies.find((r) => r.body.meta?.versionId === String(n));
    expect(current.body.name).toEqual(last?.body.name);
  });
});

describe('If-Match', () => {
  test('a stale version is 412 and nothing is written; the current version succeeds', async () => {
    const p = await fhir.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Match' }] });
    await fhir.put(`Patient/${p.id}`, { ...p, name: [{ family: 'Match2' }] });
    const before = await rowCounts(t.db);
    for (const ifMatch of ['W/"1"', '1', 'W/"3"', 'garbage']) {
      const stale = await fhir.put(`Patient/${p.id}`, { ...p, name: [{ family: 'Lost' }] }, { 'if-match': ifMatch });
      expectOutcome(stale, 412);
      const patched = await fhir.patch(`Patient/${p.id}`, [{ op: 'replace', path: '/name/0/family', value: 'Lost' }], {
        'if-match': ifMatch,
      });
      expectOutcome(patched, 412);
    }
    expect(await rowCounts(t.db)).toEqual(before);
    const current = await fhir.get<Patient>(`Patient/${p.id}`);
    expect(current.body.meta?.versionId).toBe('2');
    expect(current.body.name).toEqual([{ family: 'Match2' }]);
    const ok = await fhir.put<Patient>(
      `Patient/${p.id}`,
      { ...p, name: [{ family: 'Match3' }] },
      { 'if-match': 'W/"2"' },
    );
    expect(ok.status).toBe(200);
    expect(ok.body.meta?.versionId).toBe('3');
  });

  test('If-Match on a resource that does not exist is 412 and creates nothing', async () => {
    const before = await rowCounts(t.db);
    expectOutcome(
      await fhir.put('Patient/never-was', { resourceType: 'Patient', id: 'never-was' }, { 'if-match': 'W/"1"' }),
      412,
    );
    expect(await rowCounts(t.db)).toEqual(before);
    expect((await fhir.get('Patient/never-was')).status).toBe(404);
  });
});

describe('concurrent writers of one resource', () => {
  test('concurrent PUTs with the same If-Match: exactly one wins, the others are 412', async () => {
    const p = await fhir.create<Patient>({ resourceType: 'Patient', gender: 'male' });
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        fhir.put<Patient>(`Patient/${p.id}`, { ...p, name: [{ family: `Winner${i}` }] }, { 'if-match': 'W/"1"' }),
      ),
    );
    expect(replies.map((r) => r.status).sort((a, b) => a - b)).toEqual([200, ...Array(9).fill(412)]);
    const winner = replies.find((r) => r.status === 200);
    const current = await fhir.get<Patient>(`Patient/${p.id}`);
    expect(current.body.meta?.versionId).toBe('2');
    expect(current.body.name).toEqual(winner?.body.name);
  });

  test('concurrent PATCHes each apply to the latest version: no update is lost', async () => {
    const p = await fhir.create<Patient>({
      resourceType: 'Patient',
      identifier: [{ system: 'urn:patch', value: 'first' }],
    });
    const n = 12;
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        fhir.patch(`Patient/${p.id}`, [
          { op: 'add', path: '/identifier/-', value: { system: 'urn:patch', value: `p${i}` } },
        ]),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(n).fill(200));
    const current = await fhir.get<Patient>(`Patient/${p.id}`);
    expect(current.body.meta?.versionId).toBe(String(n + 1));
    expect(current.body.identifier?.map((i) => i.value).sort()).toEqual(
      ['first', ...Array.from({ length: n }, (_, i) => `p${i}`)].sort(),
    );
  });
});

describe('conditional update and delete', () => {
  test('20 concurrent conditional PUTs with no match leave exactly one resource', async () => {
    const body = { resourceType: 'Patient', identifier: [{ system: 'urn:cu', value: 'race' }] };
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => fhir.put<Patient>('Patient?identifier=urn:cu|race', body)),
    );
    expect(replies.map((r) => r.status).sort((a, b) => a - b)).toEqual([...Array(19).fill(200), 201]);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect((await fhir.search('Patient?identifier=urn:cu|race')).total).toBe(1);
  });

  test('PUT Type?query creates when nothing matches, updates the one match, and is 412 for several', async () => {
    const created = await fhir.put<Patient>('Patient?identifier=urn:cu|one', {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:cu', value: 'one' }],
    });
    expect(created.status).toBe(201);
    const updated = await fhir.put<Patient>('Patient?identifier=urn:cu|one', {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:cu', value: 'one' }],
      active: true,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.id).toBe(created.body.id);
    expect(updated.body.meta?.versionId).toBe('2');
    await fhir.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:cu', value: 'two' }] });
    await fhir.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:cu', value: 'two' }] });
    const before = await rowCounts(t.db);
    expectOutcome(await fhir.put('Patient?identifier=urn:cu|two', { resourceType: 'Patient' }), 412);
    expectOutcome(await fhir.del('Patient?identifier=urn:cu|two'), 412);
    expectOutcome(await fhir.put('Patient?nonsense=1', { resourceType: 'Patient' }), 400);
    expect(await rowCounts(t.db)).toEqual(before);
    expect((await fhir.del('Patient?identifier=urn:cu|one')).status).toBe(204);
    expect((await fhir.get(`Patient/${created.body.id}`)).status).toBe(410);
  });
});

describe('JSON Patch', () => {
  test('application/json-patch+json applies the operations and makes a new version', async () => {
    const p = await fhir.create<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Patchy' }],
      birthDate: '1970-01-01',
    });
    const r = await fhir.patch<Patient>(`Patient/${p.id}`, [
      { op: 'replace', path: '/birthDate', value: '1971-02-03' },
      { op: 'add', path: '/name/0/given', value: ['Pat'] },
      { op: 'add', path: '/active', value: true },
    ]);
    expect(r.status).toBe(200);
    expect(r.body.meta?.versionId).toBe('2');
    expect(r.headers.etag).toBe('W/"2"');
    const read = await fhir.get<Patient>(`Patient/${p.id}`);
    expect(read.body).toMatchObject({
      birthDate: '1971-02-03',
      active: true,
      name: [{ family: 'Patchy', given: ['Pat'] }],
    });
    // History keeps the unpatched version.
    expect((await fhir.get<Patient>(`Patient/${p.id}/_history/1`)).body.birthDate).toBe('1970-01-01');
  });

  test('a failing test op, an invalid result, a patched id or a non-patch content type writes nothing', async () => {
    const p = await fhir.create<Patient>({ resourceType: 'Patient', gender: 'male' });
    const before = await rowCounts(t.db);
    const failingTest = await fhir.patch(`Patient/${p.id}`, [
      { op: 'replace', path: '/gender', value: 'female' },
      { op: 'test', path: '/gender', value: 'male' },
    ]);
    expect(failingTest.status).toBe(400);
    expectOutcome(
      await fhir.patch(`Patient/${p.id}`, [{ op: 'replace', path: '/birthDate', value: 'not-a-date' }]),
      400,
    );
    expectOutcome(await fhir.patch(`Patient/${p.id}`, [{ op: 'replace', path: '/id', value: 'other' }]), 400);
    expectOutcome(await fhir.patch(`Patient/${p.id}`, [{ op: 'remove', path: '/nothing/here' }]), 400);
    expectOutcome(await fhir.patch(`Patient/${p.id}`, { op: 'replace' }), 400);
    const wrongType = await fhir.request(
      'PATCH',
      `Patient/${p.id}`,
      JSON.stringify([{ op: 'replace', path: '/gender', value: 'female' }]),
      {
        'content-type': 'application/json',
      },
    );
    expectOutcome(wrongType, 415);
    expectOutcome(await fhir.patch('Patient/missing-one', [{ op: 'add', path: '/active', value: true }]), 404);
    expect(await rowCounts(t.db)).toEqual(before);
    expect((await fhir.get<Patient>(`Patient/${p.id}`)).body).toEqual(p);
  });
});

describe('delete', () => {
  test('delete is logical: read is 410, history keeps every version, search no longer finds it', async () => {
    const p = await fhir.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:del', value: 'd1' }] });
    await fhir.put(`Patient/${p.id}`, { ...p, active: true });
    expect((await fhir.search('Patient?identifier=urn:del|d1')).total).toBe(1);
    const d = await fhir.del(`Patient/${p.id}`);
    expect(d.status).toBe(204);
    expectOutcome(await fhir.get(`Patient/${p.id}`), 410);
    expect((await fhir.get<Patient>(`Patient/${p.id}/_history/1`)).status).toBe(200);
    expect((await fhir.get<Patient>(`Patient/${p.id}/_history/2`)).body.active).toBe(true);
    expectOutcome(await fhir.get(`Patient/${p.id}/_history/3`), 410);
    const history = await fhir.search(`Patient/${p.id}/_history`);
    expect(history.total).toBe(3);
    expect(history.entry?.map((e) => [e.request?.method, e.response?.etag, e.resource ? 'resource' : 'none'])).toEqual([
      ['DELETE', 'W/"3"', 'none'],
      ['PUT', 'W/"2"', 'resource'],
      ['POST', 'W/"1"', 'resource'],
    ]);
    expect((await fhir.search('Patient?identifier=urn:del|d1')).total).toBe(0);

    // Deleting again changes nothing; recreating with PUT continues the version sequence.
    const before = await rowCounts(t.db);
    expect((await fhir.del(`Patient/${p.id}`)).status).toBe(204);
    expect(await rowCounts(t.db)).toEqual(before);
    const back = await fhir.put<Patient>(`Patient/${p.id}`, { resourceType: 'Patient', id: p.id, gender: 'unknown' });
    expect(back.status).toBe(201);
    expect(back.body.meta?.versionId).toBe('4');
  });

  test('deleting an id that never existed is 204 and writes nothing', async () => {
    const before = await rowCounts(t.db);
    expect((await fhir.del('Patient/nobody')).status).toBe(204);
    expect(await rowCounts(t.db)).toEqual(before);
    expectOutcome(await fhir.del('Nonsense/nobody'), 404);
  });
});

describe('conditional create (If-None-Exist)', () => {
  test('50 identical concurrent requests leave exactly one resource', async () => {
    const identifier = { system: 'urn:cc', value: 'same-one' };
    const body = { resourceType: 'Patient', identifier: [identifier] };
    const replies = await Promise.all(
      Array.from({ length: 50 }, () =>
        fhir.post<Patient>('Patient', body, { 'if-none-exist': 'identifier=urn:cc|same-one' }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(49);
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    const found = await fhir.search('Patient?identifier=urn:cc|same-one');
    expect(found.total).toBe(1);
    expect(found.entry?.[0]?.resource?.id).toBe(replies[0]?.body.id);
  });

  test('an existing match answers 200 with it; a different condition creates', async () => {
    const first = await fhir.post<Patient>(
      'Patient',
      { resourceType: 'Patient', gender: 'female' },
      { 'if-none-exist': 'identifier=urn:cc|none' },
    );
    expect(first.status).toBe(201);
    const p = await fhir.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:cc', value: 'x1' }] });
    const before = await rowCounts(t.db);
    const again = await fhir.post<Patient>(
      'Patient',
      { resourceType: 'Patient' },
      { 'if-none-exist': 'identifier=urn:cc|x1' },
    );
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(p.id);
    expect(await rowCounts(t.db)).toEqual(before);
  });

  test('a condition matching several resources is 412 and writes nothing', async () => {
    await fhir.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:cc', value: 'dup' }] });
    await fhir.create<Patient>({ resourceType: 'Patient', identifier: [{ system: 'urn:cc', value: 'dup' }] });
    const before = await rowCounts(t.db);
    expectOutcome(
      await fhir.post('Patient', { resourceType: 'Patient' }, { 'if-none-exist': 'identifier=urn:cc|dup' }),
      412,
    );
    expect(await rowCounts(t.db)).toEqual(before);
  });
});
