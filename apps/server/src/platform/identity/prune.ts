import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import type { IdentityCtx } from './users.ts';

/** The hourly job that forgets security records nobody needs any more. */
const pruneJob = 'prune-security-records';
const EVERY_MS = 3600_000;

/**
 * Deletes what has served its purpose: sign-in attempts older than a day (the lock-out window is an hour), client
 * assertion ids and access tokens past their expiry, reset links expired over a day ago, and sessions that ended over
 * 30 days ago. Who signed in, when and from where stays in the audit trail, which is never pruned here.
 */
export async function pruneSecurityRecords(ctx: IdentityCtx): Promise<Record<string, number>> {
  const now = ctx.clock.now().toString();
  const count = async (statement: ReturnType<typeof sql>) =>
    Number((await statement.execute(ctx.exec)).numAffectedRows ?? 0);
  return {
    loginAttempts: await count(sql`DELETE FROM login_attempt WHERE at < ${now}::timestamptz - interval '1 day'`),
    clientAssertions: await count(sql`DELETE FROM client_assertion WHERE expires_at < ${now}::timestamptz`),
    accessTokens: await count(sql`DELETE FROM access_token WHERE expires_at < ${now}::timestamptz`),
    passwordResets: await count(
      sql`DELETE FROM password_reset WHERE expires_at < ${now}::timestamptz - interval '1 day'`,
    ),
    sessions: await count(sql`
      DELETE FROM user_session WHERE least(coalesce(revoked_at, expires_at), expires_at)
        < ${now}::timestamptz - interval '30 days'`),
  };
}

const nextRun = (jobs: Pick<JobQueue, 'enqueue'>, db: Db, clock: Clock) =>
  jobs.enqueue(
    db.kysely,
    pruneJob,
    {},
    {
      singletonKey: pruneJob,
      startAfter: new Date(clock.now().epochMilliseconds + EVERY_MS),
    },
  );

/** Registers the pruning job's handler (before the queue starts); each run schedules the next an hour later. */
export async function registerPruneWorker(
  jobs: Pick<JobQueue, 'work' | 'enqueue'>,
  db: Db,
  clock: Clock,
): Promise<void> {
  await jobs.work(pruneJob, async () => {
    await pruneSecurityRecords({ exec: db.kysely, clock });
    await nextRun(jobs, db, clock);
  });
}

/** Makes sure one pruning run is waiting (a singleton across replicas), once the queue has started. */
export async function schedulePruning(jobs: Pick<JobQueue, 'enqueue'>, db: Db, clock: Clock): Promise<void> {
  await nextRun(jobs, db, clock);
}
