import { sql } from 'kysely';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { fixedClock } from '../clock.ts';
import { OutcomeError } from '../errors.ts';
import { confirmMfaEnrolment, consumeRecoveryCode, type MfaCtx, startMfaEnrolment, verifyMfaCode } from './mfa.ts';
import { totpCode } from './totp.ts';
import { createUser, findUserByUsername } from './users.ts';

const clock = fixedClock('2026-11-23T09:00:10Z');
let t: TestDb;
let ctx: MfaCtx;

beforeAll(async () => {
  t = await freshDatabase();
  ctx = { exec: t.db.kysely, clock, mfaKey: Buffer.alloc(32, 42) };
});
afterAll(() => t?.drop());

/** A 6-digit code that matches none of the steps the ±1 window accepts now. */
function wrongCode(secret: string): string {
  const valid = [-30, 0, 30].map((s) => totpCode(secret, clock.now().add({ seconds: s })));
  let n = 0;
  while (valid.includes(String(n).padStart(6, '0'))) n++;
  return String(n).padStart(6, '0');
}

test('enrolment: sealed secret, confirmation with a current code, ten recovery codes stored as hashes', async () => {
  const user = await createUser(ctx, { username: 'nurse.kim', roles: ['clinician'] });
  const { secret, uri } = await startMfaEnrolment(ctx, user.id);
  expect(uri).toContain(`secret=${secret}`);
  const { rows } = await sql<{ mfa_secret: string }>`SELECT mfa_secret FROM app_user WHERE id = ${user.id}`.execute(
    t.db.kysely,
  );
  expect(rows[0]?.mfa_secret).toMatch(/^v1\./);
  expect(rows[0]?.mfa_secret).not.toContain(secret);

  // Not enrolled until confirmed, so codes are not accepted yet.
  expect(await verifyMfaCode(ctx, user.id, totpCode(secret, clock.now()))).toBe(false);
  await expect(confirmMfaEnrolment(ctx, user.id, wrongCode(secret))).rejects.toBeInstanceOf(OutcomeError);
  const { recoveryCodes } = await confirmMfaEnrolment(ctx, user.id, totpCode(secret, clock.now()));
  expect(recoveryCodes).toHaveLength(10);
  expect((await findUserByUsername(ctx, 'nurse.kim'))?.mfaEnrolled).toBe(true);

  // The code used to confirm is spent; the next step's code works once.
  expect(await verifyMfaCode(ctx, user.id, totpCode(secret, clock.now()))).toBe(false);
  clock.advance({ seconds: 30 });
  const next = totpCode(secret, clock.now());
  expect(await verifyMfaCode(ctx, user.id, next)).toBe(true);
  expect(await verifyMfaCode(ctx, user.id, next)).toBe(false);

  // Recovery codes: each works once, in any case and spacing.
  const [first = '', second = ''] = recoveryCodes;
  expect(await consumeRecoveryCode(ctx, user.id, first.toLowerCase())).toBe(true);
  expect(await consumeRecoveryCode(ctx, user.id, first)).toBe(false);
  expect(await consumeRecoveryCode(ctx, user.id, 'AAAA-BBBB-CCCC-DDDD')).toBe(false);
  // Two concurrent uses of one code: exactly one succeeds (row lock + re-check on PostgreSQL; serial on PGlite).
  const both = await Promise.all([
    consumeRecoveryCode(ctx, user.id, second),
    consumeRecoveryCode(ctx, user.id, second),
  ]);
  expect(both.filter(Boolean)).toHaveLength(1);
  const left = await sql<{ n: number }>`
    SELECT cardinality(recovery_code_hashes) AS n FROM app_user WHERE id = ${user.id}`.execute(t.db.kysely);
  expect(left.rows[0]?.n).toBe(8);
});

test('concurrent checks of one TOTP code: exactly one is accepted', async () => {
  const user = await createUser(ctx, { username: 'coord.lee', roles: ['care-coordinator'] });
  const { secret } = await startMfaEnrolment(ctx, user.id);
  await confirmMfaEnrolment(ctx, user.id, totpCode(secret, clock.now()));
  clock.advance({ seconds: 30 });
  const code = totpCode(secret, clock.now());
  const results = await Promise.all([1, 2, 3].map(() => verifyMfaCode(ctx, user.id, code)));
  expect(results.filter(Boolean)).toHaveLength(1);
});

test('a secret sealed for one user does not open for another', async () => {
  const a = await createUser(ctx, { username: 'user.a', roles: ['supervisor'] });
  const b = await createUser(ctx, { username: 'user.b', roles: ['supervisor'] });
  const { secret } = await startMfaEnrolment(ctx, a.id);
  await startMfaEnrolment(ctx, b.id);
  await sql`UPDATE app_user SET mfa_secret = (SELECT mfa_secret FROM app_user WHERE id = ${a.id}) WHERE id = ${b.id}`.execute(
    t.db.kysely,
  );
  await expect(confirmMfaEnrolment(ctx, b.id, totpCode(secret, clock.now()))).rejects.toThrow();
});
