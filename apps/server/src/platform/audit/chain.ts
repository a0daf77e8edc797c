import type { AuditEvent } from '@medplum/fhirtypes';
import { chainHash, genesisHash, sameBytes } from './canonical.ts';

/** One audit_event row as verification sees it (the queryable columns are copies of fields of `event`). */
export type ChainRow = Readonly<{
  seq: number;
  recordedMs: number;
  patientIds: readonly string[];
  agent: string;
  action: string;
  subtype: string;
  outcome: string;
  event: AuditEvent;
  prevHash: Uint8Array;
  hash: Uint8Array;
}>;

/** audit_anchor: the last appended seq and hash, written in the same transaction as the rows (seq 0: empty chain). */
export type Anchor = Readonly<{ seq: number; hash: Uint8Array }>;

export type ChainProblem = Readonly<{ seq: number; reason: string }>;

/**
 * Links events onto a chain whose head is `anchor` (pure): each gets the next seq as its id and is hashed onto the
 * previous one. appendAuditEvents stores exactly these rows.
 */
export function linkEvents(anchor: Anchor, events: readonly AuditEvent[]): ChainRow[] {
  let prev = anchor.hash;
  return events.map((e, i) => {
    const seq = anchor.seq + i + 1;
    const event: AuditEvent = { ...e, id: String(seq) };
    const hash = chainHash(prev, seq, event);
    const row = { seq, ...columnsOf(event), event, prevHash: prev, hash };
    prev = hash;
    return row;
  });
}

/** The queryable columns of a row, derived from its event only, so verification can recompute and compare them. */
export function columnsOf(event: AuditEvent): Omit<ChainRow, 'seq' | 'event' | 'prevHash' | 'hash'> {
  const requestor = event.agent?.find((a) => a.requestor) ?? event.agent?.[0];
  return {
    recordedMs: Date.parse(event.recorded ?? ''),
    patientIds: (event.entity ?? [])
      .filter((e) => e.role?.code === '1' && e.what?.reference)
      .map((e) => e.what?.reference ?? ''),
    agent: requestor?.who?.reference ?? requestor?.who?.display ?? '',
    action: event.action ?? '',
    subtype: event.subtype?.[0]?.code ?? '',
    outcome: event.outcome ?? '',
  };
}

function columnMismatch(row: ChainRow): string | undefined {
  const expected = columnsOf(row.event);
  if (row.recordedMs !== expected.recordedMs) return 'recorded column differs from the event';
  if (row.patientIds.join('\u0000') !== expected.patientIds.join('\u0000')) {
    return 'patient_ids column differs from the event';
  }
  for (const key of ['agent', 'action', 'subtype', 'outcome'] as const) {
    if (row[key] !== expected[key]) return `${key} column differs from the event`;
  }
  return undefined;
}

/**
 * The pure core of `careloop audit verify`: fed rows in seq order, one at a time (so a caller can stream any number
 * in constant memory), it reports the first record that breaks the chain. A deleted record shows as a gap in seq; an
 * inserted, edited or reordered one as a link or hash that no longer matches; a copied column as a mismatch with the
 * hashed event; a truncated tail, which a chain alone cannot show, as a head short of the anchor.
 */
export function chainChecker() {
  let expectedSeq = 1;
  let prev: Uint8Array = genesisHash;
  let checked = 0;
  return {
    get checked() {
      return checked;
    },
    /** The seq of the last row accepted (0 before any). */
    get head() {
      return expectedSeq - 1;
    },
    push(row: ChainRow): ChainProblem | undefined {
      if (row.seq !== expectedSeq) {
        return row.seq > expectedSeq
          ? {
              seq: expectedSeq,
              reason: `record ${expectedSeq}${row.seq - 1 > expectedSeq ? `–${row.seq - 1}` : ''} missing (deleted)`,
            }
          : { seq: row.seq, reason: `record ${row.seq} out of order or duplicated (expected ${expectedSeq})` };
      }
      if (!sameBytes(row.prevHash, prev))
        return { seq: row.seq, reason: 'prev_hash does not link to the previous record' };
      if (!sameBytes(row.hash, chainHash(prev, row.seq, row.event))) {
        return { seq: row.seq, reason: 'hash does not match the record (content changed, moved or forged)' };
      }
      if (row.event.id !== String(row.seq)) return { seq: row.seq, reason: 'event id differs from seq' };
      const mismatch = columnMismatch(row);
      if (mismatch) return { seq: row.seq, reason: mismatch };
      prev = row.hash;
      expectedSeq += 1;
      checked += 1;
      return undefined;
    },
    /** After the last row: the head must be exactly the anchor. */
    finish(anchor: Anchor | undefined): ChainProblem | undefined {
      const head = expectedSeq - 1;
      if (!anchor) return { seq: head, reason: 'audit_anchor is missing' };
      if (anchor.seq > head) {
        return {
          seq: head + 1,
          reason: `records ${head + 1}–${anchor.seq} missing (tail truncated; anchor at ${anchor.seq})`,
        };
      }
      if (anchor.seq < head)
        return {
          seq: anchor.seq + 1,
          reason: `records after the anchor (${anchor.seq}) were not appended through the chain`,
        };
      if (!sameBytes(anchor.hash, prev)) return { seq: head, reason: 'anchor hash differs from the last record' };
      return undefined;
    },
  };
}

export type VerifyResult = Readonly<{ ok: boolean; checked: number; firstBad?: ChainProblem }>;

/** Verifies rows held in memory (the tamper model in tests uses the same core as the streaming database check). */
export function verifyRows(rows: Iterable<ChainRow>, anchor: Anchor | undefined): VerifyResult {
  const checker = chainChecker();
  for (const row of rows) {
    const bad = checker.push(row);
    if (bad) return { ok: false, checked: checker.checked, firstBad: bad };
  }
  const bad = checker.finish(anchor);
  return bad ? { ok: false, checked: checker.checked, firstBad: bad } : { ok: true, checked: checker.checked };
}
