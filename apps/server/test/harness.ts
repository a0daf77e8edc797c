import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { type Config, loadConfig } from '../src/config.ts';
import { type Clock, systemClock } from '../src/platform/clock.ts';
import { createDb, type Db, migrate } from '../src/platform/db/index.ts';
import type { JobQueue } from '../src/platform/jobs/index.ts';
import type { Store } from '../src/platform/store/index.ts';
import { createRuntime } from '../src/runtime.ts';

export type TestDb = Readonly<{ db: Db; databaseUrl: string | undefined; drop(): Promise<void> }>;

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new database on the PostgreSQL
 * server named by DATABASE_URL (dropped afterwards), so files run in parallel without sharing rows.
 */
export async function freshDatabase(): Promise<TestDb> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const db = await createDb({ dataDir: 'memory://' });
    await migrate(db);
    return { db, databaseUrl: undefined, drop: () => db.close() };
  }
  const name = `careloop_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await createDb({ databaseUrl: url.toString(), poolSize: 8 });
  await migrate(db);
  return {
    db,
    databaseUrl: url.toString(),
    async drop() {
      await db.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export type TestApp = Readonly<{
  app: FastifyInstance;
  store: Store;
  jobs: JobQueue | undefined;
  db: Db;
  config: Config;
  databaseUrl: string | undefined;
  close(): Promise<void>;
}>;

/**
 * The real app (same composition as `careloop start`) on a fresh database, for `app.inject` (no network). The job
 * queue runs only when asked (`config: { jobsEnabled: true }`): starting it costs a second or two.
 */
export async function createTestApp(options: { clock?: Clock; config?: Partial<Config> } = {}): Promise<TestApp> {
  const { db, databaseUrl, drop } = await freshDatabase();
  const config = loadConfig(
    { LOG_LEVEL: 'silent', CARELOOP_BASE_URL: 'http://careloop.test', JOBS_ENABLED: 'false' },
    options.config,
  );
  const runtime = await createRuntime(config, db, options.clock ?? systemClock);
  return {
    app: runtime.app,
    store: runtime.store,
    jobs: runtime.jobs,
    db,
    config,
    databaseUrl,
    async close() {
      await runtime.stop();
      await drop();
    },
  };
}

/** `../shared/data` beside the checkout, when present (third-party test material; never copied into the repo). */
export const sharedData = new URL('../../../../shared/data/', import.meta.url).pathname;
