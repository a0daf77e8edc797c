import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Access, type Actor, canSee, resolveAccess } from '../../platform/access/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { unauthenticated } from '../../platform/http/auth/index.ts';
import { findAccessToken, type SessionLimits, sessionLive } from '../../platform/identity/index.ts';
import { type Change, watchChanges } from '../../platform/store/index.ts';

export type WorklistEventDeps = Readonly<{ db: Db; clock: Clock; limits: SessionLimits }>;

const HEARTBEAT_MS = 25_000;
const RECHECK_MS = 60_000;

/**
 * `GET /worklist/events`: server-sent events telling an open worklist that a Task it may show has changed, on any
 * replica (the store's change feed, PostgreSQL LISTEN/NOTIFY). An event carries the Task's id and version only; the
 * page then re-reads its queue through the audited API. Who hears of a change is decided like a read (`canSee` on the
 * Task's patients and labels); access and the session are checked again every minute, and the stream ends when the
 * session does.
 */
export async function worklistEventRoutes(app: FastifyInstance, deps: WorklistEventDeps): Promise<void> {
  const listeners = new Set<(change: Change) => void>();
  const streams = new Set<{ end(): void }>();
  const stop = await watchChanges(deps.db, (change) => {
    for (const listener of listeners) listener(change);
  });
  // Streams never finish on their own: end them when the server stops, so graceful shutdown does not wait on them.
  app.addHook('preClose', async () => {
    for (const s of streams) s.end();
  });
  app.addHook('onClose', async () => {
    await stop();
  });

  app.get('/events', async (request, reply) => {
    const actor = request.actor;
    if (!actor) throw unauthenticated();
    const ctx = { exec: deps.db.kysely, clock: deps.clock };
    const stillValid = validity(request, actor, ctx, deps.limits);
    let access = await resolveAccess(deps.db.kysely, actor, deps.clock.now().toString());

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 3000\n: connected\n\n');
    const listener = (change: Change) => {
      if (change.resourceType !== 'Task' || !mayHear(access, change)) return;
      const data = { resourceType: change.resourceType, id: change.id, versionId: String(change.versionId) };
      res.write(`event: ${change.deleted ? 'deleted' : 'changed'}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    listeners.add(listener);
    streams.add(res);
    const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
    const recheck = setInterval(() => {
      void (async () => {
        if (!(await stillValid())) return res.end();
        access = await resolveAccess(deps.db.kysely, actor, deps.clock.now().toString());
      })().catch(() => res.end());
    }, RECHECK_MS);
    const close = () => {
      listeners.delete(listener);
      streams.delete(res);
      clearInterval(heartbeat);
      clearInterval(recheck);
    };
    request.raw.on('close', close);
    res.on('close', close);
  });
}

/** Whether the actor may hear of the change: what a read of the Task would allow. */
function mayHear(access: Access, change: Change): boolean {
  if (!access.allows(change.resourceType, 'r')) return false;
  const stub = { resourceType: change.resourceType, id: change.id, meta: { security: change.labels } } as Resource;
  return canSee(access, stub, change.patients);
}

/** How to tell later that the credential the stream was opened with still holds. */
function validity(
  request: FastifyRequest,
  actor: Actor,
  ctx: { exec: Db['kysely']; clock: Clock },
  limits: SessionLimits,
): () => Promise<boolean> {
  if (actor.kind === 'user') return () => sessionLive(ctx, actor.sessionId, limits);
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
  return async () => (await findAccessToken(ctx, token)) !== undefined;
}
