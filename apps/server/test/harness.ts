import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions } from 'fastify';
import pg from 'pg';
import { type Config, loadConfig } from '../src/config.ts';
import { type Clock, systemClock } from '../src/platform/clock.ts';
import { createDb, type Db, migrate } from '../src/platform/db/index.ts';
import { issueAccessToken } from '../src/platform/identity/index.ts';
import { createUser } from '../src/platform/identity/users.ts';
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
  /** The app; its `inject` presents the harness client's bearer token unless the request sets `authorization`. */
  app: FastifyInstance;
  /** `inject` as it is, with no credentials (sign-in and access tests). */
  anonymous: FastifyInstance['inject'];
  /** A bearer token of an integration client with `system/*.cruds`: everything, as a trusted EHR interface would. */
  token: string;
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
    { mfaSecretKey: testMfaKey, ...options.config },
  );
  const clock = options.clock ?? systemClock;
  const runtime = await createRuntime(config, db, clock);
  const { token } = await clientToken(db, clock);
  const anonymous = runtime.app.inject.bind(runtime.app) as FastifyInstance['inject'];
  const withToken = (opts: InjectOptions | string) => {
    const o: InjectOptions = typeof opts === 'string' ? { url: opts } : opts;
    return anonymous({ ...o, headers: { authorization: `Bearer ${token}`, ...o.headers } });
  };
  Object.assign(runtime.app, { inject: withToken });
  return {
    app: runtime.app,
    anonymous,
    token,
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

/**
 * A bearer token of a new integration client holding `scopes` (default `system/*.cruds`, everything), valid for ten
 * years of `clock` time.
 */
export async function clientToken(
  db: Db,
  clock: Clock,
  scopes: readonly string[] = ['system/*.cruds'],
): Promise<{ token: string; userId: string }> {
  const ctx = { exec: db.kysely, clock };
  const client = await createUser(ctx, {
    username: `client-${randomBytes(4).toString('hex')}`,
    roles: ['integration-client'],
  });
  const issued = await issueAccessToken(ctx, { userId: client.id, scopes, ttlSeconds: 10 * 366 * 24 * 3600 });
  return { token: issued.token, userId: client.id };
}

/** The MFA sealing key of test apps (any 32 bytes; tests never need it to be secret). */
export const testMfaKey = randomBytes(32).toString('base64');

/** `../shared/data` beside the checkout, when present (third-party test material; never copied into the repo). */
export const sharedData = new URL('../../../../shared/data/', import.meta.url).pathname;
