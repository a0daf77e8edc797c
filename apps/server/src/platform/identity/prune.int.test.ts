import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { fixedClock } from '../clock.ts';
import { pruneSecurityRecords } from './prune.ts';
import { openSession, revokeSession } from './sessions.ts';
import { recordAttempt } from './sign-in.ts';
import { issueAccessToken } from './tokens.ts';
import { createUser } from './users.ts';

let d: TestDb;
beforeAll(async () => {
  d = await freshDatabase();
});
afterAll(() => d?.drop());

const rows = async (table: string) =>
  (await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(d.db.kysely)).rows[0]?.n;

describe('pruning security records', () => {
  test('old attempts, expired tokens and long-ended sessions go; current ones stay', async () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const ctx = { exec: d.db.kysely, clock };
    const user = await createUser(ctx, { username: 'pruned', roles: ['integration-client'] });
    const limits = { idleSeconds: 900, maxSeconds: 43200 };
    await recordAttempt(ctx, { username: 'x', ip: '1.2.3.4' }, false);
    await issueAccessToken(ctx, { userId: user.id, scopes: ['system/*.rs'], ttlSeconds: 300 });
    const old = await openSession(ctx, { userId: user.id, stage: 'full', ip: '1.2.3.4', limits });
    await revokeSession(ctx, old.id);
    clock.advance({ hours: 24 * 40 });
    await recordAttempt(ctx, { username: 'y', ip: '1.2.3.4' }, false);
    await issueAccessToken(ctx, { userId: user.id, scopes: ['system/*.rs'], ttlSeconds: 300 });
    await openSession(ctx, { userId: user.id, stage: 'full', ip: '1.2.3.4', limits });
    const pruned = await pruneSecurityRecords(ctx);
    expect(pruned).toMatchObject({ loginAttempts: 1, accessTokens: 1, sessions: 1 });
    expect(await rows('login_attempt')).toBe(1);
    expect(await rows('access_token')).toBe(1);
    expect(await rows('user_session')).toBe(1);
  });
});
