import type { AuditEvent } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { buildAuditEvent } from './build-event.ts';
import { chainHash, genesisHash } from './canonical.ts';
import { type Anchor, type ChainRow, columnsOf, linkEvents, verifyRows } from './chain.ts';

/** A small deterministic PRNG (mulberry32), so a failing trial can be replayed from its number. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const actions = ['C', 'R', 'U', 'D', 'E'] as const;
function sampleEvents(n: number): AuditEvent[] {
  return Array.from({ length: n }, (_, i) =>
    buildAuditEvent({
      action: actions[i % 5] ?? 'R',
      subtype: (['create', 'read', 'update', 'delete', 'operation'] as const)[i % 5] ?? 'read',
      outcome: i % 7 === 0 ? 'minor' : 'success',
      agent: { reference: `Practitioner/u${i % 4}`, ip: `10.0.0.${i % 250}` },
      patients: i % 3 === 0 ? [] : [`Patient/p${i % 11}`, ...(i % 5 === 0 ? [`Patient/q${i}`] : [])],
      entities: [{ reference: `Observation/o${i}` }],
      recorded: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    }),
  );
}

const rows = linkEvents({ seq: 0, hash: genesisHash }, sampleEvents(300));
const anchor: Anchor = { seq: 300, hash: (rows[299] as ChainRow).hash };

type Tampered = { rows: ChainRow[]; anchor: Anchor };
type Rng = ReturnType<typeof random>;
const at = (list: ChainRow[], i: number) => list[i] as ChainRow;
const flip = (bytes: Uint8Array, bit: number) => {
  const copy = new Uint8Array(bytes);
  copy[(bit >> 3) % copy.length] = (copy[(bit >> 3) % copy.length] ?? 0) ^ (1 << (bit & 7));
  return copy;
};

/** Each kind of tampering someone with write access to the table (but not the hash key: there is none) could do. */
const tamperings: Record<string, (r: Rng, list: ChainRow[]) => Tampered> = {
  'edit a field of the event': (r, list) => {
    const i = r.int(list.length);
    const row = at(list, i);
    const edits: ((e: AuditEvent) => AuditEvent)[] = [
      (e) => ({ ...e, outcome: e.outcome === '0' ? '4' : '0' }),
      (e) => ({ ...e, recorded: new Date(Date.parse(e.recorded) + 1 + r.int(1e6)).toISOString() }),
      (e) => ({ ...e, agent: [{ ...e.agent[0], who: { reference: 'Practitioner/intruder' }, requestor: true }] }),
      (e) => ({ ...e, entity: [...(e.entity ?? []), { what: { reference: `Patient/x${r.int(1e6)}` } }] }),
      (e) => ({ ...e, entity: undefined }),
      (e) => ({ ...e, outcomeDesc: `note ${r.int(1e6)}` }),
    ];
    const event = (edits[r.int(edits.length)] as (e: AuditEvent) => AuditEvent)(row.event);
    // The copied columns are kept consistent with the edited event, so only the hash can tell.
    return replace(list, i, { ...row, ...columnsOf(event), event });
  },
  'edit the recorded column': (r, list) => {
    const i = r.int(list.length);
    return replace(list, i, { ...at(list, i), recordedMs: at(list, i).recordedMs + 1 + r.int(1e9) });
  },
  'edit the agent column': (r, list) => {
    const i = r.int(list.length);
    return replace(list, i, { ...at(list, i), agent: `Practitioner/x${r.int(1e6)}` });
  },
  'edit the patient_ids column': (r, list) => {
    const i = r.int(list.length);
    const ids = at(list, i).patientIds;
    const next = ids.length && r.int(2) ? ids.slice(1) : [...ids, `Patient/z${r.int(1e6)}`];
    return replace(list, i, { ...at(list, i), patientIds: next });
  },
  'edit the action, subtype or outcome column': (r, list) => {
    const i = r.int(list.length);
    const key = (['action', 'subtype', 'outcome'] as const)[r.int(3)] ?? 'action';
    return replace(list, i, { ...at(list, i), [key]: `${at(list, i)[key]}x` });
  },
  'flip a bit of a hash or prev_hash': (r, list) => {
    const i = r.int(list.length);
    const key = r.int(2) ? 'hash' : 'prevHash';
    return replace(list, i, { ...at(list, i), [key]: flip(at(list, i)[key], r.int(256)) });
  },
  'delete a row': (r, list) => {
    const i = r.int(list.length - 1); // the last row is the tail truncation case
    return { rows: list.filter((_, j) => j !== i), anchor };
  },
  'delete a row and renumber the rest': (r, list) => {
    const i = r.int(list.length - 1);
    const rest = list.filter((_, j) => j !== i).map((row, j) => (j >= i ? { ...row, seq: j + 1 } : row));
    return { rows: rest, anchor: { seq: anchor.seq - 1, hash: anchor.hash } };
  },
  'swap the contents of two rows (seq kept)': (r, list) => {
    const i = r.int(list.length);
    const j = (i + 1 + r.int(list.length - 1)) % list.length;
    const copy = [...list];
    copy[i] = { ...at(list, j), seq: at(list, i).seq };
    copy[j] = { ...at(list, i), seq: at(list, j).seq };
    return { rows: copy, anchor };
  },
  'reorder rows (seq values swapped)': (r, list) => {
    const i = r.int(list.length);
    const j = (i + 1 + r.int(list.length - 1)) % list.length;
    const copy = [...list];
    copy[i] = { ...at(list, i), seq: at(list, j).seq };
    copy[j] = { ...at(list, j), seq: at(list, i).seq };
    return { rows: copy.sort((a, b) => a.seq - b.seq), anchor };
  },
  'insert a forged row, correctly hashed onto its predecessor, renumbering the rest': (r, list) => {
    const i = r.int(list.length);
    const prev = i === 0 ? genesisHash : at(list, i - 1).hash;
    const event = { ...at(list, r.int(list.length)).event, id: String(i + 1), outcomeDesc: 'forged' };
    const forged: ChainRow = {
      seq: i + 1,
      ...columnsOf(event),
      event,
      prevHash: prev,
      hash: chainHash(prev, i + 1, event),
    };
    const rest = list.slice(i).map((row) => ({ ...row, seq: row.seq + 1 }));
    return { rows: [...list.slice(0, i), forged, ...rest], anchor };
  },
  'append a forged row at the tail, correctly chained': (r, list) => {
    const last = at(list, list.length - 1);
    const event = { ...at(list, r.int(list.length)).event, id: String(last.seq + 1) };
    const forged: ChainRow = {
      seq: last.seq + 1,
      ...columnsOf(event),
      event,
      prevHash: last.hash,
      hash: chainHash(last.hash, last.seq + 1, event),
    };
    return { rows: [...list, forged], anchor };
  },
  'rewrite a row and recompute its own hash': (r, list) => {
    const i = r.int(list.length);
    const row = at(list, i);
    const event: AuditEvent = { ...row.event, outcome: row.event.outcome === '0' ? ('8' as const) : ('0' as const) };
    return replace(list, i, { ...row, ...columnsOf(event), event, hash: chainHash(row.prevHash, row.seq, event) });
  },
  'truncate the tail': (r, list) => ({ rows: list.slice(0, list.length - 1 - r.int(20)), anchor }),
};

function replace(list: ChainRow[], i: number, row: ChainRow): Tampered {
  const copy = [...list];
  copy[i] = row;
  return { rows: copy, anchor };
}

describe('audit chain verification (pure core, in-memory rows)', () => {
  test('an untouched chain of 300 records verifies', () => {
    expect(verifyRows(rows, anchor)).toEqual({ ok: true, checked: 300 });
    expect(verifyRows([], { seq: 0, hash: genesisHash })).toEqual({ ok: true, checked: 0 });
  });

  test('in-memory model: 1,000 random edits, deletions, reorderings, insertions and truncations are all detected', () => {
    const kinds = Object.keys(tamperings);
    const seen = new Map<string, number>();
    for (let trial = 0; trial < 1000; trial++) {
      const r = random(trial + 1);
      const kind = kinds[r.int(kinds.length)] as string;
      const tampered = (tamperings[kind] as (r: Rng, l: ChainRow[]) => Tampered)(r, rows);
      const result = verifyRows(tampered.rows, tampered.anchor);
      expect(result.ok, `trial ${trial} (${kind}) went undetected`).toBe(false);
      expect(result.firstBad?.reason).toBeTypeOf('string');
      seen.set(kind, (seen.get(kind) ?? 0) + 1);
    }
    // Every kind was exercised many times.
    expect(seen.size).toBe(kinds.length);
    for (const n of seen.values()) expect(n).toBeGreaterThan(30);
  });

  test.each([
    [
      'a deleted middle record is reported at its seq',
      (l: ChainRow[]) => l.filter((r) => r.seq !== 42),
      anchor,
      42,
      /missing/,
    ],
    [
      'a truncated tail is reported against the anchor',
      (l: ChainRow[]) => l.slice(0, 290),
      anchor,
      291,
      /tail truncated/,
    ],
    [
      'an edited agent column is named',
      (l: ChainRow[]) => l.map((r) => (r.seq === 7 ? { ...r, agent: 'x' } : r)),
      anchor,
      7,
      /agent column/,
    ],
  ] as const)('%s', (_name, tamper, a, seq, reason) => {
    const result = verifyRows(tamper(rows), a);
    expect(result.firstBad?.seq).toBe(seq);
    expect(result.firstBad?.reason).toMatch(reason);
  });
});
