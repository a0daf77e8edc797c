import type { Resource } from '@medplum/fhirtypes';
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import { systemClock } from '../../apps/server/src/platform/clock.ts';
import type { Db, Tables } from '../../apps/server/src/platform/db/index.ts';
import { pglitePool } from '../../apps/server/src/platform/db/pglite-pool.ts';
import { createStore } from '../../apps/server/src/platform/store/index.ts';
import { openStatuses } from './tasks.ts';

/** Runs one SQL statement with positional parameters, on either engine. */
export type RunSql = <R>(text: string, params: readonly unknown[]) => Promise<R[]>;

export function sqlRunner(
  db: Db,
  pool?: { query(text: string, params: unknown[]): Promise<{ rows: unknown[] }> },
): RunSql {
  return async <R>(text: string, params: readonly unknown[]) => {
    if (pool) return (await pool.query(text, [...params])).rows as R[];
    if (db.pglite) return (await db.pglite.query<R>(text, [...params])).rows;
    throw new Error('no SQL connection');
  };
}

/**
 * The hand-written baseline: a plain table with the worklist columns pulled out of the same Task rows, indexed the
 * way a hand-built worklist would be, on (owner, status). `rid` is kept so ties break exactly as the store's do.
 */
export async function createBaselineTable(run: RunSql): Promise<void> {
  await run('DROP TABLE IF EXISTS bench_task', []);
  await run(
    `CREATE TABLE bench_task AS
     SELECT rid, content->'owner'->>'reference' AS owner, content->>'status' AS status, content->>'priority' AS priority,
       (content->'executionPeriod'->>'end')::timestamptz AS due, content
     FROM resource WHERE resource_type = 'Task' AND NOT deleted`,
    [],
  );
  await run('CREATE INDEX bench_task_owner_status ON bench_task (owner, status)', []);
  await run('ANALYZE bench_task', []);
}

const statuses = [...openStatuses];

/** One worklist page from the baseline table: owner + open statuses, priority (code, descending) then due date. */
export const baselineSql = `
  SELECT rid, content FROM bench_task
  WHERE owner = $1 AND status = ANY($2::text[])
  ORDER BY priority DESC NULLS LAST, due ASC NULLS LAST, rid
  LIMIT 21`;

/**
 * The same page hand-written against CareLoop's own schema (resource + sp_* tables), page first: the 21 rids are picked
 * and ordered from the index tables alone, and only those rows of `resource` are read for their content.
 */
export const spTablesSql = `
  WITH page AS MATERIALIZED (
    SELECT o.rid,
      (SELECT max(p.value) FROM sp_token p WHERE p.rid = o.rid AND p.sp = 'Task:priority') AS priority,
      (SELECT min(d.lo) FROM sp_date d WHERE d.rid = o.rid AND d.sp = 'Task:period') AS due
    FROM sp_reference o
    WHERE o.sp = 'Task:owner' AND o.target_id = $1 AND o.target_type = 'Practitioner'
      AND EXISTS (SELECT 1 FROM sp_token s WHERE s.rid = o.rid AND s.sp = 'Task:status' AND s.value = ANY($2::text[]))
    ORDER BY priority DESC NULLS LAST, due ASC NULLS LAST, o.rid
    LIMIT 21)
  SELECT r.rid, r.content FROM page JOIN resource r ON r.rid = page.rid AND NOT r.deleted
  ORDER BY page.priority DESC NULLS LAST, page.due ASC NULLS LAST, r.rid`;

export const baselineParams = (owner: string) => [owner, statuses];
export const spTablesParams = (owner: string) => [owner.replace(/^Practitioner\//, ''), statuses];

/** The ids of a page of rows (to check every variant returns the same page). */
export const idsOf = (rows: readonly { content: Resource }[]) => rows.slice(0, 20).map((r) => r.content.id);

/** The SQL statements the store runs for one search, captured through a logging Kysely on the same connection. */
export async function captureStoreSql(db: Db, params: URLSearchParams): Promise<CompiledQuery[]> {
  const captured: CompiledQuery[] = [];
  const pool = db.pool ?? (db.pglite ? pglitePool(db.pglite) : undefined);
  if (!pool) throw new Error('no connection to capture on');
  const kysely = new Kysely<Tables>({
    dialect: new PostgresDialect({ pool }),
    log: (event) => {
      if (event.level === 'query') captured.push(event.query);
    },
  });
  const store = createStore({ db: { ...db, kysely }, clock: systemClock });
  await store.search('Task', params);
  return captured;
}

/** `EXPLAIN (ANALYZE, BUFFERS)` of a statement, as the plan's lines. */
export async function explain(run: RunSql, text: string, params: readonly unknown[]): Promise<string[]> {
  const rows = await run<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
  return rows.map((r) => r['QUERY PLAN']);
}

/** The facts of a plan worth a line each: timings, sequential scans, sorts and the rows they handled. */
export function planSummary(lines: readonly string[]): string[] {
  const out: string[] = [];
  for (const l of lines) {
    if (
      /Seq Scan|Sort Method|Sort Key|Bitmap Heap Scan|Hash Join|Nested Loop|Execution Time|Planning Time|Index (Only )?Scan/.test(
        l,
      )
    ) {
      out.push(l.replace(/\s+$/, ''));
    }
  }
  return out;
}
