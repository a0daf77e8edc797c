import { createHash, randomBytes } from 'node:crypto';
import { badRequest } from '@careloop/fhir';
import { sql } from 'kysely';
import { OutcomeError } from '../errors.ts';
import { defaultKdfParams, hashPassword } from './password.ts';
import { passwordProblem } from './password-policy.ts';
import type { IdentityCtx } from './users.ts';

const hex = (token: string) => createHash('sha256').update(token).digest('hex');

/** Reset requests sent per account per hour at most (a reset link is also a way to flood someone's inbox). */
const MAX_PER_HOUR = 3;

/**
 * Creates a reset token for the active account with this user name and an e-mail address, or returns undefined (no
 * such account, no address, or too many recent requests): the caller answers the same either way. The token is
 * returned once, stored hashed, and expires after `minutes`.
 */
export async function createResetToken(
  ctx: IdentityCtx,
  username: string,
  minutes: number,
): Promise<{ token: string; email: string } | undefined> {
  const now = ctx.clock.now();
  const { rows } = await sql<{ id: string; email: string; recent: number }>`
    SELECT u.id, u.email, (SELECT count(*) FROM password_reset r WHERE r.user_id = u.id
        AND r.created_at > ${now.toString()}::timestamptz - interval '1 hour')::int AS recent
    FROM app_user u WHERE lower(u.username) = lower(${username}) AND u.active AND u.email IS NOT NULL`.execute(
    ctx.exec,
  );
  const user = rows[0];
  if (!user || user.recent >= MAX_PER_HOUR) return undefined;
  const token = randomBytes(32).toString('base64url');
  await sql`
    INSERT INTO password_reset (token_hash, user_id, created_at, expires_at)
    VALUES (decode(${hex(token)}, 'hex'), ${user.id}, ${now.toString()}::timestamptz,
      ${now.add({ minutes }).toString()}::timestamptz)`.execute(ctx.exec);
  return { token, email: user.email };
}

/**
 * Sets a new password with a reset token: the token must exist, be unexpired and unused; it is used up in the same
 * statement that checks it (two concurrent uses: one wins), every session of the account ends, and the account's
 * other reset links are used up too. 400 naming `token` or `password` otherwise.
 */
export async function completeReset(ctx: IdentityCtx, token: string, password: string): Promise<{ userId: string }> {
  const now = ctx.clock.now().toString();
  const { rows: owners } = await sql<{ username: string }>`
    SELECT u.username FROM password_reset r JOIN app_user u ON u.id = r.user_id
    WHERE r.token_hash = decode(${hex(token)}, 'hex')`.execute(ctx.exec);
  const problem = passwordProblem(password, owners[0] ? { username: owners[0].username } : {});
  if (problem) throw new OutcomeError(badRequest(problem, 'password'));
  const hash = await hashPassword(password, ctx.kdf ?? defaultKdfParams);
  const { rows } = await sql<{ user_id: string }>`
    WITH used AS (
      UPDATE password_reset SET used_at = ${now}::timestamptz
      WHERE token_hash = decode(${hex(token)}, 'hex') AND used_at IS NULL AND expires_at > ${now}::timestamptz
      RETURNING user_id
    ), others AS (
      UPDATE password_reset SET used_at = ${now}::timestamptz
      WHERE user_id IN (SELECT user_id FROM used) AND used_at IS NULL
        AND token_hash <> decode(${hex(token)}, 'hex')
    ), changed AS (
      UPDATE app_user SET password_hash = ${hash}, updated_at = ${now}::timestamptz
      WHERE id IN (SELECT user_id FROM used) AND active
      RETURNING id
    ), revoked AS (
      UPDATE user_session SET revoked_at = ${now}::timestamptz
      WHERE user_id IN (SELECT id FROM changed) AND revoked_at IS NULL
    )
    SELECT user_id FROM used WHERE user_id IN (SELECT id FROM changed)`.execute(ctx.exec);
  const row = rows[0];
  if (!row) throw new OutcomeError(badRequest('This reset link is invalid, expired or already used', 'token'));
  return { userId: row.user_id };
}
