import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, type Db } from '../db/index.ts';

/** A database of its own for one test, and how to throw it away. */
export type FreshDb = Readonly<{ db: Db; databaseUrl: string | undefined; dispose(): Promise<void> }>;

/**
 * In-memory PGlite, or (when DATABASE_URL is set) a new database `jobs_test_<random>` on that server, so tests never
 * see each other's jobs or pg-boss schema. Only the database created here is ever dropped.
 */
export async function freshDb(): Promise<FreshDb> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const db = await createDb({ dataDir: 'memory://' });
    return { db, databaseUrl: undefined, dispose: () => db.close() };
  }
  const name = `jobs_test_${randomBytes(6).toString('hex')}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const db = await createDb({ databaseUrl, poolSize: 5 });
  return {
    db,
    databaseUrl,
    async dispose() {
      await db.close();
      await onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** pg-boss's record of the jobs in one queue, oldest first: what a test can assert on after the fact. */
export async function storedJobs(
  db: Db,
  name: string,
): Promise<Array<{ data: Record<string, unknown>; state: string; retryCount: number }>> {
  const result = await sql<{ data: Record<string, unknown>; state: string; retryCount: number }>`
    SELECT data, state::text AS state, retry_count AS "retryCount" FROM pgboss.job WHERE name = ${name} ORDER BY created_on, id`.execute(
    db.kysely,
  );
  return result.rows;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
