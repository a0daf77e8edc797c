import { sql } from 'kysely';
import { defaultKdfParams, hashPassword, verifyPassword } from './password.ts';
import type { SessionStage } from './sessions.ts';
import { findUserByUsername, type IdentityCtx, type User } from './users.ts';

/** Brute-force limits (ASVS 2.2.1): failed attempts allowed per account name and per client address per hour. */
export type LockoutPolicy = Readonly<{ maxFailures: number; windowSeconds: number }>;

export type SignInResult =
  | Readonly<{ ok: true; user: User; stage: SessionStage }>
  | Readonly<{ ok: false; reason: 'invalid' | 'locked' }>;

// Checked against when the account does not exist, so the answer takes as long as for a wrong password.
let decoy: Promise<string> | undefined;

/**
 * The password step of sign-in. Failures are counted per lower-cased name (whether or not such an account exists)
 * and per address; past the limit the password is not even checked. Every failure looks the same to the caller:
 * unknown name, wrong password and deactivated account are all `invalid`. On success `stage` says what is still due:
 * the TOTP code (`mfa`), enrolment of a second factor (`enrol`, for staff without one) or nothing (`full`).
 */
export async function signIn(
  ctx: IdentityCtx,
  input: { username: string; password: string; ip: string },
  policy: LockoutPolicy,
): Promise<SignInResult> {
  const key = input.username.trim().toLowerCase().slice(0, 100);
  const record = (succeeded: boolean) => recordAttempt(ctx, { username: key, ip: input.ip }, succeeded);
  if (await isLockedOut(ctx, { username: key, ip: input.ip }, policy)) {
    await record(false);
    return { ok: false, reason: 'locked' };
  }
  const { rows: hashes } = await sql<{ password_hash: string | null }>`
    SELECT password_hash FROM app_user WHERE lower(username) = ${key} AND active`.execute(ctx.exec);
  const stored = hashes[0]?.password_hash ?? null;
  decoy ??= hashPassword('not a real password', defaultKdfParams);
  const check = await verifyPassword(input.password, stored ?? (await decoy), ctx.kdf ?? defaultKdfParams);
  const user = stored !== null && check.ok ? await findUserByUsername(ctx, key) : undefined;
  if (!user) {
    await record(false);
    return { ok: false, reason: 'invalid' };
  }
  await record(true);
  if (check.needsRehash) {
    const hash = await hashPassword(input.password, ctx.kdf ?? defaultKdfParams);
    await sql`UPDATE app_user SET password_hash = ${hash} WHERE id = ${user.id}`.execute(ctx.exec);
  }
  const stage: SessionStage = user.mfaEnrolled ? 'mfa' : user.mfaRequired ? 'enrol' : 'full';
  return { ok: true, user, stage };
}

type Attempt = Readonly<{ username: string; ip: string }>;

/** True when the account name or the address has reached the failure limit within the window. */
export async function isLockedOut(ctx: IdentityCtx, who: Attempt, policy: LockoutPolicy): Promise<boolean> {
  const key = who.username.trim().toLowerCase().slice(0, 100);
  const now = ctx.clock.now().toString();
  const { rows } = await sql<{ by_user: number; by_ip: number }>`
    SELECT
      (SELECT count(*) FROM login_attempt WHERE username_key = ${key} AND NOT succeeded
         AND at > ${now}::timestamptz - make_interval(secs => ${policy.windowSeconds}))::int AS by_user,
      (SELECT count(*) FROM login_attempt WHERE client_ip = ${who.ip} AND NOT succeeded
         AND at > ${now}::timestamptz - make_interval(secs => ${policy.windowSeconds}))::int AS by_ip`.execute(
    ctx.exec,
  );
  const counts = rows[0] ?? { by_user: 0, by_ip: 0 };
  return counts.by_user >= policy.maxFailures || counts.by_ip >= policy.maxFailures;
}

/** Counts one attempt of either factor (a wrong TOTP code counts like a wrong password). */
export async function recordAttempt(ctx: IdentityCtx, who: Attempt, succeeded: boolean): Promise<void> {
  await sql`INSERT INTO login_attempt (at, username_key, client_ip, succeeded)
    VALUES (${ctx.clock.now().toString()}::timestamptz, ${who.username.trim().toLowerCase().slice(0, 100)}, ${who.ip},
      ${succeeded})`.execute(ctx.exec);
}
