import { badRequest, conflict, notFound } from '@careloop/fhir';
import { sql } from 'kysely';
import { OutcomeError } from '../errors.ts';
import { generateRecoveryCodes, hashRecoveryCode } from './recovery-codes.ts';
import { openSecret, sealSecret } from './secret-box.ts';
import { generateTotpSecret, totpUri, verifyTotp } from './totp.ts';
import type { IdentityCtx } from './users.ts';

/**
 * TOTP enrolment and second-factor checks over the database. The shared secret is stored sealed under `mfaKey`
 * (secret-box.ts) with the user id as context; the last accepted time step and the recovery-code hashes sit on the
 * account row and are changed with conditional single-statement UPDATEs, so two concurrent uses of one code cannot
 * both succeed.
 */
export type MfaCtx = IdentityCtx & Readonly<{ mfaKey: Buffer }>;

type MfaRow = {
  username: string;
  mfa_secret: string | null;
  mfa_enrolled_at: Date | string | null;
  mfa_last_step: number | null;
};

async function mfaRow(ctx: MfaCtx, userId: string): Promise<MfaRow> {
  const { rows } = await sql<MfaRow>`
    SELECT username, mfa_secret, mfa_enrolled_at, mfa_last_step FROM app_user WHERE id = ${userId}`.execute(ctx.exec);
  const row = rows[0];
  if (!row) throw new OutcomeError(notFound('no such user'), 404);
  return row;
}

/**
 * Starts (or restarts) enrolment: a new secret replaces any old one and MFA counts as not enrolled until
 * `confirmMfaEnrolment`. Returns the secret for manual entry and the otpauth URI to show as a QR code.
 */
export async function startMfaEnrolment(ctx: MfaCtx, userId: string): Promise<{ secret: string; uri: string }> {
  const { username } = await mfaRow(ctx, userId);
  const secret = generateTotpSecret();
  await sql`
    UPDATE app_user SET mfa_secret = ${sealSecret(ctx.mfaKey, secret, userId)}, mfa_enrolled_at = NULL,
      mfa_last_step = NULL, recovery_code_hashes = '{}', updated_at = ${ctx.clock.now().toString()}::timestamptz
    WHERE id = ${userId}`.execute(ctx.exec);
  return { secret, uri: totpUri(username, secret) };
}

/**
 * Completes enrolment once the user typed a current code from the new authenticator; returns the recovery codes,
 * which are shown once and stored only as hashes. 400 naming `code` for a wrong code, 409 without a started enrolment.
 */
export async function confirmMfaEnrolment(
  ctx: MfaCtx,
  userId: string,
  code: string,
): Promise<{ recoveryCodes: readonly string[] }> {
  const row = await mfaRow(ctx, userId);
  if (row.mfa_secret === null) throw new OutcomeError(conflict('MFA enrolment has not been started'), 409);
  const now = ctx.clock.now();
  const check = verifyTotp({ secret: openSecret(ctx.mfaKey, row.mfa_secret, userId), code, now });
  if (!check.ok) throw new OutcomeError(badRequest('the code does not match; check the device clock', 'code'));
  const { codes, hashes } = generateRecoveryCodes();
  await sql`
    UPDATE app_user SET mfa_enrolled_at = ${now.toString()}::timestamptz, mfa_last_step = ${check.step},
      recovery_code_hashes = ${hashes}::text[], updated_at = ${now.toString()}::timestamptz
    WHERE id = ${userId}`.execute(ctx.exec);
  return { recoveryCodes: codes };
}

/**
 * Checks a TOTP code for an enrolled user and records its step, atomically: the UPDATE succeeds only if no code of
 * this or a later step was accepted meanwhile (RFC 6238 §5.2), so the same code is never accepted twice.
 */
export async function verifyMfaCode(ctx: MfaCtx, userId: string, code: string): Promise<boolean> {
  const row = await mfaRow(ctx, userId);
  if (row.mfa_secret === null || row.mfa_enrolled_at === null) return false;
  const check = verifyTotp({
    secret: openSecret(ctx.mfaKey, row.mfa_secret, userId),
    code,
    now: ctx.clock.now(),
    lastUsedStep: row.mfa_last_step,
  });
  if (!check.ok) return false;
  const { rows } = await sql`
    UPDATE app_user SET mfa_last_step = ${check.step}
    WHERE id = ${userId} AND (mfa_last_step IS NULL OR mfa_last_step < ${check.step})
    RETURNING id`.execute(ctx.exec);
  return rows.length === 1;
}

/**
 * Uses up one recovery code: removes its hash in one conditional UPDATE, so of two concurrent attempts with the same
 * code exactly one succeeds (the second re-checks the row after the first commits and no longer finds the hash).
 */
export async function consumeRecoveryCode(ctx: IdentityCtx, userId: string, code: string): Promise<boolean> {
  const hash = hashRecoveryCode(code);
  const { rows } = await sql`
    UPDATE app_user SET recovery_code_hashes = array_remove(recovery_code_hashes, ${hash}),
      updated_at = ${ctx.clock.now().toString()}::timestamptz
    WHERE id = ${userId} AND ${hash} = ANY (recovery_code_hashes)
    RETURNING id`.execute(ctx.exec);
  return rows.length === 1;
}
