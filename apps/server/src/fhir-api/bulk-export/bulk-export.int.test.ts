import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Group, Observation, OperationOutcome, Patient, Resource } from '@medplum/fhirtypes';
import Fastify, { type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { clientToken, freshDatabase, type TestDb } from '../../../test/harness.ts';
import { importPaths } from '../../cli/import/index.ts';
import { fixedClock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { registerAuthContext } from '../../platform/http/auth/index.ts';
import { registerErrorHandling, registerFhirContentTypes } from '../../platform/http/fhir-errors.ts';
import { createJobQueue, type JobQueue } from '../../platform/jobs/index.ts';
import { createStore, loadDefinitions, type Store } from '../../platform/store/index.ts';
import { fhirRoutes } from '../routes.ts';
import { compartmentTypes, registerBulkExportWorker, runExport } from './index.ts';
import { deleteExport, insertExport, startExport } from './repository.ts';

const baseUrl = 'http://careloop.test';
const base = `${baseUrl}/fhir/R4`;
const T0 = '2025-01-01T00:00:00Z';
const async = { prefer: 'respond-async' };

type Manifest = {
  transactionTime: string;
  request: string;
  requiresAccessToken: boolean;
  output: { type: string; url: string; count: number }[];
  error: unknown[];
};

describe(`Bulk Data export on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let source: TestDb;
  let store: Store;
  let jobs: JobQueue;
  let app: FastifyInstance;
  let exportDir: string;
  let scratch: string;
  let token: string;
  let clientId: string;
  const clock = fixedClock(T0);

  beforeAll(async () => {
    loadDefinitions();
    source = await freshDatabase();
    store = createStore({ db: source.db, clock });
    exportDir = await mkdtemp(join(tmpdir(), 'careloop-export-'));
    scratch = await mkdtemp(join(tmpdir(), 'careloop-export-dl-'));
    jobs = createJobQueue(source.db, { pollIntervalSeconds: 0.5 });
    const deps = { db: source.db, store, clock, exportDir };
    await registerBulkExportWorker(jobs, deps);
    await jobs.start();
    app = Fastify({ logger: false });
    registerErrorHandling(app);
    registerFhirContentTypes(app);
    await registerAuthContext(app, { db: source.db, store, clock, limits: { idleSeconds: 900, maxSeconds: 43200 } });
    await app.register(fhirRoutes, { prefix: '/fhir/R4', baseUrl, bulkExport: { ...deps, baseUrl, jobs } });
    ({ token, userId: clientId } = await clientToken(source.db, clock));
    await seed(store);
    clock.advance({ hours: 1 });
    // Changed after T0 + 30 min: what `_since` must pick out.
    await store.putMany([
      obs('oa3', 'pa'),
      { resourceType: 'Patient', id: 'pb', name: [{ family: 'Berg', given: ['Ola', 'Jon'] }] } satisfies Patient,
    ]);
  });

  afterAll(async () => {
    await app?.close();
    await jobs?.stop();
    await source?.drop();
    await rm(exportDir, { recursive: true, force: true });
    await rm(scratch, { recursive: true, force: true });
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'GET',
      url: url.replace(baseUrl, ''),
      headers: { authorization: `Bearer ${token}`, ...headers },
    });

  /** Kick-off, then poll the status URL until the manifest arrives; every poll before that is 202 with X-Progress. */
  async function exportAndWait(path: string): Promise<{ manifest: Manifest; statusUrl: string }> {
    const kick = await get(`/fhir/R4/${path}`, async);
    expect(kick.statusCode, kick.body).toBe(202);
    const statusUrl = String(kick.headers['content-location']);
    expect(statusUrl).toMatch(new RegExp(`^${base.replace(/[.$]/g, '\\$&')}/\\$export-status/[0-9a-f-]{36}$`));
    for (let i = 0; i < 300; i++) {
      const status = await get(statusUrl);
      if (status.statusCode === 200) return { manifest: status.json<Manifest>(), statusUrl };
      expect(status.statusCode, status.body).toBe(202);
      expect(status.headers['x-progress']).toBeTruthy();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('export did not complete in 30 s');
  }

  /** Downloads every output file; returns the resources of each, by type. */
  async function download(manifest: Manifest, into?: string): Promise<Map<string, Resource[]>> {
    const out = new Map<string, Resource[]>();
    for (const o of manifest.output) {
      const res = await get(o.url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/fhir\+ndjson/);
      const lines = res.body.split('\n').filter(Boolean);
      expect(lines).toHaveLength(o.count);
      if (into) await writeFile(join(into, String(o.url.split('/').pop())), res.body);
      out.set(o.type, [...(out.get(o.type) ?? []), ...lines.map((l) => JSON.parse(l) as Resource)]);
    }
    return out;
  }

  const ids = (m: Map<string, Resource[]>) =>
    [...m.values()]
      .flat()
      .map((r) => `${r.resourceType}/${r.id}`)
      .sort();

  test('bad kick-offs are refused with 400 OperationOutcome naming the parameter; an unknown Group is 404', async () => {
    for (const [url, headers, expression] of [
      ['/fhir/R4/$export', {}, 'Prefer'],
      ['/fhir/R4/$export?_type=Patient,Unicorn', async, '_type'],
      ['/fhir/R4/$export?_since=yesterday', async, '_since'],
      ['/fhir/R4/Patient/$export?_type=Organization', async, '_type'],
    ] as const) {
      const res = await get(url, headers);
      expect(res.statusCode, url).toBe(400);
      const body = res.json<OperationOutcome>();
      expect(body.resourceType).toBe('OperationOutcome');
      expect(body.issue?.[0]?.expression).toEqual([expression]);
    }
    expect((await get('/fhir/R4/Group/nope/$export', async)).statusCode).toBe(404);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM bulk_export`.execute(source.db.kysely);
    expect(rows[0]?.n).toBe(0);
  });

  test('system export round-trip: the files imported into a fresh database give the same resources', async () => {
    const { manifest } = await exportAndWait('$export');
    expect(manifest.transactionTime).toBe('2025-01-01T01:00:00.000Z');
    expect(manifest.request).toBe(`${base}/$export`);
    expect(manifest.requiresAccessToken).toBe(true);
    expect(manifest.error).toEqual([]);
    const files = await mkdtemp(join(scratch, 'system-'));
    const exported = await download(manifest, files);
    // The deleted Encounter is not exported.
    expect(ids(exported)).toEqual(
      [
        'Group/g1',
        'Observation/oa1',
        'Observation/oa2',
        'Observation/oa3',
        'Observation/ob1',
        'Organization/org1',
        'Patient/pa',
        'Patient/pb',
      ].sort(),
    );

    const target = await freshDatabase();
    try {
      const summary = await importPaths(createStore({ db: target.db, clock }), [files], { baseUrl });
      expect(summary.errors).toEqual([]);
      expect(summary.counts.created).toBe(8);
      expect(await contents(target.db)).toEqual(await contents(source.db));
    } finally {
      await target.drop();
    }
  });

  test('Patient/$export holds only Patient-compartment resources; Group/{id}/$export only its members', async () => {
    const { manifest } = await exportAndWait('Patient/$export');
    const exported = await download(manifest);
    const allowed = new Set(compartmentTypes());
    expect(manifest.output.every((o) => allowed.has(o.type))).toBe(true);
    expect(ids(exported)).toEqual([
      'Group/g1',
      'Observation/oa1',
      'Observation/oa2',
      'Observation/oa3',
      'Observation/ob1',
      'Patient/pa',
      'Patient/pb',
    ]);

    const group = await download((await exportAndWait('Group/g1/$export')).manifest);
    expect(ids(group)).toEqual(['Group/g1', 'Observation/oa1', 'Observation/oa2', 'Observation/oa3', 'Patient/pa']);
  });

  test('_type and _since narrow the export', async () => {
    const since = encodeURIComponent('2025-01-01T00:30:00Z');
    const { manifest } = await exportAndWait(`$export?_type=Observation,Patient,Organization&_since=${since}`);
    expect(manifest.request).toBe(`${base}/$export?_type=Observation,Patient,Organization&_since=${since}`);
    expect(ids(await download(manifest))).toEqual(['Observation/oa3', 'Patient/pb']);
  });

  test('DELETE on the status URL removes the export and its files; unknown ids and path tricks are 404', async () => {
    const { manifest, statusUrl } = await exportAndWait('$export?_type=Patient');
    const fileUrl = manifest.output[0]?.url ?? '';
    const id = statusUrl.split('/').pop() ?? '';
    expect(existsSync(join(exportDir, id))).toBe(true);
    for (const probe of [
      fileUrl.replace(/[^/]+$/, '..%2F..%2F..%2Fetc%2Fpasswd'),
      fileUrl.replace(/[^/]+$/, 'Patient-1.ndjson%00'),
      fileUrl.replace(/[^/]+$/, 'Observation-1.ndjson'),
      fileUrl.replace(id, '00000000-0000-4000-8000-000000000000'),
      `${base}/$export-status/../../metadata`,
    ]) {
      expect((await get(probe)).statusCode, probe).toBe(404);
    }
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: statusUrl.replace(baseUrl, ''),
          headers: { authorization: `Bearer ${token}` },
        })
      ).statusCode,
    ).toBe(202);
    expect((await get(statusUrl)).statusCode).toBe(404);
    expect((await get(fileUrl)).statusCode).toBe(404);
    expect(existsSync(join(exportDir, id))).toBe(false);
    expect(
      (
        await app.inject({
          method: 'DELETE',
          url: statusUrl.replace(baseUrl, ''),
          headers: { authorization: `Bearer ${token}` },
        })
      ).statusCode,
    ).toBe(404);
  });

  test('a retry takes over from a crashed attempt; a cancelled export writes nothing; a vanished Group fails the export', async () => {
    const deps = { db: source.db, store, clock, exportDir };
    const request = {
      level: 'system' as const,
      types: ['Patient'],
      url: `${base}/$export?_type=Patient`,
      requestedBy: clientId,
    };
    const crashed = '11111111-1111-4111-8111-111111111111';
    await insertExport(source.db.kysely, crashed, request, T0);
    // An earlier attempt started, wrote part of a file and died.
    expect(await startExport(source.db.kysely, crashed, 'dead-run', T0)).toBe(true);
    await mkdir(join(exportDir, crashed, 'dead-run'), { recursive: true });
    await writeFile(join(exportDir, crashed, 'dead-run', 'Patient-1.ndjson'), '{"resourceType":"Pat');
    await runExport(deps, crashed);
    const status = await get(`${base}/$export-status/${crashed}`);
    expect(status.statusCode).toBe(200);
    expect(await readdir(join(exportDir, crashed))).toHaveLength(1);
    expect(ids(await download(status.json<Manifest>()))).toEqual(['Patient/pa', 'Patient/pb']);

    const cancelled = '22222222-2222-4222-8222-222222222222';
    await insertExport(source.db.kysely, cancelled, request, T0);
    await deleteExport(source.db.kysely, cancelled);
    await runExport(deps, cancelled);
    expect(existsSync(join(exportDir, cancelled))).toBe(false);

    const orphan = '33333333-3333-4333-8333-333333333333';
    await insertExport(
      source.db.kysely,
      orphan,
      { level: 'group', groupId: 'no-such-group', url: `${base}/Group/no-such-group/$export`, requestedBy: clientId },
      T0,
    );
    await runExport(deps, orphan);
    const failed = await get(`${base}/$export-status/${orphan}`);
    expect(failed.statusCode).toBe(500);
    expect(failed.json<OperationOutcome>().issue?.[0]?.code).toBe('exception');
    expect(existsSync(join(exportDir, orphan))).toBe(false);
  });
});

function obs(id: string, patient: string): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${patient}` },
    valueQuantity: { value: 70, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

async function seed(store: Store): Promise<void> {
  await store.putMany([
    {
      resourceType: 'Patient',
      id: 'pa',
      name: [{ family: 'Aalto', given: ['Aino'] }],
      birthDate: '1940-02-02',
    } satisfies Patient,
    { resourceType: 'Patient', id: 'pb', name: [{ family: 'Berg', given: ['Ola'] }] } satisfies Patient,
    obs('oa1', 'pa'),
    obs('oa2', 'pa'),
    obs('ob1', 'pb'),
    { resourceType: 'Organization', id: 'org1', name: 'Northside Clinic' },
    {
      resourceType: 'Group',
      id: 'g1',
      type: 'person',
      actual: true,
      member: [{ entity: { reference: 'Patient/pa' } }],
    } satisfies Group,
    {
      resourceType: 'Encounter',
      id: 'gone',
      status: 'finished',
      class: { code: 'AMB' },
      subject: { reference: 'Patient/pa' },
    },
  ]);
  await store.delete('Encounter', 'gone');
}

/** Every current resource's content without meta (versions and timestamps differ between databases). */
async function contents(db: Db): Promise<unknown[]> {
  const { rows } = await sql<{ t: string; id: string; c: unknown }>`
    SELECT resource_type AS t, id, content - 'meta' AS c FROM resource WHERE NOT deleted ORDER BY resource_type, id`.execute(
    db.kysely,
  );
  return rows;
}
