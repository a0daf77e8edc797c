import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Db } from '../db/index.ts';
import { createJobQueue, type JobData, type JobQueue } from './index.ts';
import { type FreshDb, freshDb, sleep, storedJobs } from './test-support.ts';

// pg-boss's shortest poll, so a committed job is picked up within half a second.
const POLL_SECONDS = 0.5;
const waitLong = { timeout: 10_000, interval: 50 };

describe(`job queue on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let fresh: FreshDb;
  let db: Db;
  let jobs: JobQueue;

  beforeEach(async () => {
    fresh = await freshDb();
    db = fresh.db;
    jobs = createJobQueue(db, { pollIntervalSeconds: POLL_SECONDS });
  });

  afterEach(async () => {
    await jobs.stop();
    await fresh.dispose();
  });

  test('a job runs once, only after its transaction commits; a rolled-back enqueue leaves no job', async () => {
    const runs: JobData[] = [];
    await jobs.work('notify-referrer', async (data) => {
      runs.push(data);
    });
    await jobs.start();

    await db.kysely.transaction().execute(async (tx) => {
      expect(await jobs.enqueue(tx, 'notify-referrer', { n: 1 })).toEqual(expect.any(String));
      // Two polls pass while the transaction is open: the job must not run before it commits.
      await sleep(2.5 * POLL_SECONDS * 1000);
      expect(runs).toEqual([]);
    });
    await expect(
      db.kysely.transaction().execute(async (tx) => {
        await jobs.enqueue(tx, 'notify-referrer', { n: 2 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await storedJobs(db, 'notify-referrer')).map((j) => j.data)).toEqual([{ n: 1 }]);

    // A later job runs after the earlier one would have; then another poll passes to catch a second run.
    await db.kysely.transaction().execute((tx) => jobs.enqueue(tx, 'notify-referrer', { n: 3 }));
    await vi.waitFor(() => expect(runs).toHaveLength(2), waitLong);
    await sleep(2 * POLL_SECONDS * 1000);

    expect(runs.map((data) => data.n).sort()).toEqual([1, 3]);
    expect((await storedJobs(db, 'notify-referrer')).map((j) => j.state)).toEqual(['completed', 'completed']);
  });

  test('a failing handler is retried with growing delays until it succeeds', async () => {
    const attempts: Array<{ retryCount: number; at: number }> = [];
    await jobs.work('send-reminder', async (_data, job) => {
      attempts.push({ retryCount: job.retryCount, at: performance.now() });
      if (attempts.length < 3) throw new Error(`SMTP unavailable (attempt ${attempts.length})`);
    });
    await jobs.start();

    await jobs.enqueue(db.kysely, 'send-reminder', { appointment: 'a1' }, { retryLimit: 3, retryDelaySeconds: 1 });
    await vi.waitFor(
      async () => expect((await storedJobs(db, 'send-reminder')).map((j) => j.state)).toEqual(['completed']),
      waitLong,
    );

    expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2]);
    const [first, second, third] = attempts.map((a) => a.at);
    // pg-boss's backoff waits retryDelay × 2^(n-1) × (1 + jitter in [0, 1)) before retry n: at least 1 s, then 2 s.
    // A small margin absorbs the gap between the database clock and this process's timer.
    expect(second! - first!).toBeGreaterThanOrEqual(900);
    expect(third! - second!).toBeGreaterThanOrEqual(1900);
    expect((await storedJobs(db, 'send-reminder'))[0]?.retryCount).toBe(2);
  });

  test('a singleton key keeps one job waiting per key until it starts', async () => {
    await jobs.start();
    const first = await jobs.enqueue(db.kysely, 'recompute-worklist', { v: 1 }, { singletonKey: 'patient-1' });
    const duplicate = await db.kysely
      .transaction()
      .execute((tx) => jobs.enqueue(tx, 'recompute-worklist', { v: 2 }, { singletonKey: 'patient-1' }));
    const otherKey = await jobs.enqueue(db.kysely, 'recompute-worklist', { v: 3 }, { singletonKey: 'patient-2' });
    expect(first).toEqual(expect.any(String));
    expect(duplicate).toBeNull();
    expect(otherKey).toEqual(expect.any(String));
    // Two transactions racing on one key (on PostgreSQL truly concurrent): exactly one of them enqueues.
    const racing = await Promise.all(
      [5, 6].map((v) =>
        db.kysely.transaction().execute(async (tx) => {
          const id = await jobs.enqueue(tx, 'recompute-worklist', { v }, { singletonKey: 'patient-3' });
          await sleep(100);
          return id;
        }),
      ),
    );
    expect(racing.filter((id) => id !== null)).toHaveLength(1);

    const runs: JobData[] = [];
    await jobs.work('recompute-worklist', async (data) => {
      runs.push(data);
    });
    await vi.waitFor(() => expect(runs).toHaveLength(3), waitLong);
    // The waiting job has run, so the key is free again.
    const again = await jobs.enqueue(db.kysely, 'recompute-worklist', { v: 4 }, { singletonKey: 'patient-1' });
    expect(again).toEqual(expect.any(String));
    await vi.waitFor(() => expect(runs).toHaveLength(4), waitLong);
    expect(runs.map((data) => data.v).sort()).toEqual([1, 3, 4, racing[0] === null ? 6 : 5]);
  });

  test('stop waits for a running handler, and the job is completed', async () => {
    let started = false;
    let finished = false;
    await jobs.work('export-bundle', async () => {
      started = true;
      await sleep(600);
      finished = true;
    });
    await jobs.start();
    await jobs.enqueue(db.kysely, 'export-bundle', {});
    await vi.waitFor(() => expect(started).toBe(true), waitLong);

    await jobs.stop();

    expect(finished).toBe(true);
    expect((await storedJobs(db, 'export-bundle')).map((j) => j.state)).toEqual(['completed']);
  });
});
