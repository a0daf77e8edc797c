import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { ReplicaMessage } from './exactly-once-worker.fixture.ts';
import { createJobQueue, type JobQueue } from './index.ts';
import { type FreshDb, freshDb, sleep, storedJobs } from './test-support.ts';

const JOBS = 200;
const worker = fileURLToPath(new URL('./exactly-once-worker.fixture.ts', import.meta.url));

type ChildLog = Extract<ReplicaMessage, { type: 'log' }>;

/** A server process of its own: the pinned Node running the fixture, with an IPC channel for 'ready' and 'stop'. */
function spawnReplica(
  databaseUrl: string,
  logs: ChildLog[],
): { child: ChildProcess; ready: Promise<void>; exited: Promise<number | null> } {
  // execArgv [] so the child does not inherit the test runner's flags; Node 24 strips the fixture's types itself.
  const child = fork(worker, [databaseUrl], { execPath: process.execPath, execArgv: [], stdio: 'inherit' });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (message: ReplicaMessage) => {
      if (message.type === 'ready') resolve();
      else logs.push(message);
    });
    child.once('exit', (code) => reject(new Error(`replica ${child.pid} exited with ${code} before it was ready`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, ready, exited };
}

// PGlite is one process's embedded database by design, so only PostgreSQL can have two servers share it.
describe.skipIf(!process.env.DATABASE_URL)('jobs across server processes (PostgreSQL only)', () => {
  let fresh: FreshDb | undefined;
  let jobs: JobQueue | undefined;
  const children: ChildProcess[] = [];

  afterEach(async () => {
    for (const child of children) if (child.exitCode === null) child.kill();
    await jobs?.stop();
    await fresh?.dispose();
  });

  test(`two processes on one database run each of ${JOBS} jobs exactly once and share them`, async () => {
    fresh = await freshDb();
    const { db, databaseUrl } = fresh;
    if (!databaseUrl) throw new Error('freshDb gave no URL on PostgreSQL');
    // Deliberately no UNIQUE constraint: a second execution must show up as a second row, not as a failed insert.
    await sql`CREATE TABLE job_run (n int NOT NULL, pid int NOT NULL)`.execute(db.kysely);

    // Both replicas start on a database without pg-boss's schema, so they race to install it.
    const logs: ChildLog[] = [];
    const replicas = [spawnReplica(databaseUrl, logs), spawnReplica(databaseUrl, logs)];
    children.push(...replicas.map((r) => r.child));
    await Promise.all(replicas.map((r) => r.ready));

    // This process only enqueues, all in one transaction: nothing is visible to the replicas until it commits.
    jobs = createJobQueue(db);
    await jobs.start();
    const producer = jobs;
    await db.kysely.transaction().execute(async (tx) => {
      for (let n = 0; n < JOBS; n++) await producer.enqueue(tx, 'exactly-once', { n });
    });

    await vi.waitFor(
      async () => {
        const states = (await storedJobs(db, 'exactly-once')).map((j) => j.state);
        expect(states.filter((s) => s === 'completed')).toHaveLength(JOBS);
      },
      { timeout: 20_000, interval: 100 },
    );
    // Two more polls, for any second execution still on its way.
    await sleep(1000);
    for (const child of children) child.send('stop');
    expect(await Promise.all(replicas.map((r) => r.exited))).toEqual([0, 0]);
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    const runs = await sql<{ n: number; times: number }>`
      SELECT n, count(*)::int AS times FROM job_run GROUP BY n ORDER BY n`.execute(db.kysely);
    expect(runs.rows).toEqual(Array.from({ length: JOBS }, (_, n) => ({ n, times: 1 })));
    const byProcess = await sql<{ pid: number; jobs: number }>`
      SELECT pid, count(*)::int AS jobs FROM job_run GROUP BY pid`.execute(db.kysely);
    expect(byProcess.rows.map((r) => r.pid).sort()).toEqual(children.map((c) => c.pid).sort());
    expect(byProcess.rows.every((r) => r.jobs > 0)).toBe(true);
  }, 40_000);
});
