// A stand-in server process for exactly-once.int.test.ts: it opens the database named on its command line, runs the
// `exactly-once` handler (one row per execution into job_run) and stops gracefully when its parent sends 'stop'.
import { sql } from 'kysely';
import { createDb } from '../db/index.ts';
import { createJobQueue } from './index.ts';

/** What a replica tells the test over IPC. */
export type ReplicaMessage = { type: 'ready' } | { type: 'log'; level: 'warn' | 'error'; msg: string; detail: object };

const send = (message: ReplicaMessage) => process.send?.(message);
const databaseUrl = process.argv[2];
if (!databaseUrl) throw new Error('usage: exactly-once-worker.fixture.ts <database-url>');

const db = await createDb({ databaseUrl, poolSize: 4 });
const jobs = createJobQueue(db, {
  pollIntervalSeconds: 0.5,
  log: {
    warn: (detail, msg) => send({ type: 'log', level: 'warn', msg, detail }),
    error: (detail, msg) => send({ type: 'log', level: 'error', msg, detail }),
  },
});
await jobs.work('exactly-once', async (data) => {
  // A little work per job: alone, one process needs over a second for all 200 (batches of 5, 25 ms each), longer than
  // the 0.5 s poll after which the other process is sure to have claimed some.
  await new Promise((resolve) => setTimeout(resolve, 25));
  await sql`INSERT INTO job_run (n, pid) VALUES (${Number(data.n)}, ${process.pid})`.execute(db.kysely);
});
await jobs.start();
process.on('message', (message) => {
  if (message !== 'stop') return;
  void (async () => {
    await jobs.stop();
    await db.close();
    process.disconnect();
  })();
});
send({ type: 'ready' });
