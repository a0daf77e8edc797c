import { type Kysely, sql } from 'kysely';
import { type Job, type JobResult, PgBoss, type SendOptions } from 'pg-boss';
import type { Db, Tables } from '../db/index.ts';
import { executorDatabase, pgliteDatabase, poolDatabase } from './boss-databases.ts';

/** A job's payload: plain JSON, stored with the job and handed to its handler. */
export type JobData = Record<string, unknown>;

/** What a handler learns about the attempt it is running; `retryCount` is 0 on the first attempt. */
export type JobAttempt = Readonly<{ id: string; retryCount: number }>;

/** Runs one job. Throwing fails the attempt; the job is retried with exponential backoff until its retry limit. */
export type JobHandler = (data: JobData, job: JobAttempt) => Promise<void>;

export type EnqueueOptions = Readonly<{
  /** Not before this instant (reminders, deadlines). */
  startAfter?: Date;
  /**
   * At most one job per key waits to run in this queue: while a job with the same key is created or waiting for a
   * retry, enqueueing another returns `null` and stores nothing. The waiting job reads current state when it runs, so
   * it covers the later change too. Once that job has started, a new one can be enqueued.
   */
  singletonKey?: string;
  /** Retries after the first attempt (default 5). */
  retryLimit?: number;
  /** Base delay before the first retry, in whole seconds (default 5); it roughly doubles on each further retry. */
  retryDelaySeconds?: number;
}>;

export type JobQueueLog = Readonly<{ warn(o: object, msg: string): void; error(o: object, msg: string): void }>;

export type JobQueueOptions = Readonly<{
  /** How often an idle worker looks for jobs, per queue (default 2, pg-boss's minimum is 0.5). */
  pollIntervalSeconds?: number;
  /** Jobs a worker claims per fetch and runs concurrently (default 5); a full batch fetches again at once. */
  batchSize?: number;
  log?: JobQueueLog;
}>;

/** CareLoop's job queue: side effects enqueued in the transaction that causes them, run once after it commits. */
export type JobQueue = Readonly<{
  /**
   * Enqueues a job through `executor`: a Kysely transaction (the job exists only if that transaction commits) or the
   * Kysely instance (committed at once). Resolves to the job id, or `null` when `singletonKey` found a job waiting.
   * The queue must be started; on PGlite a job name enqueued inside a transaction must be registered with `work`.
   */
  enqueue(executor: Kysely<Tables>, name: string, data: JobData, options?: EnqueueOptions): Promise<string | null>;
  /** Registers the handler for `name`; after `start`, some replica runs each committed job once (retrying on throw). */
  work(name: string, handler: JobHandler): Promise<void>;
  /** Installs or migrates pg-boss's schema (safe when replicas start together) and starts the registered workers. */
  start(): Promise<void>;
  /** Stops fetching and waits for running handlers to finish (up to 30 s) before resolving. */
  stop(): Promise<void>;
}>;

const DEFAULT_RETRY_LIMIT = 5;
const DEFAULT_RETRY_DELAY_SECONDS = 5;
const RETRY_DELAY_MAX_SECONDS = 3600;
const STOP_TIMEOUT_MS = 30_000;
const BOSS_SCHEMA = 'pgboss';

const silent: JobQueueLog = { warn() {}, error() {} };

/** A pg-boss queue over `db`: the application's pool on PostgreSQL, its single serialized connection on PGlite. */
export function createJobQueue(db: Db, options: JobQueueOptions = {}): JobQueue {
  const log = options.log ?? silent;
  const workOptions = {
    batchSize: options.batchSize ?? 5,
    pollingIntervalSeconds: options.pollIntervalSeconds ?? 2,
    // Keep fetching while batches come back full, so a backlog drains without waiting out the poll interval.
    burstWhenBatchFull: true,
    // Settle each job of a batch on its own, so one failing handler does not retry its neighbours.
    perJobResults: true,
  } as const;
  const boss = createBoss(db, log);
  const handlers = new Map<string, JobHandler>();
  const subscribed = new Set<string>();
  const queues = queueRegistry(boss);
  let starting: Promise<void> | undefined;
  let isStarted = false;

  async function subscribe(name: string, handler: JobHandler): Promise<void> {
    // work() during start() could otherwise reach one name twice: from start's loop and from itself.
    if (subscribed.has(name)) return;
    subscribed.add(name);
    try {
      await queues.ensure(name);
      const run = runJob(name, handler, log);
      await boss.work<JobData>(name, workOptions, (jobs) => Promise.all(jobs.map(run)));
    } catch (error) {
      subscribed.delete(name);
      throw error;
    }
  }

  return {
    async enqueue(executor, name, data, enqueueOptions = {}) {
      if (!isStarted) throw new Error(`job queue is not started; cannot enqueue "${name}"`);
      if (!queues.isReady(name)) {
        // pg-boss looks an unknown queue up on its own connection. On PGlite that is the connection the caller's
        // transaction holds, so waiting for it here would deadlock.
        if (db.engine === 'pglite' && executor.isTransaction) {
          throw new Error(`job "${name}" has no queue yet: register it with work() before enqueueing in a transaction`);
        }
        await queues.ensure(name);
      }
      const sendOptions = toSendOptions(enqueueOptions);
      const key = enqueueOptions.singletonKey;
      if (key === undefined) return send(boss, executor, name, data, sendOptions);
      const enqueueSingleton = (tx: Kysely<Tables>) => sendUnlessWaiting(boss, tx, name, data, sendOptions, key);
      return executor.isTransaction ? enqueueSingleton(executor) : executor.transaction().execute(enqueueSingleton);
    },

    async work(name, handler) {
      if (handlers.has(name)) throw new Error(`job "${name}" already has a handler`);
      handlers.set(name, handler);
      if (isStarted) await subscribe(name, handler);
    },

    start() {
      starting ??= (async () => {
        await boss.start();
        await queues.loadExisting();
        // Map iteration also visits handlers registered while this loop awaits, so none is missed.
        for (const [name, handler] of handlers) await subscribe(name, handler);
        isStarted = true;
      })().catch((error: unknown) => {
        starting = undefined;
        throw error;
      });
      return starting;
    },

    async stop() {
      isStarted = false;
      starting = undefined;
      subscribed.clear();
      await boss.stop({ graceful: true, timeout: STOP_TIMEOUT_MS });
    },
  };
}

function createBoss(db: Db, log: JobQueueLog): PgBoss {
  const boss = new PgBoss({
    db: bossDatabase(db),
    backend: db.engine,
    schema: BOSS_SCHEMA,
    // CareLoop schedules with its own Clock and deadline rules; pg-boss's cron loop would only poll for nothing.
    schedule: false,
  });
  // An EventEmitter without an 'error' listener throws; pg-boss reports failed polls and maintenance here.
  boss.on('error', (error) => log.error({ err: describe(error) }, 'job queue error'));
  boss.on('warning', (warning) => log.warn({ ...warning.data }, warning.message));
  return boss;
}

function bossDatabase(db: Db) {
  if (db.engine === 'pglite') {
    if (!db.pglite) throw new Error('PGlite database without its PGlite instance');
    return pgliteDatabase(db.kysely, db.pglite);
  }
  if (!db.pool) throw new Error('PostgreSQL database without its pool');
  return poolDatabase(db.pool);
}

/** The queues pg-boss knows about, so `send` never has to look one up while a caller's transaction waits. */
function queueRegistry(boss: PgBoss) {
  const ready = new Set<string>();
  const creating = new Map<string, Promise<void>>();
  return {
    isReady: (name: string) => ready.has(name),
    /** Queues created earlier (by any replica, or a previous run on this data directory) are ready as they are. */
    async loadExisting() {
      for (const queue of await boss.getQueues()) ready.add(queue.name);
    },
    ensure(name: string): Promise<void> {
      if (ready.has(name)) return Promise.resolve();
      let created = creating.get(name);
      if (!created) {
        // create_queue is `INSERT … ON CONFLICT DO NOTHING` under an advisory lock, so replicas racing here agree.
        created = boss
          .createQueue(name, {
            retryLimit: DEFAULT_RETRY_LIMIT,
            retryDelay: DEFAULT_RETRY_DELAY_SECONDS,
            retryBackoff: true,
            retryDelayMax: RETRY_DELAY_MAX_SECONDS,
          })
          .then(() => void ready.add(name))
          .finally(() => creating.delete(name));
        creating.set(name, created);
      }
      return created;
    },
  };
}

function toSendOptions(options: EnqueueOptions): SendOptions {
  return {
    retryLimit: options.retryLimit ?? DEFAULT_RETRY_LIMIT,
    retryDelay: options.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    retryDelayMax: RETRY_DELAY_MAX_SECONDS,
    ...(options.startAfter ? { startAfter: options.startAfter } : {}),
  };
}

function send(
  boss: PgBoss,
  executor: Kysely<Tables>,
  name: string,
  data: JobData,
  options: SendOptions,
): Promise<string | null> {
  return boss.send(name, data, { ...options, db: executorDatabase(executor) });
}

/**
 * pg-boss's standard queues store singletonKey without enforcing it. A transaction-scoped advisory lock on (name, key)
 * makes check-then-insert atomic across replicas: a concurrent enqueuer waits until `tx` ends and then sees its job.
 */
async function sendUnlessWaiting(
  boss: PgBoss,
  tx: Kysely<Tables>,
  name: string,
  data: JobData,
  options: SendOptions,
  key: string,
): Promise<string | null> {
  const lockName = JSON.stringify(['careloop.jobs', name, key]);
  await sql`SELECT pg_advisory_xact_lock(hashtextextended(${lockName}, 0))`.execute(tx);
  const waiting = await sql`SELECT 1 FROM ${sql.table(`${BOSS_SCHEMA}.job`)}
    WHERE name = ${name} AND singleton_key = ${key} AND state < 'active' LIMIT 1`.execute(tx);
  return waiting.rows.length > 0 ? null : send(boss, tx, name, data, { ...options, singletonKey: key });
}

/** One job through its handler, as the per-job result pg-boss settles: completed, or failed (and so retried). */
function runJob(name: string, handler: JobHandler, log: JobQueueLog) {
  return async (job: Job<JobData>): Promise<JobResult> => {
    try {
      await handler(job.data ?? {}, { id: job.id, retryCount: job.retryCount });
      return { id: job.id, status: 'completed' };
    } catch (error) {
      const err = describe(error);
      log.warn(
        { job: name, id: job.id, retryCount: job.retryCount, err },
        'job handler failed; retried with backoff until its retry limit',
      );
      return { id: job.id, status: 'failed', output: err };
    }
  };
}

/** Name and message only: job errors are stored and logged, and stack traces add noise rather than facts. */
function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
