import type { Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { fixedClock } from '../clock.ts';
import { loadDefinitions } from './definitions.ts';
import { reindex } from './reindex.ts';
import { createStore, type Store } from './store.ts';

const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestDb;
let store: Store;
const tables = ['sp_token', 'sp_string', 'sp_date', 'sp_quantity', 'sp_reference', 'sp_uri'];

beforeAll(async () => {
  t = await freshDatabase();
  loadDefinitions();
  store = createStore({ db: t.db, clock });
  await store.putMany([
    { resourceType: 'Patient', id: 'rx-p', name: [{ family: 'Reindexed', given: ['Rita'] }], birthDate: '1950-02-03' },
    {
      resourceType: 'Observation',
      id: 'rx-o',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
      subject: { reference: 'Patient/rx-p' },
      valueQuantity: { value: 72, unit: '/min' },
    },
    {
      resourceType: 'Task',
      id: 'rx-t',
      status: 'requested',
      intent: 'order',
      code: { coding: [{ system: 'https://careloop.dev/fhir/CodeSystem/task-type', code: 'follow-up-call' }] },
      for: { reference: 'Patient/rx-p' },
      restriction: { period: { end: '2026-06-02T17:00:00Z' } },
    },
  ] as Resource[]);
});
afterAll(() => t?.drop());

/** Every index row and the compartment of the test's resources, in a stable order. */
async function snapshot() {
  const out: Record<string, unknown[]> = {};
  for (const table of tables)
    out[table] = (
      await sql`SELECT s.* FROM ${sql.table(table)} s JOIN resource r ON r.rid = s.rid WHERE r.id LIKE 'rx-%'
        ORDER BY s.rid, s.sp, s::text`.execute(t.db.kysely)
    ).rows;
  out.patients = (
    await sql`SELECT id, patients FROM resource WHERE id LIKE 'rx-%' ORDER BY id`.execute(t.db.kysely)
  ).rows;
  out.queue = (await sql`SELECT id, due FROM task_queue WHERE id LIKE 'rx-%'`.execute(t.db.kysely)).rows;
  return out;
}

/** Throws away the index of the test's resources, as if it had been built by an older CareLoop. */
async function wipe(types: readonly string[]) {
  await t.db.kysely.transaction().execute(async (tx) => {
    for (const table of tables)
      await sql`DELETE FROM ${sql.table(table)} WHERE rid IN (SELECT rid FROM resource WHERE id LIKE 'rx-%' AND resource_type = ANY(${[...types]}::text[]))`.execute(
        tx,
      );
    await sql`UPDATE resource SET patients = '{}' WHERE id LIKE 'rx-%' AND resource_type = ANY(${[...types]}::text[])`.execute(
      tx,
    );
  });
}

const found = async (type: string, query: string) =>
  (await store.search(type, new URLSearchParams(query))).matches.map((m) => m.id);

describe('careloop reindex', () => {
  test('rebuilds exactly the index the writes made, and the queue row with it', async () => {
    const before = await snapshot();
    expect((before.sp_token ?? []).length).toBeGreaterThan(0);
    await wipe(['Patient', 'Observation', 'Task']);
    expect(await found('Observation', 'patient=Patient/rx-p')).toEqual([]);
    expect(await found('Task', 'due=le2026-06-03')).toEqual([]);
    const { resources } = await reindex(t.db, clock);
    expect(resources).toBeGreaterThanOrEqual(3);
    expect(await snapshot()).toEqual(before);
    expect(await found('Observation', 'patient=Patient/rx-p&code=8867-4')).toEqual(['rx-o']);
    expect(await found('Patient', 'name=reindexed&birthdate=1950-02-03')).toEqual(['rx-p']);
    expect(await found('Task', 'due=le2026-06-03')).toEqual(['rx-t']);
  });

  test('--type limits it to those types; each run is audited', async () => {
    const runs = async () =>
      (
        await sql<{ n: number }>`
          SELECT count(*)::int AS n FROM audit_event WHERE event->>'outcomeDesc' LIKE 'careloop reindex:%'`.execute(
          t.db.kysely,
        )
      ).rows[0]?.n;
    const before = await runs();
    await wipe(['Observation', 'Task']);
    await reindex(t.db, clock, { types: ['Task'], batch: 1 });
    expect(await found('Task', 'due=le2026-06-03')).toEqual(['rx-t']);
    expect(await found('Observation', 'code=8867-4')).toEqual([]);
    await reindex(t.db, clock, { types: ['Observation'] });
    expect(await found('Observation', 'code=8867-4')).toEqual(['rx-o']);
    expect(await runs()).toBe((before ?? 0) + 2);
  });
});
