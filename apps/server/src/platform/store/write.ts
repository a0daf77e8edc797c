import type { Resource } from '@medplum/fhirtypes';
import { type Kysely, sql } from 'kysely';
import type { Tables } from '../db/index.ts';
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
 * and the search index rows replaced in the same transaction (the caller's).
 */
export async function writeVersions(exec: Executor, writes: readonly VersionWrite[]): Promise<void> {
  if (writes.length === 0) return;
  const indexes = writes.map((w) =>
    w.content ? indexResource(w.content) : { ...emptyIndex(), patients: [...(w.patients ?? [])] },
  );
  const fresh = writes.map((w, i) => ({ w, ix: indexes[i] as IndexRows })).filter((x) => x.w.rid === undefined);
  const existing = writes.map((w, i) => ({ w, ix: indexes[i] as IndexRows })).filter((x) => x.w.rid !== undefined);
  const rids: number[] = [];
  const ridOf = new Map<VersionWrite, number>();

  if (fresh.length) {
    const { rows } = await sql<{ rid: number; resource_type: string; id: string }>`
      INSERT INTO resource (resource_type, id, version_id, last_updated, deleted, content, patients)
      SELECT t, i, v, u::timestamptz, d, c::jsonb, ARRAY(SELECT jsonb_array_elements_text(p::jsonb))
      FROM unnest(${col(fresh, (x) => x.w.resourceType)}::text[], ${col(fresh, (x) => x.w.id)}::text[],
        ${col(fresh, (x) => x.w.versionId)}::int[], ${col(fresh, (x) => x.w.lastUpdated)}::text[],
        ${col(fresh, (x) => x.w.content === null)}::bool[], ${col(fresh, (x) => json(x.w.content))}::text[],
        ${col(fresh, (x) => JSON.stringify(x.ix.patients))}::text[]) AS x(t, i, v, u, d, c, p)
      RETURNING rid, resource_type, id`.execute(exec);
    const byKey = new Map(rows.map((r) => [keyOf(r.resource_type, r.id), r.rid]));
    for (const { w } of fresh) ridOf.set(w, byKey.get(keyOf(w.resourceType, w.id)) as number);
  }
  if (existing.length) {
    for (const { w } of existing) ridOf.set(w, w.rid as number);
    await sql`
      UPDATE resource r SET version_id = x.v, last_updated = x.u::timestamptz, deleted = x.d, content = x.c::jsonb,
        patients = ARRAY(SELECT jsonb_array_elements_text(x.p::jsonb))
      FROM unnest(${col(existing, (x) => x.w.rid)}::bigint[], ${col(existing, (x) => x.w.versionId)}::int[],
        ${col(existing, (x) => x.w.lastUpdated)}::text[], ${col(existing, (x) => x.w.content === null)}::bool[],
        ${col(existing, (x) => json(x.w.content))}::text[], ${col(existing, (x) => JSON.stringify(x.ix.patients))}::text[])
        AS x(rid, v, u, d, c, p)
      WHERE r.rid = x.rid`.execute(exec);
    const stale = existing.map((x) => x.w.rid as number);
    for (const table of indexTables)
      await sql`DELETE FROM ${sql.table(table)} WHERE rid = ANY(${stale}::bigint[])`.execute(exec);
  }
  for (const w of writes) rids.push(ridOf.get(w) as number);

  await sql`
    INSERT INTO resource_version (rid, version_id, last_updated, method, content)
    SELECT * FROM unnest(${rids}::bigint[], ${writes.map((w) => w.versionId)}::int[],
      ${writes.map((w) => w.lastUpdated)}::timestamptz[], ${writes.map((w) => w.method)}::text[],
      ${writes.map((w) => json(w.content))}::jsonb[])`.execute(exec);
  await insertIndex(exec, rids, indexes);
}

const indexTables = ['sp_token', 'sp_string', 'sp_date', 'sp_quantity', 'sp_reference', 'sp_uri'] as const;

function emptyIndex(): IndexRows {
  return { token: [], string: [], date: [], quantity: [], reference: [], uri: [], patients: [] };
}

const json = (c: Resource | null) => (c === null ? null : JSON.stringify(c));

function col<T, V>(items: readonly T[], f: (x: T) => V): V[] {
  return items.map(f);
}

/** Flattens each table's rows of the batch into column arrays and inserts them with one statement per table. */
async function insertIndex(exec: Executor, rids: readonly number[], indexes: readonly IndexRows[]): Promise<void> {
  const flat = <K extends keyof Omit<IndexRows, 'patients'>>(k: K): { rid: number; row: IndexRows[K][number] }[] =>
    indexes.flatMap((ix, i) => (ix[k] as IndexRows[K][number][]).map((row) => ({ rid: rids[i] as number, row })));
  const token = flat('token');
  if (token.length) {
    await sql`INSERT INTO sp_token (rid, sp, system, value, display) SELECT * FROM unnest(
      ${token.map((t) => t.rid)}::bigint[], ${token.map((t) => t.row.sp)}::text[], ${token.map((t) => t.row.system)}::text[],
      ${token.map((t) => t.row.value)}::text[], ${token.map((t) => t.row.display)}::text[])`.execute(exec);
  }
  const str = flat('string');
  if (str.length) {
    await sql`INSERT INTO sp_string (rid, sp, norm, exact) SELECT * FROM unnest(
      ${str.map((t) => t.rid)}::bigint[], ${str.map((t) => t.row.sp)}::text[], ${str.map((t) => t.row.norm)}::text[],
      ${str.map((t) => t.row.exact)}::text[])`.execute(exec);
  }
  const date = flat('date');
  if (date.length) {
    await sql`INSERT INTO sp_date (rid, sp, lo, hi) SELECT * FROM unnest(
      ${date.map((t) => t.rid)}::bigint[], ${date.map((t) => t.row.sp)}::text[], ${date.map((t) => t.row.lo)}::timestamptz[],
      ${date.map((t) => t.row.hi)}::timestamptz[])`.execute(exec);
  }
  const qty = flat('quantity');
  if (qty.length) {
    await sql`INSERT INTO sp_quantity (rid, sp, value, system, code) SELECT * FROM unnest(
      ${qty.map((t) => t.rid)}::bigint[], ${qty.map((t) => t.row.sp)}::text[], ${qty.map((t) => t.row.value)}::numeric[],
      ${qty.map((t) => t.row.system)}::text[], ${qty.map((t) => t.row.code)}::text[])`.execute(exec);
  }
  const ref = flat('reference');
  if (ref.length) {
    await sql`INSERT INTO sp_reference (rid, sp, target_type, target_id, url) SELECT * FROM unnest(
      ${ref.map((t) => t.rid)}::bigint[], ${ref.map((t) => t.row.sp)}::text[], ${ref.map((t) => t.row.targetType)}::text[],
      ${ref.map((t) => t.row.targetId)}::text[], ${ref.map((t) => t.row.url)}::text[])`.execute(exec);
  }
  const uri = flat('uri');
  if (uri.length) {
    await sql`INSERT INTO sp_uri (rid, sp, value) SELECT * FROM unnest(
      ${uri.map((t) => t.rid)}::bigint[], ${uri.map((t) => t.row.sp)}::text[], ${uri.map((t) => t.row.value)}::text[])`.execute(
      exec,
    );
  }
}
