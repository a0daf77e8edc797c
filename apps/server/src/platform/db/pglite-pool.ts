import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * Kysely's PostgresDialect over one embedded PGlite connection. PGlite serves one session, so connections are handed
 * out one at a time (DESIGN.md §1: "put all its access behind one connection, never a pool"): a transaction holds the
 * connection from BEGIN to COMMIT and every other caller waits its turn.
 */
export function pglitePool(pg: PGlite): PostgresPool {
  let tail: Promise<void> = Promise.resolve();
  async function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
    const result = await pg.query<R>(sql, parameters as unknown[]);
    return { command: commandOf(sql), rowCount: result.affectedRows ?? result.rows.length, rows: result.rows };
  }
  // Kysely only calls the (sql, parameters) form; streaming cursors are not used with PGlite.
  const client = (release: () => void): PostgresPoolClient => ({
    query: query as PostgresPoolClient['query'],
    release,
  });
  return {
    options: {},
    connect() {
      let release = () => {};
      const turn = new Promise<void>((resolve) => {
        release = resolve;
      });
      const previous = tail;
      tail = previous.then(() => turn);
      return previous.then(() => client(release));
    },
    async end() {
      await tail;
    },
  };
}

function commandOf(sql: string): PostgresQueryResult<unknown>['command'] {
  const word = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase();
  return word === 'INSERT' || word === 'UPDATE' || word === 'DELETE' || word === 'MERGE' ? word : 'SELECT';
}
