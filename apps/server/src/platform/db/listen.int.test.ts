import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';

let t: TestDb;
beforeAll(async () => {
  t = await freshDatabase();
});
afterAll(() => t?.drop());

const notify = (payload: string) => sql`SELECT pg_notify('careloop_test', ${payload})`.execute(t.db.kysely);
async function until(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  return check();
}
// The listening connection's backend, to cut it as a server restart or network failure would.
const terminateListeners = () =>
  sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`.execute(t.db.kysely);

describe(`Db.listen on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  test('delivers NOTIFY payloads until unsubscribed', async () => {
    const got: string[] = [];
    const stop = await t.db.listen('careloop_test', (p) => got.push(p));
    await notify('one');
    expect(await until(() => got.length === 1)).toBe(true);
    await stop();
    await notify('two');
    await new Promise((r) => setTimeout(r, 200));
    expect(got).toEqual(['one']);
  });

  test.skipIf(!process.env.DATABASE_URL)(
    'PostgreSQL: listens again after its connection is cut; a cut after unsubscribing is harmless',
    async () => {
      const got: string[] = [];
      const stop = await t.db.listen('careloop_test', (p) => got.push(p));
      await terminateListeners();
      // Re-listening takes a second; keep notifying (each NOTIFY awaited, none left in flight) until one arrives.
      let arrived = false;
      for (let n = 0; n < 100 && !arrived; n++) {
        await notify(`after-${n}`);
        await new Promise((r) => setTimeout(r, 50));
        arrived = got.length > 0;
      }
      expect(arrived).toBe(true);
      await stop();
      // The released connection is cut too: no double release, no uncaught error.
      await terminateListeners();
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(t.db.kysely);
      await new Promise((r) => setTimeout(r, 300));
      expect((await sql<{ one: number }>`SELECT 1 AS one`.execute(t.db.kysely)).rows[0]?.one).toBe(1);
    },
  );
});
