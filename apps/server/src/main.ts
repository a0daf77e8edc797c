import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { systemClock } from './platform/clock.ts';
import { createDb, type Db, migrate } from './platform/db/index.ts';
import { createStore, loadDefinitions, type Store } from './platform/store/index.ts';
import { createRuntime } from './runtime.ts';

export type Running = Readonly<{ app: FastifyInstance; db: Db; store: Store; url: string; close(): Promise<void> }>;

/** Opens the database, migrates, and returns the pieces every command shares. */
export async function openStore(config: Config): Promise<{ db: Db; store: Store }> {
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  await migrate(db);
  loadDefinitions();
  return { db, store: createStore({ db, clock: systemClock }) };
}

/**
 * Process entry for `careloop start`: database, app, listen; SIGTERM/SIGINT stop accepting, finish in-flight
 * requests (up to SHUTDOWN_TIMEOUT_MS), then close the database.
 */
export async function startServer(
  config: Config,
  beforeListen?: (store: Store, db: Db) => Promise<void>,
): Promise<Running> {
  const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
  await migrate(db);
  const runtime = await createRuntime(config, db, systemClock);
  const { app, store } = runtime;
  if (beforeListen) await beforeListen(store, db);
  const url = await app.listen({ port: config.port, host: config.host });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const timer = setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
      await runtime.stop();
      await db.close();
      clearTimeout(timer);
    })();
    return closing;
  };
  return { app, db, store, url, close };
}
