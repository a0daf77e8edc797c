import { badRequest, notFound } from '@careloop/fhir';
import { createLocalJWKSet, decodeJwt, type JSONWebKeySet, jwtVerify } from 'jose';
import { sql } from 'kysely';
import { parseScope } from '../access/index.ts';
import { OutcomeError } from '../errors.ts';
import type { IdentityCtx } from './users.ts';

/** The signing algorithms SMART Backend Services requires servers to support. */
export const ASSERTION_ALGORITHMS = ['RS384', 'ES384'] as const;

/**
 * Registers an integration client for SMART Backend Services: its public keys (a JWKS with at least one RS384 or ES384
 * key, no private parts) and the system scopes it may ask for. 400 naming the field when either is unusable.
 */
export async function registerClient(
  ctx: IdentityCtx,
  username: string,
  input: { jwks: unknown; scopes: readonly string[] },
): Promise<void> {
  const jwks = input.jwks as JSONWebKeySet;
  if (!jwks || !Array.isArray(jwks.keys) || jwks.keys.length === 0)
    throw new OutcomeError(badRequest('jwks must be a JSON Web Key Set with at least one key', 'jwks'));
  if (jwks.keys.some((k) => 'd' in k || 'p' in k || 'k' in k))
    throw new OutcomeError(badRequest('jwks must hold public keys only', 'jwks'));
  const bad = input.scopes.find((s) => parseScope(s)?.context !== 'system');
  if (bad !== undefined || input.scopes.length === 0)
    throw new OutcomeError(
      badRequest(`scopes must be SMART v2 system scopes${bad ? ` ('${bad}' is not)` : ''}`, 'scopes'),
    );
  const { rows } = await sql`
    UPDATE app_user SET client_jwks = ${JSON.stringify(jwks)}::jsonb, client_scopes = ${input.scopes}::text[],
      updated_at = ${ctx.clock.now().toString()}::timestamptz
    WHERE lower(username) = lower(${username}) AND 'integration-client' = ANY (roles)
    RETURNING id`.execute(ctx.exec);
  if (rows.length === 0) throw new OutcomeError(notFound(`no integration client '${username}'`), 404);
}

export type AssertionCheck =
  | Readonly<{ ok: true; clientId: string; allowedScopes: readonly string[] }>
  | Readonly<{ ok: false; error: 'invalid_client'; description: string }>;

/**
 * Checks a client assertion (RFC 7523, SMART Backend Services): `iss` = `sub` = a registered, active integration
 * client's name; signed (RS384/ES384) by one of its registered keys; `aud` = the token endpoint; `exp` at most five
 * minutes ahead; a `jti` never seen before (remembered until `exp`).
 */
export async function checkClientAssertion(
  ctx: IdentityCtx,
  assertion: string,
  tokenEndpoint: string,
): Promise<AssertionCheck> {
  const fail = (description: string): AssertionCheck => ({ ok: false, error: 'invalid_client', description });
  let claims: ReturnType<typeof decodeJwt>;
  try {
    claims = decodeJwt(assertion);
  } catch {
    return fail('client_assertion is not a JWT');
  }
  if (typeof claims.iss !== 'string' || claims.iss !== claims.sub) return fail('iss and sub must be the client id');
  const { rows } = await sql<{ id: string; client_jwks: JSONWebKeySet | null; client_scopes: string[] }>`
    SELECT id, client_jwks, client_scopes FROM app_user
    WHERE lower(username) = lower(${claims.iss}) AND active AND 'integration-client' = ANY (roles)`.execute(ctx.exec);
  const client = rows[0];
  if (!client?.client_jwks) return fail('unknown client');
  const now = ctx.clock.now();
  try {
    const { payload } = await jwtVerify(assertion, createLocalJWKSet(client.client_jwks), {
      algorithms: [...ASSERTION_ALGORITHMS],
      audience: tokenEndpoint,
      issuer: claims.iss,
      subject: claims.iss,
      currentDate: new Date(now.epochMilliseconds),
      requiredClaims: ['exp', 'jti'],
      clockTolerance: 30,
    });
    const exp = payload.exp as number;
    if (exp * 1000 > now.epochMilliseconds + 5 * 60_000 + 30_000) return fail('exp must be at most five minutes ahead');
    const fresh = await sql`
      INSERT INTO client_assertion (client_id, jti, expires_at)
      VALUES (${client.id}, ${String(payload.jti)}, to_timestamp(${exp}))
      ON CONFLICT DO NOTHING RETURNING jti`.execute(ctx.exec);
    if (fresh.rows.length === 0) return fail('this assertion (jti) was already used');
  } catch (e) {
    return fail(`client_assertion rejected: ${(e as { code?: string }).code ?? 'invalid'}`);
  }
  return { ok: true, clientId: client.id, allowedScopes: client.client_scopes };
}
