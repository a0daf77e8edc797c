import type { FastifyInstance, FastifyReply } from 'fastify';
import { parseScope } from '../../access/index.ts';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/index.ts';
import { ASSERTION_ALGORITHMS, checkClientAssertion, issueAccessToken } from '../../identity/index.ts';

export type SmartDeps = Readonly<{ db: Db; clock: Clock; baseUrl: string }>;

/** Bearer tokens live five minutes (SMART Backend Services recommends no more). */
const TOKEN_SECONDS = 300;
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** True when the allowed scope grants everything the requested one asks (same or `*` type, a superset of c r u d s). */
const covers = (allowed: string, requested: string) => {
  const a = parseScope(allowed);
  const r = parseScope(requested);
  return (
    !!a &&
    !!r &&
    r.context === 'system' &&
    (a.resourceType === '*' || a.resourceType === r.resourceType) &&
    [...r.interactions].every((i) => a.interactions.has(i))
  );
};

/**
 * SMART on FHIR Backend Services (SMART App Launch 2.0): discovery at `/.well-known/smart-configuration` (also under
 * the FHIR base) and the token endpoint `/auth/token` for the client-credentials grant with a `private_key_jwt`
 * assertion. Errors follow RFC 6749 §5.2.
 */
export async function smartRoutes(app: FastifyInstance, deps: SmartDeps): Promise<void> {
  const tokenEndpoint = `${deps.baseUrl}/auth/token`;
  const ctx = { exec: deps.db.kysely, clock: deps.clock };
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  const configuration = {
    token_endpoint: tokenEndpoint,
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    grant_types_supported: ['client_credentials'],
    scopes_supported: ['system/*.cruds', 'system/*.rs'],
    capabilities: ['client-confidential-asymmetric', 'permission-v2'],
  };
  for (const path of ['/.well-known/smart-configuration', '/fhir/R4/.well-known/smart-configuration'])
    app.get(path, async () => configuration);

  const oauthError = (reply: FastifyReply, status: number, error: string, description: string) =>
    reply.status(status).header('Cache-Control', 'no-store').send({ error, error_description: description });

  app.post('/auth/token', async (request, reply) => {
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      string
    >;
    if (form.grant_type !== 'client_credentials')
      return oauthError(reply, 400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    if (form.client_assertion_type !== ASSERTION_TYPE || typeof form.client_assertion !== 'string')
      return oauthError(reply, 400, 'invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
    const check = await checkClientAssertion(ctx, form.client_assertion, tokenEndpoint);
    if (!check.ok) return oauthError(reply, 401, check.error, check.description);
    const requested = (form.scope ?? '').split(' ').filter(Boolean);
    const refused = requested.find((s) => !check.allowedScopes.some((a) => covers(a, s)));
    if (requested.length === 0 || refused !== undefined)
      return oauthError(
        reply,
        400,
        'invalid_scope',
        refused ? `scope ${refused} is not granted to this client` : 'scope is required',
      );
    const { token } = await issueAccessToken(ctx, {
      userId: check.clientId,
      scopes: requested,
      ttlSeconds: TOKEN_SECONDS,
    });
    return reply
      .header('Cache-Control', 'no-store')
      .send({ access_token: token, token_type: 'bearer', expires_in: TOKEN_SECONDS, scope: requested.join(' ') });
  });
}
