import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { pglitePool } from './pglite-pool.ts';

export type Engine = 'postgres' | 'pglite';

/** Query-builder view of the database; CareLoop writes its SQL with Kysely's `sql` tag and these loose tables. */
export type Tables = Record<string, Record<string, unknown>>;

export type Db = Readonly<{
  engine: Engine;
  kysely: Kysely<Tables>;
  /** Runs a script of several statements (migrations): simple-query protocol on PostgreSQL, `exec` on PGlite. */
  exec(script: string): Promise<void>;
  /** Calls `onMessage` for each NOTIFY on `channel`; resolves to an unsubscribe function. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  /** A node-postgres pool, only on PostgreSQL (COPY in benchmarks, pg-boss). */
  pool: pg.Pool | undefined;
  /** The embedded database, only on PGlite. */
  pglite: PGlite | undefined;
  close(): Promise<void>;
}>;

export type DbOptions = Readonly<{ databaseUrl?: string | undefined; dataDir?: string; poolSize?: number }>;

// int8 (count(*), bigserial) as number: CareLoop's counters stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/** Opens PostgreSQL when a URL is given, otherwise embedded PGlite in `dataDir` (in memory when it is `memory://`). */
export async function createDb(options: DbOptions): Promise<Db> {
  return options.databaseUrl
    ? openPostgres(options.databaseUrl, options.poolSize ?? 10)
    : openPglite(options.dataDir ?? 'memory://');
}

function openPostgres(connectionString: string, max: number): Db {
  const pool = new pg.Pool({ connectionString, max });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const kysely = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
  return {
    engine: 'postgres',
    kysely,
    pool,
    pglite: undefined,
    async exec(script) {
      await pool.query(script);
    },
    async listen(channel, onMessage) {
      // One connection held for the subscription; if it drops (a server restart, a network blip), a new one listens
      // again after a second, until unsubscribed. Notifications sent while no connection listened are lost, so
      // listeners treat a change as a hint to re-read, never as the only copy of a fact.
      let client: pg.PoolClient | undefined;
      let closed = false;
      const connect = async (): Promise<void> => {
        const c = await pool.connect();
        c.on('notification', (m) => m.channel === channel && onMessage(m.payload ?? ''));
        c.on('error', () => {
          // Once unsubscribed the client is back in the pool, which handles its errors: never release it twice.
          if (client !== c) return;
          client = undefined;
          c.release(true);
          if (!closed) setTimeout(() => void connect().catch(() => {}), 1000).unref();
        });
        try {
          await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        } catch (e) {
          c.release(true);
          throw e;
        }
        client = c;
      };
      await connect();
      return async () => {
        closed = true;
        const c = client;
        client = undefined;
        if (!c) return;
        await c.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
        c.release();
      };
    },
    async close() {
      await kysely.destroy();
    },
  };
}

async function openPglite(dataDir: string): Promise<Db> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir, {
    extensions: { btree_gist, pg_trgm },
    parsers: { 20: (v: string) => Number(v) },
  });
  const kysely = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: pglitePool(db) }) });
  return {
    engine: 'pglite',
    kysely,
    pool: undefined,
    pglite: db,
    async exec(script) {
      await db.exec(script);
    },
    async listen(channel, onMessage) {
      return db.listen(channel, onMessage);
    },
    async close() {
      await kysely.destroy();
      await db.close();
    },
  };
}
