import type { PGlite } from '@electric-sql/pglite';
import { CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';
import { type Db as BossDatabase, fromPglite } from 'pg-boss';
import type { Tables } from '../db/index.ts';

// pg-boss talks to the database through `{ executeSql(text, values) }` (its bring-your-own-connection adapter). These
// three adapters route its statements through the connections CareLoop already owns, so there is one pool per process
// on PostgreSQL and one serialized connection on PGlite.

/** pg-boss's own statements on PostgreSQL: the application's node-postgres pool, shared rather than duplicated. */
export function poolDatabase(pool: pg.Pool): BossDatabase {
  return {
    async executeSql(text, values) {
      // Without values node-postgres uses the simple-query protocol, so pg-boss's multi-statement DDL and its
      // `BEGIN; advisory lock; …; COMMIT` blocks run as one round trip. A failed block's client is discarded by
      // `pool.query`, so an aborted transaction never reaches the next caller.
      const result: pg.QueryResult | pg.QueryResult[] = await pool.query(text, values);
      return { rows: Array.isArray(result) ? result.flatMap((r) => r.rows) : result.rows };
    },
    poolCounts() {
      return { max: pool.options.max ?? 10, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
    },
  };
}

/**
 * pg-boss's own statements on PGlite. pg-boss ships `fromPglite`, but it calls the PGlite instance directly, and PGlite
 * has one session: a statement issued while an application transaction holds the connection (BEGIN … COMMIT through
 * Kysely) would run inside that transaction. So every statement first takes the connection from the Kysely pool, the
 * mutex in `pglite-pool.ts`, and runs through `fromPglite` (which splits multi-statement scripts to `exec` and rolls
 * back a block that failed halfway) only while holding it. Each statement is one short turn, so polling interleaves
 * with request work instead of starving it.
 */
export function pgliteDatabase(kysely: Kysely<Tables>, pglite: PGlite): BossDatabase {
  const direct = fromPglite(pglite);
  return {
    executeSql(text, values) {
      return kysely.connection().execute(() => direct.executeSql(text, values));
    },
  };
}

/** A caller's executor (a Kysely transaction, or the Kysely instance) as a pg-boss connection, for `send({ db })`. */
export function executorDatabase(executor: Kysely<Tables>): BossDatabase {
  return {
    async executeSql(text, values) {
      const result = await executor.executeQuery(CompiledQuery.raw(text, values ?? []));
      return { rows: [...result.rows] };
    },
  };
}
