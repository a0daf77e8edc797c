import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { AuditEvent } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { runAuditCli } from '../../cli/audit.ts';
import { fixedClock } from '../clock.ts';
import type { Executor } from './append.ts';
import {
  accountingOfDisclosures,
  appendAuditEvents,
  buildAuditEvent,
  searchAuditEvents,
  verifyAuditChain,
} from './index.ts';

const engine = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const clock = fixedClock('2026-03-01T00:00:00Z');
const base = Date.UTC(2026, 0, 1);

function event(i: number, patients: string[], agent = `Practitioner/u${i % 3}`): AuditEvent {
  return buildAuditEvent({
    action: (['C', 'R', 'U', 'D', 'E'] as const)[i % 5] ?? 'R',
    subtype: (['create', 'read', 'update', 'delete', 'operation'] as const)[i % 5] ?? 'read',
    outcome: 'success',
    agent: { reference: agent },
    patients,
    entities: [{ reference: `Observation/o${i}` }],
    recorded: new Date(base + i * 3_600_000).toISOString(),
  });
}

class Rollback extends Error {}
/** Runs `fn` in a transaction that is always rolled back (the tamper trials restore the table this way). */
async function inRolledBack(exec: Executor, fn: (tx: Executor) => Promise<void>): Promise<void> {
  await exec
    .transaction()
    .execute(async (tx) => {
      await fn(tx);
      throw new Rollback();
    })
    .catch((e: unknown) => {
      if (!(e instanceof Rollback)) throw e;
    });
}

const errorOf = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof Error ? e.message : String(e)),
  );

describe(`audit trail on ${engine}`, () => {
  let t: TestDb;
  let k: Executor;
  const total = 300;

  beforeAll(async () => {
    t = await freshDatabase();
    k = t.db.kysely;
    // 30 transactions of 10 events: patients a–e, so searches and accountings have something to find.
    for (let b = 0; b < total / 10; b++) {
      await k.transaction().execute(async (tx) => {
        const events = Array.from({ length: 10 }, (_, j) => {
          const i = b * 10 + j;
          return event(i, i % 4 === 0 ? [] : [`Patient/${'abcde'[i % 5]}`]);
        });
        await appendAuditEvents(tx, events, clock);
      });
    }
  });
  afterAll(async () => {
    await t?.drop();
  });

  test('appended events get consecutive ids from 1 and the chain verifies', async () => {
    const progress: number[] = [];
    const result = await verifyAuditChain(k, { pageSize: 128, onProgress: (n) => progress.push(n) });
    expect(result).toEqual({ ok: true, checked: total });
    expect(progress).toEqual([128, 256, 300]);
    const { rows } = await sql<{
      seq: number;
      id: string;
    }>`SELECT seq, event->>'id' AS id FROM audit_event ORDER BY seq`.execute(k);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(rows.every((r) => r.id === String(r.seq))).toBe(true);
  });

  test('the audit record commits with the write or not at all: a failing append fails the whole transaction', async () => {
    await sql`CREATE TABLE IF NOT EXISTS audit_test_write (n int)`.execute(k);
    const broken = { ...event(1, ['Patient/a']), recorded: 'not a time' };
    const message = await errorOf(
      k.transaction().execute(async (tx) => {
        await sql`INSERT INTO audit_test_write VALUES (1)`.execute(tx);
        await appendAuditEvents(tx, [broken], clock);
      }),
    );
    expect(message).toBeTruthy();
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_test_write`.execute(k);
    expect(rows[0]?.n).toBe(0);
    // A write rolled back after its append leaves no audit record and no anchor move either.
    await inRolledBack(k, async (tx) => {
      await appendAuditEvents(tx, [event(2, ['Patient/a'])], clock);
    });
    expect(await verifyAuditChain(k)).toEqual({ ok: true, checked: total });
  });

  test('append-only: UPDATE, DELETE and TRUNCATE are refused, and the anchor cannot be moved back', async () => {
    for (const statement of [
      sql`UPDATE audit_event SET agent = 'x' WHERE seq = 5`,
      sql`DELETE FROM audit_event WHERE seq = 5`,
      sql`TRUNCATE audit_event`,
      sql`UPDATE audit_anchor SET seq = 10, hash = (SELECT hash FROM audit_event WHERE seq = 10)`,
      sql`UPDATE audit_anchor SET seq = seq + 1`,
      sql`DELETE FROM audit_anchor`,
    ]) {
      expect(await errorOf(k.transaction().execute((tx) => statement.execute(tx)))).toMatch(/append-only|audit_anchor/);
    }
    expect(await verifyAuditChain(k)).toEqual({ ok: true, checked: total });
  });

  test('the application role careloop_app may insert and read but not update, delete or truncate (grants)', async () => {
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM pg_roles WHERE rolname = 'careloop_app'`.execute(k);
    expect(rows[0]?.n).toBe(1);
    for (const statement of [
      sql`UPDATE audit_event SET agent = 'x' WHERE seq = 5`,
      sql`DELETE FROM audit_event WHERE seq = 5`,
      sql`TRUNCATE audit_event`,
    ]) {
      const message = await errorOf(
        k.transaction().execute(async (tx) => {
          await sql`SET LOCAL ROLE careloop_app`.execute(tx);
          await statement.execute(tx);
        }),
      );
      // Refused by privileges, before the trigger is even reached.
      expect(message).toMatch(/permission denied/);
    }
    await inRolledBack(k, async (tx) => {
      await sql`SET LOCAL ROLE careloop_app`.execute(tx);
      const [stored] = await appendAuditEvents(tx, [event(9, ['Patient/a'])], clock);
      expect(stored?.id).toBe(String(total + 1));
      expect(await verifyAuditChain(tx)).toEqual({ ok: true, checked: total + 1 });
    });
  });

  test.skipIf(!process.env.DATABASE_URL)(
    'through a real login connection that is a member of careloop_app, UPDATE and DELETE are denied',
    async () => {
      const login = `careloop_t_app_${randomBytes(4).toString('hex')}`;
      await sql.raw(`CREATE ROLE ${login} LOGIN IN ROLE careloop_app`).execute(k);
      const url = new URL(t.databaseUrl ?? '');
      url.username = login;
      const client = new pg.Client({ connectionString: url.toString() });
      try {
        await client.connect();
        const read = await client.query('SELECT count(*)::int AS n FROM audit_event');
        expect(read.rows[0].n).toBe(total);
        for (const statement of [
          "UPDATE audit_event SET agent = 'x' WHERE seq = 5",
          'DELETE FROM audit_event WHERE seq = 5',
        ]) {
          expect(await errorOf(client.query(statement))).toMatch(/permission denied/);
        }
      } finally {
        await client.end();
        await sql.raw(`DROP ROLE ${login}`).execute(k);
      }
    },
  );

  // Each trial runs in a transaction with the protecting triggers disabled (as a superuser could), tampers, verifies
  // inside that transaction, and rolls back, which restores the table for the next trial.
  const sqlTamperings: ((i: number, j: number) => ReturnType<typeof sql>[])[] = [
    (i) => [sql`UPDATE audit_event SET event = jsonb_set(event, '{outcome}', '"8"') WHERE seq = ${i}`],
    (i) => [sql`UPDATE audit_event SET event = event - 'entity' WHERE seq = ${i}`],
    (i) => [sql`UPDATE audit_event SET recorded = recorded + interval '1 second' WHERE seq = ${i}`],
    (i) => [sql`UPDATE audit_event SET agent = 'Practitioner/intruder' WHERE seq = ${i}`],
    (i) => [sql`UPDATE audit_event SET patient_ids = array_append(patient_ids, 'Patient/zz') WHERE seq = ${i}`],
    (i) => [sql`UPDATE audit_event SET hash = sha256(hash) WHERE seq = ${i}`],
    (i) => [sql`DELETE FROM audit_event WHERE seq = ${i}`],
    (i) => [sql`DELETE FROM audit_event WHERE seq > ${total - 1 - (i % 10)}`],
    (i, j) => [
      sql`UPDATE audit_event a SET event = b.event, recorded = b.recorded, patient_ids = b.patient_ids, agent = b.agent,
        action = b.action, subtype = b.subtype, outcome = b.outcome, prev_hash = b.prev_hash, hash = b.hash
        FROM (SELECT * FROM audit_event WHERE seq IN (${i}, ${j})) b WHERE a.seq IN (${i}, ${j}) AND a.seq <> b.seq`,
    ],
    (i, j) => [
      sql`UPDATE audit_event SET seq = -1 WHERE seq = ${i}`,
      sql`UPDATE audit_event SET seq = ${i} WHERE seq = ${j}`,
      sql`UPDATE audit_event SET seq = ${j} WHERE seq = -1`,
    ],
    (i) => [
      sql`INSERT INTO audit_event SELECT ${total + 1}, recorded, patient_ids, agent, action, subtype, outcome,
        jsonb_set(event, '{id}', to_jsonb(${String(total + 1)}::text)), hash, sha256(hash) FROM audit_event WHERE seq = ${i}`,
    ],
  ];

  test(`SQL tampering on ${engine}: 1,000 real edits, deletions, swaps, reorderings, insertions and truncations are all detected`, {
    timeout: 180_000,
  }, async () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed % n;
    };
    for (let trial = 0; trial < 1000; trial++) {
      const kind = trial % sqlTamperings.length;
      const i = 1 + next(total - 1);
      const j = 1 + ((i + next(total - 2)) % total);
      await inRolledBack(k, async (tx) => {
        await sql`ALTER TABLE audit_event DISABLE TRIGGER USER`.execute(tx);
        for (const statement of (sqlTamperings[kind] as (i: number, j: number) => ReturnType<typeof sql>[])(i, j)) {
          await statement.execute(tx);
        }
        const result = await verifyAuditChain(tx);
        expect(result.ok, `trial ${trial} (kind ${kind}, rows ${i}, ${j}) went undetected`).toBe(false);
      });
    }
    expect(await verifyAuditChain(k)).toEqual({ ok: true, checked: total });
  });

  test('an account not linked to a person is found by its user name, whether the event says `user:name` or `name`', async () => {
    await inRolledBack(k, async (tx) => {
      const unlinked = (i: number, display: string) =>
        buildAuditEvent({
          action: 'R',
          subtype: 'read',
          outcome: 'success',
          agent: { display },
          patients: ['Patient/a'],
          entities: [],
          recorded: new Date(base + (400 + i) * 3_600_000).toISOString(),
        });
      // A FHIR read names the account `user:night-nurse`; its sign-in and the administrators' changes `night-nurse`.
      await appendAuditEvents(
        tx,
        [unlinked(0, 'user:night-nurse'), unlinked(1, 'night-nurse'), unlinked(2, 'user:other')],
        clock,
      );
      expect((await searchAuditEvents(tx, { agent: 'night-nurse', count: 10 })).total).toBe(2);
      expect((await searchAuditEvents(tx, { agent: 'user:night-nurse', count: 10 })).total).toBe(1);
      expect((await searchAuditEvents(tx, { agent: 'nurse', count: 10 })).total).toBe(0);
    });
  });

  test('search by patient, user, action and time, sorted either way, paged with a total', async () => {
    const a = await searchAuditEvents(k, { patient: 'a', sort: 'asc', count: 1000 });
    expect(a.total).toBe(a.events.length);
    expect(a.events.every((e) => e.entity?.some((x) => x.what?.reference === 'Patient/a'))).toBe(true);
    // i % 5 === 0 and i % 4 !== 0 of 0..299
    expect(a.total).toBe(45);
    const byUser = await searchAuditEvents(k, { agent: 'Practitioner/u1', action: 'R', sort: 'desc', count: 5 });
    expect(byUser.events).toHaveLength(5);
    expect(byUser.events.every((e) => e.action === 'R' && e.agent[0]?.who?.reference === 'Practitioner/u1')).toBe(true);
    const times = byUser.events.map((e) => e.recorded);
    expect([...times].sort().reverse()).toEqual(times);
    const window = await searchAuditEvents(k, {
      from: new Date(base + 10 * 3_600_000).toISOString(),
      to: new Date(base + 20 * 3_600_000).toISOString(),
      sort: 'asc',
      count: 3,
      offset: 2,
    });
    expect(window.total).toBe(10);
    expect(window.events.map((e) => e.id)).toEqual(['13', '14', '15']);
    expect((await searchAuditEvents(k, { subtype: 'read', offset: 10_000 })).total).toBe(60);
  });

  test('a patient’s accounting of disclosures is RFC 4180 CSV of their records only', async () => {
    await k.transaction().execute((tx) =>
      appendAuditEvents(
        tx,
        [
          buildAuditEvent({
            action: 'R',
            subtype: 'search-type',
            outcome: 'success',
            agent: { reference: 'Practitioner/u9', display: 'Smith, "Jo"' },
            patients: ['Patient/a', 'Patient/other'],
            entities: [{ reference: 'Condition/c1' }],
            purposeOfUse: 'TREAT',
            recorded: '2026-02-01T00:00:00.000Z',
          }),
        ],
        clock,
      ),
    );
    const csv = await accountingOfDisclosures(k, 'a', { from: '2026-01-31T00:00:00Z' });
    expect(csv).toBe(
      'when,who,action,what,outcome,purpose\r\n' +
        '2026-02-01T00:00:00.000Z,"Smith, ""Jo"" (Practitioner/u9)",read search-type,Patient/a Condition/c1,success,TREAT\r\n',
    );
    const all = (await accountingOfDisclosures(k, 'Patient/a')).trimEnd().split('\r\n');
    expect(all).toHaveLength(1 + 45 + 1);
    expect(all.join('\n')).not.toContain('Patient/other');
  });

  test.skipIf(!process.env.DATABASE_URL)(
    '20 concurrent appending transactions make one valid chain without gaps',
    async () => {
      const before = await verifyAuditChain(k);
      expect(before.ok).toBe(true);
      await Promise.all(
        Array.from({ length: 20 }, (_, n) =>
          k.transaction().execute(async (tx) => {
            // Some work first, so the transactions overlap before they append.
            await sql`SELECT pg_sleep(${(n % 5) / 100})`.execute(tx);
            await appendAuditEvents(
              tx,
              [0, 1, 2].map((x) => event(1000 + n * 3 + x, [`Patient/c${n}`])),
              clock,
            );
          }),
        ),
      );
      expect(await verifyAuditChain(k)).toEqual({ ok: true, checked: before.checked + 60 });
    },
  );

  test('careloop audit verify / search / disclosures, and verify exits 1 once a record is changed', async () => {
    const run = async (values: Record<string, string>, positionals: string[]) => {
      const out = new PassThrough();
      const err = new PassThrough();
      const chunks: string[] = [];
      out.on('data', (c: Buffer) => chunks.push(c.toString()));
      err.on('data', (c: Buffer) => chunks.push(c.toString()));
      const code = await runAuditCli(t.db, values, positionals, { stdout: out, stderr: err });
      return { code, text: chunks.join('') };
    };
    const ok = await run({}, ['verify']);
    expect(ok.code).toBe(0);
    expect(ok.text).toMatch(/intact: \d+ records checked/);
    const search = await run({ patient: 'b', count: '2', sort: 'asc' }, ['search']);
    expect(search.code).toBe(0);
    expect(search.text).toMatch(/^2\t2026-01-01T01:00:00.000Z\tPractitioner\/u1\tR\tread\t0\tPatient\/b\n/);
    expect(search.text).toMatch(/2 of \d+ matching records\n$/);
    expect((await run({}, ['disclosures', 'b'])).text).toMatch(/^when,who,action,what,outcome,purpose\r\n/);
    expect((await run({ from: 'yesterday' }, ['search'])).code).toBe(2);
    expect((await run({}, ['nonsense'])).code).toBe(2);

    await sql`ALTER TABLE audit_event DISABLE TRIGGER USER`.execute(k);
    await sql`UPDATE audit_event SET event = jsonb_set(event, '{outcome}', '"4"') WHERE seq = 17`.execute(k);
    await sql`ALTER TABLE audit_event ENABLE TRIGGER USER`.execute(k);
    const broken = await run({}, ['verify']);
    expect(broken.code).toBe(1);
    expect(broken.text).toContain('BROKEN at record 17');
  });
});
