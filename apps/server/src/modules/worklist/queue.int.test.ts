import { readFileSync } from 'node:fs';
import type { AuditEvent, Bundle, Resource, Task } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { person, signIn } from '../../../test/people.ts';
import { fixedClock } from '../../platform/clock.ts';
import { rankWorklist } from './domain/rank.ts';
import { TASK_TYPE_SYSTEM, workItem } from './domain/task-resource.ts';
import { TASK_TYPES } from './domain/task-types.ts';

// The queue reads the task_queue index (kept by a trigger) a chunk at a time and stops when no later task can reach
// the page. Compared here, on random queues, with the plain answer: every Task read back, filtered and ranked in full.

const clock = fixedClock('2026-06-01T12:00:00Z');
const nowMs = clock.now().epochMilliseconds;
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ clock });
}, 120_000);
afterAll(() => t?.close());

const SNOOZED_UNTIL_URL = 'https://careloop.dev/fhir/StructureDefinition/snoozed-until';
const iso = (offsetMinutes: number) => new Date(nowMs + offsetMinutes * 60_000).toISOString();

type Spec = {
  kind: string | null;
  status: Task['status'];
  priority: Task['priority'] | undefined;
  due: { minutes: number } | 'date' | undefined;
  owner: 'me' | 'other' | 'none';
  patient: 0 | 1 | 2;
  snooze: number | undefined;
  label: boolean;
};

const spec: fc.Arbitrary<Spec> = fc.record({
  kind: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...Object.keys(TASK_TYPES)) },
    { weight: 1, arbitrary: fc.constantFrom('not-a-careloop-kind', null) },
  ),
  status: fc.constantFrom<Task['status']>(
    'requested',
    'ready',
    'in-progress',
    'on-hold',
    'received',
    'accepted',
    'completed',
    'cancelled',
    'draft',
  ),
  priority: fc.constantFrom<Task['priority'] | undefined>(undefined, 'routine', 'urgent', 'asap', 'stat'),
  due: fc.oneof(
    { weight: 6, arbitrary: fc.record({ minutes: fc.integer({ min: -10 * 1440, max: 10 * 1440 }) }) },
    { weight: 1, arbitrary: fc.constant<'date'>('date') },
    { weight: 2, arbitrary: fc.constant(undefined) },
  ),
  owner: fc.constantFrom<Spec['owner']>('me', 'me', 'other', 'none'),
  // Patients 0 and 1 are on the coordinator's care team; 2 is not.
  patient: fc.constantFrom<Spec['patient']>(0, 0, 1, 2),
  snooze: fc.option(fc.integer({ min: -600, max: 600 }), { nil: undefined }),
  label: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
});

function taskOf(run: string, i: number, s: Spec, me: string): Task {
  return {
    resourceType: 'Task',
    id: `${run}-t${i}`,
    status: s.status,
    intent: 'order',
    ...(s.priority ? { priority: s.priority } : {}),
    ...(s.kind === null
      ? { code: { coding: [{ system: 'http://example.org/other', code: 'x' }] } }
      : { code: { coding: [{ system: TASK_TYPE_SYSTEM, code: s.kind }] } }),
    for: { reference: `Patient/${run}-p${s.patient}` },
    ...(s.owner === 'none' ? {} : { owner: { reference: s.owner === 'me' ? me : 'Practitioner/someone-else' } }),
    ...(s.due === undefined
      ? {}
      : { restriction: { period: { end: s.due === 'date' ? iso(0).slice(0, 10) : iso(s.due.minutes) } } }),
    ...(s.status === 'on-hold' && s.snooze !== undefined
      ? { extension: [{ url: SNOOZED_UNTIL_URL, valueDateTime: iso(s.snooze) }] }
      : {}),
    ...(s.label
      ? { meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] } }
      : {}),
  };
}

/** The whole answer, computed the plain way: every open, visible worklist task of mine or no one's, ranked. */
function expected(tasks: readonly Task[], me: string, visible: ReadonlySet<string>, risk: ReadonlyMap<string, number>) {
  const items = tasks.flatMap((task) => {
    const item = workItem(task);
    if (!item?.open || !visible.has(item.patient ?? '') || task.meta?.security?.length) return [];
    if (item.owner !== undefined && item.owner !== me) return [];
    if (item.status === 'on-hold' && !(item.snoozedUntil && item.snoozedUntil.epochMilliseconds <= nowMs)) return [];
    return [{ ...item, risk: item.patient ? risk.get(item.patient) : undefined }];
  });
  return rankWorklist(items, clock.now());
}

/**
 * A signed-in coordinator `Practitioner/{run}-coord` with patients `{run}-p0…`, of whom those in `risks` are on their
 * care team, each with that latest risk (null: none recorded); the others are not theirs.
 */
async function coordinatorWorld(run: string, patients: number, risks: readonly (number | null)[]) {
  const me = `Practitioner/${run}-coord`;
  await t.store.putMany([
    { resourceType: 'Practitioner', id: `${run}-coord` },
    ...Array.from({ length: patients }, (_, p): Resource => ({ resourceType: 'Patient', id: `${run}-p${p}` })),
    ...risks.flatMap((risk, p): Resource[] => [
      {
        resourceType: 'CareTeam',
        id: `${run}-team${p}`,
        status: 'active',
        subject: { reference: `Patient/${run}-p${p}` },
        participant: [{ member: { reference: me } }],
      },
      ...(risk === null
        ? []
        : [
            {
              resourceType: 'RiskAssessment',
              id: `${run}-risk${p}`,
              status: 'final',
              subject: { reference: `Patient/${run}-p${p}` },
              prediction: [{ probabilityDecimal: risk }],
            } as Resource,
          ]),
    ]),
  ]);
  await person(t, clock, { username: `${run}-user`, roles: ['care-coordinator'], fhirReference: me });
  return { me, coord: await signIn(t.anonymous, clock, `${run}-user`) };
}

let runs = 0;
const routineFar: Spec = {
  kind: 'escalation',
  status: 'requested',
  priority: 'routine',
  due: { minutes: 5 * 1440 },
  owner: 'me',
  patient: 0,
  snooze: undefined,
  label: false,
};

describe('the queue index and the ranked page', () => {
  test('equal the plain answer on random queues, before and after changes to the tasks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(spec, { minLength: 0, maxLength: 220 }),
        fc.integer({ min: 1, max: 60 }),
        fc.array(fc.tuple(fc.nat(), spec, fc.boolean()), { maxLength: 40 }),
        async (specs, count, changes) => {
          const run = `q${++runs}`;
          const { me, coord } = await coordinatorWorld(run, 3, [0.8, null]);
          let tasks = specs.map((s, i) => taskOf(run, i, s, me));
          if (tasks.length) await t.store.putMany(tasks);
          const visible = new Set([`Patient/${run}-p0`, `Patient/${run}-p1`]);
          const risk = new Map([[`Patient/${run}-p0`, 0.8]]);
          const check = async () => {
            // Every Task of the run's patients as stored, including any the deadline-alert job added meanwhile.
            const stored = await t.store.search(
              'Task',
              new URLSearchParams({ patient: [0, 1, 2].map((p) => `Patient/${run}-p${p}`).join(','), _count: '1000' }),
            );
            const res = await coord.request('GET', `/fhir/R4/Task/$worklist?_count=${count}&_total=accurate`);
            expect(res.statusCode, res.body).toBe(200);
            const bundle = res.json<Bundle<Task>>();
            const all = expected(stored.matches as Task[], me, visible, risk);
            const page = (bundle.entry ?? []).map((e) => [e.resource?.id, e.search?.score]);
            expect(page).toEqual(all.slice(0, count).map((x) => [x.id, x.rank.score]));
            expect(bundle.total).toBe(all.length);
          };
          await check();
          // Changes: some tasks rewritten (status, owner, priority, due…), some deleted.
          for (const [n, s, remove] of changes) {
            if (tasks.length === 0) break;
            const i = n % tasks.length;
            const old = tasks[i] as Task;
            if (remove) {
              await t.store.delete('Task', old.id as string);
              tasks = tasks.filter((_, k) => k !== i);
            } else {
              const next = { ...taskOf(run, 0, s, me), id: old.id };
              await t.store.update(next);
              tasks[i] = next;
            }
          }
          await check();
        },
      ),
      { numRuns: 10 },
    );
  });

  // 150 routine escalations of a moderate-risk patient (100 + 45 risk + 45 kind) read first; the high-risk patient's one
  // (100 + 143 + 45), due last, must still top the page: reading may stop only below the bound of 100 + 150 + 45.
  test('reading stops only when no later task can reach the page: a high-risk task due last still comes first', async () => {
    const run = 'deep';
    const { me, coord } = await coordinatorWorld(run, 2, [0.95, 0.3]);
    const low = Array.from({ length: 150 }, (_, i) =>
      taskOf(run, i, { ...routineFar, due: { minutes: 5 * 1440 + i }, patient: 1 }, me),
    );
    const high = taskOf(run, 999, { ...routineFar, due: { minutes: 9 * 1440 }, patient: 0 }, me);
    await t.store.putMany([...low, high]);
    const res = await coord.request('GET', '/fhir/R4/Task/$worklist?_count=1');
    expect(res.statusCode, res.body).toBe(200);
    const first = res.json<Bundle<Task>>().entry?.[0];
    expect(first?.resource?.id).toBe(high.id);
    expect(first?.search?.extension?.map((e) => e.valueString)).toContain('high patient risk (0.95) (+143)');
    // The request's one AuditEvent names what the page shows — its task and the risk assessment behind its rank —
    // not the 150 others the queue looked at to rank it.
    const { rows } = await sql<{ event: AuditEvent }>`
      SELECT event FROM audit_event WHERE agent = ${me} ORDER BY seq DESC LIMIT 1`.execute(t.db.kysely);
    expect((rows[0]?.event.entity ?? []).map((e) => e.what?.reference).sort()).toEqual([
      `Patient/${run}-p0`,
      `RiskAssessment/${run}-risk0`,
      `Task/${high.id}`,
    ]);
  });

  test("a patient's risk is their latest final assessment the coordinator may see", async () => {
    const run = 'risky';
    const { me, coord } = await coordinatorWorld(run, 1, [null]);
    const assessment = (id: string, extra: Record<string, unknown>): Resource =>
      ({
        resourceType: 'RiskAssessment',
        id: `${run}-${id}`,
        status: 'final',
        subject: { reference: `Patient/${run}-p0` },
        ...extra,
      }) as Resource;
    const riskShown = async () => {
      const res = await coord.request('GET', '/fhir/R4/Task/$worklist');
      const reasons = res.json<Bundle<Task>>().entry?.[0]?.search?.extension?.map((e) => e.valueString) ?? [];
      return reasons.find((r) => r?.includes('patient risk'));
    };
    await t.store.putMany([taskOf(run, 0, { ...routineFar, patient: 0 }, me)]);
    expect(await riskShown()).toBeUndefined();
    await t.store.putMany([
      assessment('old', { occurrenceDateTime: '2026-01-01T00:00:00Z', prediction: [{ probabilityDecimal: 0.2 }] }),
      assessment('date-only', { occurrenceDateTime: '2026-03-01', prediction: [{ probabilityDecimal: 0.5 }] }),
      assessment('draft', {
        status: 'preliminary',
        occurrenceDateTime: '2026-05-01T00:00:00Z',
        prediction: [{ probabilityDecimal: 0.99 }],
      }),
      assessment('no-number', {
        occurrenceDateTime: '2026-05-02T00:00:00Z',
        prediction: [{ qualitativeRisk: { text: 'high' } }],
      }),
    ]);
    expect(await riskShown()).toBe('moderate patient risk (0.50) (+75)');
    // A newer assessment labelled sensitive is withheld from a coordinator: the next one still counts.
    await t.store.putMany([
      assessment('secret', {
        occurrenceDateTime: '2026-05-03T00:00:00Z',
        prediction: [{ probabilityDecimal: 0.9 }],
        meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] },
      }),
    ]);
    expect(await riskShown()).toBe('moderate patient risk (0.50) (+75)');
    await t.store.putMany([
      assessment('newest', { occurrenceDateTime: '2026-05-04T00:00:00Z', prediction: [{ probabilityDecimal: 0.8 }] }),
    ]);
    expect(await riskShown()).toBe('high patient risk (0.80) (+120)');
    await t.store.delete('RiskAssessment', `${run}-newest`);
    expect(await riskShown()).toBe('moderate patient risk (0.50) (+75)');
  });

  test("the migration's backfill makes exactly the rows the triggers keep", async () => {
    const migration = readFileSync(
      new URL('../../../migrations/0011_access_and_queue_projections.sql', import.meta.url),
      'utf8',
    );
    const backfills = migration
      .split(/;\s*\n/)
      .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
      .filter((s) => /^INSERT INTO (task_queue|care_relationship|patient_risk)/.test(s));
    expect(backfills).toHaveLength(3);
    const snapshot = async () => ({
      queue: (await sql`SELECT * FROM task_queue ORDER BY rid`.execute(t.db.kysely)).rows,
      relationships: (
        await sql`SELECT * FROM care_relationship ORDER BY rid, practitioner, patient`.execute(t.db.kysely)
      ).rows,
      risks: (await sql`SELECT * FROM patient_risk ORDER BY rid`.execute(t.db.kysely)).rows,
    });
    const kept = await snapshot();
    expect(kept.queue.length).toBeGreaterThan(0);
    expect(kept.relationships.length).toBeGreaterThan(0);
    expect(kept.risks.length).toBeGreaterThan(0);
    await t.db.kysely.transaction().execute(async (tx) => {
      await sql`DELETE FROM task_queue`.execute(tx);
      await sql`DELETE FROM care_relationship`.execute(tx);
      await sql`DELETE FROM patient_risk`.execute(tx);
      for (const statement of backfills) await sql.raw(statement).execute(tx);
    });
    expect(await snapshot()).toEqual(kept);
  });
});
