import type { AuditEvent } from '@medplum/fhirtypes';
import { type Kysely, sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Tables } from '../db/index.ts';
import { linkEvents } from './chain.ts';

/** A Kysely instance or a transaction on it (the caller's transaction when appending). */
export type Executor = Kysely<Tables>;

/** Accepts a Buffer (node-postgres) or a Uint8Array (PGlite) from a bytea column. */
export const bytesOf = (value: unknown): Uint8Array =>
  value instanceof Uint8Array ? new Uint8Array(value.buffer, value.byteOffset, value.byteLength) : new Uint8Array(0);

/**
 * Appends events to the audit chain inside the caller's transaction, as its last statements before commit, and
 * returns them with their ids (= seq). Locking the anchor row serializes appenders (on PostgreSQL a second appender
 * waits, then reads the anchor the first one committed); the lock is held only until the caller commits, so keep the
 * call last. If it fails the caller's transaction fails: no audit record, no write and no response. Events without
 * `recorded` get the clock's now.
 */
export async function appendAuditEvents(
  exec: Executor,
  events: readonly AuditEvent[],
  clock: Clock,
): Promise<AuditEvent[]> {
  if (events.length === 0) return [];
  const { rows: anchors } = await sql<{ seq: number; hash: unknown }>`
    SELECT seq, hash FROM audit_anchor WHERE id = 1 FOR UPDATE`.execute(exec);
  const anchor = anchors[0];
  if (!anchor) throw new Error('audit_anchor is missing: run the migrations');
  const now = clock.now().toString({ fractionalSecondDigits: 3 });
  const rows = linkEvents(
    { seq: Number(anchor.seq), hash: bytesOf(anchor.hash) },
    events.map((e) => ({ ...e, recorded: e.recorded ?? now })),
  );
  const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
  const payload = rows.map((r) => ({
    seq: r.seq,
    p: r.patientIds,
    a: r.agent,
    ac: r.action,
    s: r.subtype,
    o: r.outcome,
    e: r.event,
    ph: hex(r.prevHash),
    h: hex(r.hash),
  }));
  await sql`
    INSERT INTO audit_event (seq, recorded, patient_ids, agent, action, subtype, outcome, event, prev_hash, hash)
    SELECT (x->>'seq')::bigint, (x->'e'->>'recorded')::timestamptz,
      ARRAY(SELECT jsonb_array_elements_text(x->'p')), x->>'a', x->>'ac', x->>'s', x->>'o', x->'e',
      decode(x->>'ph', 'hex'), decode(x->>'h', 'hex')
    FROM jsonb_array_elements(${JSON.stringify(payload)}::jsonb) AS x`.execute(exec);
  const head = rows[rows.length - 1] as (typeof rows)[number];
  await sql`UPDATE audit_anchor SET seq = ${head.seq}, hash = decode(${hex(head.hash)}, 'hex') WHERE id = 1`.execute(
    exec,
  );
  return rows.map((r) => r.event);
}
