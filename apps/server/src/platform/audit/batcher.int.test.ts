import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { systemClock } from '../clock.ts';
import { createAuditBatcher } from './batcher.ts';
import { buildAuditEvent } from './build-event.ts';
import { verifyAuditChain } from './verify.ts';

let d: TestDb;
beforeAll(async () => {
  d = await freshDatabase();
});
afterAll(() => d?.drop());

const event = (n: number) =>
  buildAuditEvent({
    action: 'R',
    subtype: 'read',
    outcome: 'success',
    agent: { display: `agent-${n}` },
    patients: [`Patient/p${n}`],
    entities: [],
    recorded: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  });

describe('audit group commit', () => {
  test('200 concurrent appends are all committed, in fewer transactions, and the chain verifies', async () => {
    const before = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event`.execute(d.db.kysely);
    const batcher = createAuditBatcher(d.db.kysely, systemClock);
    await Promise.all(Array.from({ length: 200 }, (_, i) => batcher.append(event(i))));
    // xmin is the id of the transaction that inserted a row: how many transactions wrote the 200 records.
    const { rows } = await sql<{ n: number; tx: number }>`
      SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS tx FROM audit_event WHERE seq > ${before.rows[0]?.n ?? 0}`.execute(
      d.db.kysely,
    );
    expect(rows[0]?.n).toBe(200);
    expect(rows[0]?.tx).toBeLessThan(10);
    expect((await verifyAuditChain(d.db.kysely)).ok).toBe(true);
  });

  test('when a batch cannot be written, every append in it fails', async () => {
    const batcher = createAuditBatcher(d.db.kysely, systemClock);
    await sql`ALTER TABLE audit_event ADD CONSTRAINT no_more CHECK (agent <> 'agent-9999') NOT VALID`.execute(
      d.db.kysely,
    );
    try {
      const results = await Promise.allSettled([batcher.append(event(9998)), batcher.append(event(9999))]);
      // The first may have gone alone in its own batch; the one with the refused row fails with its batch.
      expect(results[1]?.status).toBe('rejected');
      expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThanOrEqual(1);
    } finally {
      await sql`ALTER TABLE audit_event DROP CONSTRAINT no_more`.execute(d.db.kysely);
    }
    expect((await verifyAuditChain(d.db.kysely)).ok).toBe(true);
  });
});
