import type { Resource } from '@medplum/fhirtypes';
import { type Kysely, sql } from 'kysely';
import type { Tables } from '../db/index.ts';
import { notifyChanges } from './changes.ts';
import { type IndexRows, indexResource } from './indexer.ts';

/** A Kysely instance or a transaction on it. */
export type Executor = Kysely<Tables>;

/** The stored, current state of one resource. */
export type CurrentRow = Readonly<{
  rid: number;
  resourceType: string;
  id: string;
  versionId: number;
  deleted: boolean;
  content: Resource | null;
  /** The patients whose compartment it is in (kept on a deleted resource: those of its last version). */
  patients: readonly string[];
}>;

/** A version's content, for a query joining `resource_version v` to `resource r`: the current one lives in `resource`. */
export const versionContent = sql<Resource | null>`CASE WHEN v.version_id = r.version_id THEN r.content ELSE v.content END AS content`;

export const keyOf = (type: string, id: string) => `${type}/${id}`;

/** Current rows for the given keys, locked FOR UPDATE so concurrent writers of the same resources queue up. */
export async function loadCurrent(
  exec: Executor,
  keys: readonly { type: string; id: string }[],
): Promise<Map<string, CurrentRow>> {
  const out = new Map<string, CurrentRow>();
  if (keys.length === 0) return out;
  const { rows } = await sql<{
    rid: number;
    resource_type: string;
    id: string;
    version_id: number;
    deleted: boolean;
    content: Resource | null;
    patients: string[];
  }>`
    SELECT r.rid, r.resource_type, r.id, r.version_id, r.deleted, r.content, r.patients FROM resource r
    JOIN unnest(${keys.map((k) => k.type)}::text[], ${keys.map((k) => k.id)}::text[]) AS k(t, i) ON r.resource_type = k.t AND r.id = k.i
    ORDER BY r.rid FOR UPDATE OF r`.execute(exec);
  for (const r of rows) {
    out.set(keyOf(r.resource_type, r.id), {
      rid: r.rid,
      resourceType: r.resource_type,
      id: r.id,
      versionId: r.version_id,
      deleted: r.deleted,
      content: r.content,
      patients: r.patients,
    });
  }
  return out;
}

/** One new version to store: a resource with id and meta already set, or a deletion. */
export type VersionWrite = Readonly<{
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The resource, or null for a deletion. */
  content: Resource | null;
  /** Set when the resource already has a row. */
  rid: number | undefined;
  /** For a deletion: the compartment patients of the deleted version, kept so access checks still apply to it. */
  patients?: readonly string[];
}>;

/**
 * Stores a batch of new versions with a fixed number of statements whatever the batch size: current rows, history,
 * and the search index rows replaced in the same transaction (the caller's). Returns each write's compartment patients.
 *
 * The content of the current version is stored once, in `resource`; its `resource_version` row has none until a newer
 * version supersedes it, when the content moves there (migration 0009). Variable-length values travel as one JSON
 * document per statement, which PostgreSQL parses once (cheaper on both sides than escaped text arrays).
 */
export async function writeVersions(exec: Executor, writes: readonly VersionWrite[]): Promise<string[][]> {
  if (writes.length === 0) return [];
  const indexes = writes.map((w) =>
    w.content ? indexResource(w.content) : { ...emptyIndex(), patients: [...(w.patients ?? [])] },
  );
  const fresh: number[] = [];
  const existing: number[] = [];
  for (const [i, w] of writes.entries()) (w.rid === undefined ? fresh : existing).push(i);
  const rids: number[] = writes.map((w) => w.rid ?? 0);
  const row = (i: number) => {
    const w = writes[i] as VersionWrite;
    const ix = indexes[i] as IndexRows;
    return `[${w.rid ?? 'null'},${JSON.stringify(w.resourceType)},${JSON.stringify(w.id)},${w.versionId},${JSON.stringify(w.lastUpdated)},${JSON.stringify(ix.patients)},${w.content === null ? 'null' : JSON.stringify(w.content)}]`;
  };
  // e: [rid, type, id, versionId, lastUpdated, patients, content | null]
  const fields = {
    version_id: sql`(e->>3)::int`,
    last_updated: sql`(e->>4)::timestamptz`,
    deleted: sql`jsonb_typeof(e->6) = 'null'`,
    content: sql`CASE WHEN jsonb_typeof(e->6) = 'null' THEN NULL ELSE e->6 END`,
    patients: sql`ARRAY(SELECT jsonb_array_elements_text(e->5))`,
  };

  if (fresh.length) {
    const { rows } = await sql<{ rid: number; resource_type: string; id: string }>`
      INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content, patients)
      SELECT e->>1, e->>2, ${sql.join(Object.values(fields))} FROM jsonb_array_elements(${`[${fresh.map(row).join(',')}]`}::jsonb) e
      RETURNING rid, resource_type, id`.execute(exec);
    const byKey = new Map(rows.map((r) => [keyOf(r.resource_type, r.id), Number(r.rid)]));
    for (const i of fresh) {
      const w = writes[i] as VersionWrite;
      rids[i] = byKey.get(keyOf(w.resourceType, w.id)) as number;
    }
  }
  if (existing.length) {
    const stale = existing.map((i) => rids[i] as number);
    // The superseded version keeps its content in history from now on.
    await sql`
      UPDATE resource_version v SET content = r.content FROM resource r
      WHERE r.rid = ANY(${stale}::bigint[]) AND v.rid = r.rid AND v.version_id = r.version_id`.execute(exec);
    await sql`
      UPDATE resource r SET ${sql.join(Object.entries(fields).map(([c, v]) => sql`${sql.ref(c)} = ${v}`))}
      FROM jsonb_array_elements(${`[${existing.map(row).join(',')}]`}::jsonb) e
      WHERE r.rid = (e->>0)::bigint`.execute(exec);
    await sql`
      WITH ${sql.join(
        indexTables.map(
          (t) => sql`${sql.ref(`d_${t}`)} AS (DELETE FROM ${sql.table(t)} WHERE rid = ANY(${stale}::bigint[]))`,
        ),
      )} SELECT 1`.execute(exec);
  }

  await sql`
    INSERT INTO resource_version (rid, version_id, last_updated, method)
    SELECT * FROM unnest(${rids}::bigint[], ${writes.map((w) => w.versionId)}::int[],
      ${writes.map((w) => w.lastUpdated)}::timestamptz[], ${writes.map((w) => w.method)}::text[])`.execute(exec);
  await insertIndex(exec, rids, indexes);
  await notifyChanges(
    exec,
    writes.map((w, i) => ({ ...w, patients: (indexes[i] as IndexRows).patients })),
  );
  return indexes.map((ix) => ix.patients);
}

export const indexTables = ['sp_token', 'sp_string', 'sp_date', 'sp_quantity', 'sp_reference', 'sp_uri'] as const;

function emptyIndex(): IndexRows {
  return { token: [], string: [], date: [], quantity: [], reference: [], uri: [], patients: [] };
}

type Table = (typeof indexTables)[number];

/** Each index table's columns after rid, and how one IndexRows list fills them. */
const tableRows: { [T in Table]: { columns: string; of: (ix: IndexRows) => unknown[][]; casts: string[] } } = {
  sp_token: {
    columns: 'sp, system, value, display',
    of: (ix) => ix.token.map((r) => [r.sp, r.system, r.value, r.display]),
    casts: ['text', 'text', 'text', 'text'],
  },
  sp_string: {
    columns: 'sp, norm, exact',
    of: (ix) => ix.string.map((r) => [r.sp, r.norm, r.exact]),
    casts: ['text', 'text', 'text'],
  },
  sp_date: {
    columns: 'sp, lo, hi',
    of: (ix) => ix.date.map((r) => [r.sp, r.lo, r.hi]),
    casts: ['text', 'timestamptz', 'timestamptz'],
  },
  sp_quantity: {
    columns: 'sp, value, system, code',
    of: (ix) => ix.quantity.map((r) => [r.sp, r.value, r.system, r.code]),
    casts: ['text', 'numeric', 'text', 'text'],
  },
  sp_reference: {
    columns: 'sp, target_type, target_id, url',
    of: (ix) => ix.reference.map((r) => [r.sp, r.targetType, r.targetId, r.url]),
    casts: ['text', 'text', 'text', 'text'],
  },
  sp_uri: { columns: 'sp, value', of: (ix) => ix.uri.map((r) => [r.sp, r.value]), casts: ['text', 'text'] },
};

/**
 * Inserts every index row of the batch with one statement: one JSON document holding, per table, the rows
 * `[rid, …columns]`, spread into the tables by data-modifying CTEs.
 */
export async function insertIndex(
  exec: Executor,
  rids: readonly number[],
  indexes: readonly IndexRows[],
): Promise<void> {
  const present = indexTables.flatMap((table) => {
    const rows = indexes.flatMap((ix, i) => tableRows[table].of(ix).map((r) => [rids[i], ...r]));
    return rows.length ? [{ table, rows }] : [];
  });
  if (present.length === 0) return;
  const doc = JSON.stringify(present.map((p) => p.rows));
  const inserts = present.map(({ table }, n) => {
    const { columns, casts } = tableRows[table];
    const values = casts.map((c, k) => sql.raw(`(e->>${k + 1})::${c}`));
    return sql`${sql.ref(`i_${table}`)} AS (INSERT INTO ${sql.table(table)} (rid, ${sql.raw(columns)})
      SELECT (e->>0)::bigint, ${sql.join(values)} FROM doc, jsonb_array_elements(doc.j->${sql.raw(String(n))}) e)`;
  });
  await sql`WITH doc AS (SELECT ${doc}::jsonb AS j), ${sql.join(inserts)} SELECT 1`.execute(exec);
}
