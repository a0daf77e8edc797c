import type { AuditEvent } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { bytesOf, type Executor } from './append.ts';
import { type Anchor, type ChainRow, chainChecker, type VerifyResult } from './chain.ts';

const pageSize = 1000;

type RawRow = {
  seq: number;
  recorded_ms: number;
  patient_ids: string[];
  agent: string;
  action: string;
  subtype: string;
  outcome: string;
  event: AuditEvent;
  prev_hash: unknown;
  hash: unknown;
};

/** Reads audit rows with seq > `after` in seq order, one page (keyset, so each page is an index range scan). */
async function auditRowsAfter(exec: Executor, after: number, limit: number): Promise<ChainRow[]> {
  const { rows } = await sql<RawRow>`
    SELECT seq, (extract(epoch FROM recorded) * 1000)::float8 AS recorded_ms, patient_ids, agent, action, subtype,
      outcome, event, prev_hash, hash
    FROM audit_event WHERE seq > ${after} ORDER BY seq LIMIT ${limit}`.execute(exec);
  return rows.map((r) => ({
    seq: Number(r.seq),
    recordedMs: Math.floor(Number(r.recorded_ms)),
    patientIds: r.patient_ids,
    agent: r.agent,
    action: r.action,
    subtype: r.subtype,
    outcome: r.outcome,
    event: r.event,
    prevHash: bytesOf(r.prev_hash),
    hash: bytesOf(r.hash),
  }));
}

async function readAnchor(exec: Executor): Promise<Anchor | undefined> {
  const { rows } = await sql<{ seq: number; hash: unknown }>`SELECT seq, hash FROM audit_anchor WHERE id = 1`.execute(
    exec,
  );
  const r = rows[0];
  return r ? { seq: Number(r.seq), hash: bytesOf(r.hash) } : undefined;
}

export type VerifyOptions = Readonly<{
  /** Called after each page with the number of records checked so far. */
  onProgress?: (checked: number) => void;
  /** Rows per page (default 1000). */
  pageSize?: number;
}>;

/**
 * Streams the whole audit trail in seq order, a page at a time (constant memory), through the pure chain checker, then
 * compares the head with audit_anchor. Appends that commit while it runs are fine: every committed row was committed
 * together with its anchor, so the anchor is read after the rows, and rows it covers that arrived meanwhile are read too.
 */
export async function verifyAuditChain(exec: Executor, options: VerifyOptions = {}): Promise<VerifyResult> {
  const checker = chainChecker();
  const limit = options.pageSize ?? pageSize;
  const readUpTo = async (until: number) => {
    for (;;) {
      if (checker.head >= until) return undefined;
      const page = await auditRowsAfter(exec, checker.head, limit);
      for (const row of page) {
        // Past the anchor read on the second pass: appended after it, left to the next verification.
        if (row.seq > until) return undefined;
        const bad = checker.push(row);
        if (bad) return bad;
      }
      options.onProgress?.(checker.checked);
      if (page.length < limit) return undefined;
    }
  };
  let bad = await readUpTo(Number.POSITIVE_INFINITY);
  if (!bad) {
    const anchor = await readAnchor(exec);
    // Rows committed after the first pass but covered by the anchor read now.
    if (anchor && anchor.seq > checker.head) bad = await readUpTo(anchor.seq);
    bad ??= checker.finish(anchor);
  }
  return bad ? { ok: false, checked: checker.checked, firstBad: bad } : { ok: true, checked: checker.checked };
}
