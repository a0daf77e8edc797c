import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { fixedClock } from '../../platform/clock.ts';
import { createStore, loadDefinitions, type Store } from '../../platform/store/index.ts';
import { importPaths } from '../import/index.ts';
import { runExportCli } from './index.ts';

function output(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe(`careloop export on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let testDb: TestDb;
  let store: Store;
  let dir: string;
  const clock = fixedClock('2025-06-01T12:00:00Z');

  beforeAll(async () => {
    loadDefinitions();
    testDb = await freshDatabase();
    store = createStore({ db: testDb.db, clock });
    dir = await mkdtemp(join(tmpdir(), 'careloop-cli-export-'));
    await store.putMany([
      ...[1, 2, 3].map((i) => ({ resourceType: 'Patient' as const, id: `cp${i}`, gender: 'other' as const })),
      { resourceType: 'Organization', id: 'co1', name: 'Lakeside' },
    ]);
  });
  afterAll(async () => {
    await testDb.drop();
    await rm(dir, { recursive: true, force: true });
  });

  test('writes NDJSON files per type (split at maxPerFile) that import back unchanged', async () => {
    const folder = join(dir, 'out');
    const stdout = output();
    const code = await runExportCli(testDb.db, folder, {
      types: 'Patient,Organization',
      stdout: stdout.stream,
      stderr: output().stream,
      clock,
      maxPerFile: 2,
    });
    expect(code).toBe(0);
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_event WHERE agent = 'system:careloop export' AND subtype = 'operation'`.execute(
      testDb.db.kysely,
    );
    expect(rows[0]?.n, 'the export run is one AuditEvent').toBe(1);
    expect((await readdir(folder)).sort()).toEqual(['Organization-1.ndjson', 'Patient-1.ndjson', 'Patient-2.ndjson']);
    const patients = [
      ...(await readFile(join(folder, 'Patient-1.ndjson'), 'utf8')).trim().split('\n'),
      ...(await readFile(join(folder, 'Patient-2.ndjson'), 'utf8')).trim().split('\n'),
    ].map((l) => JSON.parse(l).id);
    expect(patients).toEqual(['cp1', 'cp2', 'cp3']);
    expect(stdout.text()).toMatch(/exported 4 resources in 3 files/);

    const again = await importPaths(store, [folder], { baseUrl: 'http://careloop.test' });
    expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 4, deleted: 0, failed: 0 });
  });

  test('bad options and a folder that already holds NDJSON exit 2', async () => {
    const stderr = output();
    expect(
      await runExportCli(testDb.db, join(dir, 'x'), {
        types: 'Patient,Dragon',
        stdout: output().stream,
        stderr: stderr.stream,
      }),
    ).toBe(2);
    expect(
      await runExportCli(testDb.db, join(dir, 'x'), {
        since: 'last week',
        stdout: output().stream,
        stderr: stderr.stream,
      }),
    ).toBe(2);
    expect(stderr.text()).toMatch(/--type names an unknown resource type "Dragon"/);
    expect(stderr.text()).toMatch(/--since must be a FHIR instant/);
    expect(await runExportCli(testDb.db, join(dir, 'out'), { stdout: output().stream, stderr: stderr.stream })).toBe(2);
  });
});
