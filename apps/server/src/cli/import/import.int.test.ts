import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Encounter, Patient, PractitionerRole } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { createStore, loadDefinitions, type Store } from '../../platform/store/index.ts';
import { importPaths, runImportCli } from './index.ts';

const fixtures = new URL('../../../test/fixtures/import/', import.meta.url).pathname;
const baseUrl = 'http://careloop.test';

function output(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe(`careloop import on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let testDb: TestDb;
  let store: Store;

  beforeAll(async () => {
    loadDefinitions();
    testDb = await freshDatabase();
    const { systemClock } = await import('../../platform/clock.ts');
    store = createStore({ db: testDb.db, clock: systemClock });
  });
  afterAll(() => testDb.drop());

  test('imports NDJSON and Bundles, reports the bad line, skips non-resource files, exits 1', async () => {
    const stdout = output();
    const stderr = output();
    const notices: string[] = [];
    // Batches of 2 make the invalid line share a batch with a valid one: that batch must be salvaged.
    const summary = await importPaths(store, [fixtures], { baseUrl, batchSize: 2, onNotice: (m) => notices.push(m) });

    expect(summary.counts).toEqual({ created: 15, updated: 0, unchanged: 0, deleted: 0, failed: 1 });
    expect(summary.files).toBe(5);
    expect(summary.skipped.map((s) => s.file.split('/').pop()).sort()).toEqual(['log.ndjson', 'notes.txt']);
    expect(notices.some((n) => n.includes('log.ndjson'))).toBe(true);
    expect(summary.errorCount).toBe(1);
    const [error] = summary.errors;
    expect(error).toMatchObject({ line: 3, resourceType: 'Observation', id: 'imp-obs-bad' });
    expect(error?.file.endsWith('Observation.ndjson')).toBe(true);
    expect(error?.issues.some((i) => i.expression?.some((x) => x.startsWith('Observation.status')))).toBe(true);

    // The good neighbours of the bad line were stored.
    expect((await store.read('Observation', 'imp-obs-2')).id).toBe('imp-obs-2');
    expect((await store.read('Observation', 'imp-obs-3')).id).toBe('imp-obs-3');
    await expect(store.read('Observation', 'imp-obs-bad')).rejects.toMatchObject({ status: 404 });

    // Transaction: the urn:uuid id is kept and the reference rewritten.
    const encounter = await store.read<Encounter>('Encounter', '6f1c2a52-9a55-4a0e-9d0e-1c1d4c1f7a02');
    expect(encounter.subject?.reference).toBe('Patient/6f1c2a52-9a55-4a0e-9d0e-1c1d4c1f7a01');
    // Collection: entries without an id take their urn:uuid and references follow.
    const role = await store.read<PractitionerRole>('PractitionerRole', '0b7e8a3c-3d3f-4c0e-8f55-2b8a1f9d0c03');
    expect(role.practitioner?.reference).toBe('Practitioner/imp-prac-col');
    expect(role.organization?.reference).toBe('Organization/0b7e8a3c-3d3f-4c0e-8f55-2b8a1f9d0c02');
    expect((await store.read('Location', 'imp-loc-batch')).id).toBe('imp-loc-batch');

    // The same run through the CLI function: exit code 1, the error names file and line; nothing new is stored.
    const code = await runImportCli(store, [fixtures], {
      baseUrl,
      stdout: stdout.stream,
      stderr: stderr.stream,
      isTTY: false,
    });
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/Observation\.ndjson:3 Observation\/imp-obs-bad: .*Observation\.status/);
    expect(stdout.text()).toMatch(/0 created, 0 updated, 15 unchanged, 1 failed/);
  });

  test('re-importing the same data creates no duplicates and no new versions', async () => {
    const summary = await importPaths(store, [fixtures], { baseUrl });
    expect(summary.counts).toEqual({ created: 0, updated: 0, unchanged: 15, deleted: 0, failed: 1 });
    const patients = await store.search('Patient', new URLSearchParams('_summary=count'));
    expect(patients.total).toBe(4);
    const history = await store.history({ resourceType: 'Patient', id: 'imp-pat-1' }, { count: 10, offset: 0 });
    expect(history.total).toBe(1);
  });

  test('a clean import exits 0; a missing path is an error', async () => {
    const ok = await runImportCli(store, [`${fixtures}Patient.ndjson`], {
      baseUrl,
      stdout: output().stream,
      stderr: output().stream,
      isTTY: false,
    });
    expect(ok).toBe(0);
    const stderr = output();
    const missing = await runImportCli(store, [`${fixtures}nope.ndjson`], {
      baseUrl,
      stdout: output().stream,
      stderr: stderr.stream,
      isTTY: false,
    });
    expect(missing).toBe(1);
    expect(stderr.text()).toMatch(/nope\.ndjson: No such file/);
  });

  test('the same id twice in a file: the later line wins even when batches are written concurrently; .ndjson.gz is read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'careloop-import-'));
    try {
      const patient = (id: string, family: string) =>
        JSON.stringify({ resourceType: 'Patient', id, name: [{ family }] });
      const lines = [
        patient('dup', 'First'),
        patient('other-1', 'A'),
        patient('other-2', 'B'),
        patient('dup', 'Second'),
      ];
      await writeFile(join(dir, 'Patient.ndjson.gz'), gzipSync(`${lines.join('\n')}\n`));
      // The batch with the first line is slow to write, so the second would overtake it if nothing held it back.
      const slowFirst: Store = {
        ...store,
        async putMany(resources) {
          if (resources.some((r) => (r as Patient).name?.[0]?.family === 'First'))
            await new Promise((r) => setTimeout(r, 300));
          return store.putMany(resources);
        },
      };
      const summary = await importPaths(slowFirst, [dir], { baseUrl, batchSize: 1, concurrency: 3 });
      expect(summary.counts).toEqual({ created: 3, updated: 1, unchanged: 0, deleted: 0, failed: 0 });
      expect((await store.read<Patient>('Patient', 'dup')).name?.[0]?.family).toBe('Second');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('NDJSON files share one pipeline: a conditional reference to a resource still being written waits for it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'careloop-import-'));
    try {
      const system = 'http://hl7.org/fhir/sid/us-npi';
      await writeFile(
        join(dir, 'Practitioner.ndjson'),
        `${JSON.stringify({ resourceType: 'Practitioner', id: 'pipe-pr', identifier: [{ system, value: '999' }] })}\n`,
      );
      const encounter = (id: string, npi: string) =>
        JSON.stringify({
          resourceType: 'Encounter',
          id,
          status: 'finished',
          class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
          participant: [{ individual: { reference: `Practitioner?identifier=${system}|${npi}` } }],
        });
      await writeFile(
        join(dir, 'Encounter.ndjson'),
        `${encounter('pipe-enc', '999')}\n${encounter('pipe-bad', '000')}\n`,
      );
      // The practitioner's batch is slow, so the encounters' batch looks the reference up before it is committed.
      const slowPractitioner: Store = {
        ...store,
        async putMany(resources) {
          if (resources.some((r) => r.resourceType === 'Practitioner')) await new Promise((r) => setTimeout(r, 300));
          return store.putMany(resources);
        },
      };
      const summary = await importPaths(slowPractitioner, [dir], { baseUrl, batchSize: 1, concurrency: 3 });
      expect(summary, JSON.stringify(summary)).toMatchObject({ counts: { created: 2, failed: 1 } });
      const stored = await store.read<Encounter>('Encounter', 'pipe-enc');
      expect(stored.participant?.[0]?.individual?.reference).toBe('Practitioner/pipe-pr');
      expect(summary.errors).toHaveLength(1);
      expect(summary.errors[0]).toMatchObject({ file: join(dir, 'Encounter.ndjson'), line: 2, id: 'pipe-bad' });
      expect(JSON.stringify(summary.errors[0]?.issues)).toContain('matches nothing');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
