import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Role } from './roles.ts';
import { isRole } from './roles.ts';
import type { IdentityCtx } from './users.ts';

/** How far sign-in got: TOTP code due, second factor still to enrol, or fully signed in. */
export type SessionStage = 'mfa' | 'enrol' | 'full';

/** Idle time-out and absolute limit of a session, in seconds (issue #3 defaults: 15 minutes and 12 hours). */
export type SessionLimits = Readonly<{ idleSeconds: number; maxSeconds: number }>;

export type Session = Readonly<{
  id: string;
  userId: string;
  username: string;
  roles: readonly Role[];
  fhirReference: string | null;
  stage: SessionStage;
  createdAt: string;
}>;

const digest = (token: string) => createHash('sha256').update(token).digest();
/** A token's digest as a bytea literal (hex through decode: the same on node-postgres and PGlite). */
const digestSql = (token: string) => sql`decode(${digest(token).toString('hex')}, 'hex')`;

/** A new random token (256 bits, base64url): the cookie's value, or a CSRF token. */
const newToken = () => randomBytes(32).toString('base64url');

/**
 * Opens a session for a user who passed the password step. Returns the cookie token and the CSRF token (both shown
 * once, stored only as SHA-256). The absolute limit runs from now; the idle limit from each use.
 */
export async function openSession(
  ctx: IdentityCtx,
  input: { userId: string; stage: SessionStage; ip: string; limits: SessionLimits },
): Promise<{ id: string; token: string; csrf: string }> {
  const id = randomUUID();
  const token = newToken();
  const csrf = newToken();
  const now = ctx.clock.now();
  const expires = now.add({ seconds: input.limits.maxSeconds });
  await sql`
    INSERT INTO user_session (id, user_id, created_at, last_seen_at, expires_at, token_hash, csrf_hash, stage, client_ip)
    VALUES (${id}, ${input.userId}, ${now.toString()}::timestamptz, ${now.toString()}::timestamptz,
      ${expires.toString()}::timestamptz, ${digestSql(token)}, ${digestSql(csrf)}, ${input.stage}, ${input.ip})`.execute(
    ctx.exec,
  );
  return { id, token, csrf };
}

// A use within this many seconds of the recorded last use is not written back: a busy client would otherwise turn every
// request into a write of one row (and concurrent requests of one session into a queue on its lock). The idle limit is
// then counted from a recorded use at most this much earlier than the real one, so a session can end up to this much
// sooner than the idle limit, never later.
const TOUCH_SECONDS = 30;

/**
 * The live session a cookie token names, recording its use; undefined when unknown, revoked, past its absolute
 * limit, idle longer than allowed, or its account was deactivated. Any replica can answer: all state is in the table.
 */
export async function findSession(
  ctx: IdentityCtx,
  token: string,
  limits: SessionLimits,
): Promise<Session | undefined> {
  if (token.length < 20 || token.length > 100) return undefined;
  const now = ctx.clock.now().toString();
  const { rows } = await sql<{
    id: string;
    user_id: string;
    username: string;
    roles: string[];
    fhir_reference: string | null;
    stage: SessionStage;
    created_at: Date | string;
    stale: boolean;
  }>`
    SELECT s.id, s.user_id, u.username, u.roles, u.fhir_reference, s.stage, s.created_at,
      s.last_seen_at < ${now}::timestamptz - make_interval(secs => ${TOUCH_SECONDS}) AS stale
    FROM user_session s JOIN app_user u ON u.id = s.user_id
    WHERE s.token_hash = ${digestSql(token)} AND u.active AND s.revoked_at IS NULL
      AND s.expires_at > ${now}::timestamptz
      AND s.last_seen_at > ${now}::timestamptz - make_interval(secs => ${limits.idleSeconds})`.execute(ctx.exec);
  const row = rows[0];
  if (!row) return undefined;
  if (row.stale) {
    // Only ever forward: a concurrent request may have recorded a later use already.
    await sql`
      UPDATE user_session SET last_seen_at = ${now}::timestamptz
      WHERE id = ${row.id} AND last_seen_at < ${now}::timestamptz`.execute(ctx.exec);
  }
  return {
    id: row.id,
    userId: row.user_id,
    username: row.username,
    roles: row.roles.filter(isRole),
    fhirReference: row.fhir_reference,
    stage: row.stage,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * True while the session is usable (not revoked, its account active, within both limits), without counting as
 * activity: a live stream checks this, and must not keep an idle session alive.
 */
export async function sessionLive(ctx: IdentityCtx, sessionId: string, limits: SessionLimits): Promise<boolean> {
  const now = ctx.clock.now().toString();
  const { rows } = await sql<{ ok: number }>`
    SELECT 1 AS ok FROM user_session s JOIN app_user u ON u.id = s.user_id
    WHERE s.id = ${sessionId} AND u.active AND s.revoked_at IS NULL AND s.expires_at > ${now}::timestamptz
      AND s.last_seen_at > ${now}::timestamptz - make_interval(secs => ${limits.idleSeconds})`.execute(ctx.exec);
  return rows.length > 0;
}

/** True when `csrf` is the session's CSRF token (constant-time comparison of the digests). */
export async function checkCsrf(ctx: IdentityCtx, sessionId: string, csrf: string): Promise<boolean> {
  const { rows } = await sql<{ csrf: string | null }>`
    SELECT encode(csrf_hash, 'hex') AS csrf FROM user_session WHERE id = ${sessionId}`.execute(ctx.exec);
  const stored = rows[0]?.csrf;
  if (!stored || csrf.length > 100) return false;
  const given = digest(csrf);
  const expected = Buffer.from(stored, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Replaces the session's CSRF token and returns the new one. */
export async function rotateCsrf(ctx: IdentityCtx, sessionId: string): Promise<string> {
  const csrf = newToken();
  await sql`UPDATE user_session SET csrf_hash = ${digestSql(csrf)} WHERE id = ${sessionId}`.execute(ctx.exec);
  return csrf;
}

/** Moves a session on after the second factor (mfa/enrol → full). */
export async function advanceSession(ctx: IdentityCtx, sessionId: string, stage: SessionStage): Promise<void> {
  await sql`UPDATE user_session SET stage = ${stage} WHERE id = ${sessionId} AND revoked_at IS NULL`.execute(ctx.exec);
}

/** Ends one session (logout): it stops working on every replica at once. */
export async function revokeSession(ctx: IdentityCtx, sessionId: string): Promise<void> {
  await sql`
    UPDATE user_session SET revoked_at = ${ctx.clock.now().toString()}::timestamptz
    WHERE id = ${sessionId} AND revoked_at IS NULL`.execute(ctx.exec);
}
