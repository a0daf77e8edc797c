import { outcome } from '@careloop/fhir';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Actor, parseScope, type SmartScope } from '../../access/index.ts';
import { createAuditBatcher, createAuditRecorder } from '../../audit/index.ts';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/index.ts';
import { OutcomeError } from '../../errors.ts';
import { checkCsrf, findAccessToken, findSession, type Session, type SessionLimits } from '../../identity/index.ts';
import type { Store } from '../../store/index.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is acting: set from the session cookie or bearer token; undefined when nobody is signed in. */
    actor: Actor | undefined;
    /** The signed-in browser session, whatever its stage (MFA may still be due). */
    session: Session | undefined;
    /** The store scoped to `actor`, recording this request's reads as one AuditEvent; see {@link storeOf}. */
    actorStore: Store | undefined;
  }
}

export const SESSION_COOKIE = 'careloop_session';
export const CSRF_HEADER = 'x-csrf-token';

export type AuthContextDeps = Readonly<{ db: Db; store: Store; clock: Clock; limits: SessionLimits }>;

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The request's store, scoped to its actor; 401 when nobody is signed in. */
export function storeOf(request: FastifyRequest): Store {
  if (!request.actorStore) throw unauthenticated();
  return request.actorStore;
}

/** Who is acting on the request; 401 when nobody is signed in. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw unauthenticated();
  return request.actor;
}

export function unauthenticated(text = 'Sign in or present a bearer token'): OutcomeError {
  return new OutcomeError(outcome('login', text), 401);
}

/**
 * Resolves who is acting on every request: `Authorization: Bearer` (integration clients) or the session cookie
 * (people). Cookie-authenticated writes must echo the session's CSRF token in `X-CSRF-Token` (double submit; the
 * cookie is also SameSite=Strict). Before any response leaves, the request's reads are written to the audit trail as
 * one event; if that fails, the response is an error and carries no data.
 */
export async function registerAuthContext(app: FastifyInstance, deps: AuthContextDeps): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('actor', undefined);
  app.decorateRequest('session', undefined);
  app.decorateRequest('actorStore', undefined);
  const ctx = { exec: deps.db.kysely, clock: deps.clock };
  // Reads of concurrent requests share audit transactions (group commit); each still waits for its own record.
  const batcher = createAuditBatcher(deps.db.kysely, deps.clock);

  app.addHook('onRequest', async (request, reply) => {
    const authorization = request.headers.authorization;
    let actor: Actor | undefined;
    if (authorization !== undefined) {
      const token = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(authorization)?.[1];
      const holder = token ? await findAccessToken(ctx, token) : undefined;
      if (!holder) {
        reply.header('WWW-Authenticate', 'Bearer error="invalid_token"');
        throw unauthenticated('The access token is invalid or expired');
      }
      const scopes = holder.scopes.map(parseScope).filter((s): s is SmartScope => s !== undefined);
      actor = { kind: 'client', userId: holder.userId, username: holder.username, scopes, ip: request.ip };
    } else {
      const token = request.cookies[SESSION_COOKIE];
      const session = token ? await findSession(ctx, token, deps.limits) : undefined;
      if (session) {
        if (!safeMethods.has(request.method)) {
          const given = request.headers[CSRF_HEADER];
          if (typeof given !== 'string' || !(await checkCsrf(ctx, session.id, given)))
            throw new OutcomeError(outcome('forbidden', 'Missing or wrong CSRF token', 'X-CSRF-Token'), 403);
        }
        request.session = session;
        if (session.stage === 'full')
          actor = {
            kind: 'user',
            userId: session.userId,
            username: session.username,
            roles: session.roles,
            reference: session.fhirReference,
            sessionId: session.id,
            ip: request.ip,
          };
      }
    }
    request.actor = actor;
    if (actor)
      request.actorStore = deps.store.as(actor, createAuditRecorder(actor, deps.clock, { deferReads: true, batcher }));
  });

  // One AuditEvent per interaction, written before the answer: reads noted by the store, or the failure.
  const failed = new WeakSet<FastifyRequest>();
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const recorder = request.actorStore?.audit;
    if (!recorder || failed.has(request)) return payload;
    try {
      if (reply.statusCode >= 400 && recorder.written === 0)
        await recorder.fail(deps.db.kysely, reply.statusCode >= 500 ? 'serious' : 'minor', `HTTP ${reply.statusCode}`);
      else await recorder.conclude(deps.db.kysely);
    } catch (error) {
      failed.add(request);
      request.log.error({ err: error }, 'audit record could not be written');
      throw new OutcomeError(outcome('exception', 'The request could not be recorded and was not answered'), 500);
    }
    return payload;
  });
}
