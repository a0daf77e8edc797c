import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { IdentityCtx } from './users.ts';

const hex = (token: string) => createHash('sha256').update(token).digest('hex');

export type TokenHolder = Readonly<{ userId: string; username: string; scopes: readonly string[] }>;

/**
 * Issues an opaque bearer token for an active integration-client account (SMART Backend Services hands it out after
 * checking the client's signed assertion). Only its SHA-256 is stored; it expires after `ttlSeconds`.
 */
export async function issueAccessToken(
  ctx: IdentityCtx,
  input: { userId: string; scopes: readonly string[]; ttlSeconds: number },
): Promise<{ token: string; expiresIn: number }> {
  const token = randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  await sql`
    INSERT INTO access_token (token_hash, user_id, scopes, issued_at, expires_at)
    VALUES (decode(${hex(token)}, 'hex'), ${input.userId}, ${input.scopes}::text[], ${now.toString()}::timestamptz,
      ${now.add({ seconds: input.ttlSeconds }).toString()}::timestamptz)`.execute(ctx.exec);
  return { token, expiresIn: input.ttlSeconds };
}

/** The holder of a live token; undefined when unknown, expired, or its account was deactivated. */
export async function findAccessToken(ctx: IdentityCtx, token: string): Promise<TokenHolder | undefined> {
  if (token.length < 20 || token.length > 200) return undefined;
  const { rows } = await sql<{ user_id: string; username: string; scopes: string[] }>`
    SELECT t.user_id, u.username, t.scopes FROM access_token t JOIN app_user u ON u.id = t.user_id AND u.active
    WHERE t.token_hash = decode(${hex(token)}, 'hex') AND t.expires_at > ${ctx.clock.now().toString()}::timestamptz`.execute(
    ctx.exec,
  );
  const row = rows[0];
  return row ? { userId: row.user_id, username: row.username, scopes: row.scopes } : undefined;
}
