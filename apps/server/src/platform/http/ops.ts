import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { type Db, pendingMigrations } from '../db/index.ts';
import { registerMetrics } from './metrics.ts';

/**
 * Endpoints for load balancers, orchestrators and Prometheus: `/healthz` (the process answers), `/readyz` (the
 * database answers and every migration is applied, so a replica that starts before the migrating one is not sent
 * traffic) and `/metrics`.
 */
export async function registerOps(app: FastifyInstance, deps: Readonly<{ db: Db }>): Promise<void> {
  registerMetrics(app, deps);
  closeConnectionsWhenClosing(app);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await sql`SELECT 1`.execute(deps.db.kysely);
      const pending = await pendingMigrations(deps.db);
      if (pending.length) return reply.status(503).send({ status: 'migrations pending', pending });
      return { status: 'ready' };
    } catch (err) {
      request.log.warn({ err }, 'readiness check failed');
      return reply.status(503).send({ status: 'database unreachable' });
    }
  });
}

/**
 * Once `app.close()` starts, responses to in-flight requests carry `Connection: close`: Node closes idle keep-alive
 * sockets only when closing begins, so a client that keeps its socket after such a response would otherwise hold the
 * shutdown open until its keep-alive timeout.
 */
function closeConnectionsWhenClosing(app: FastifyInstance): void {
  let isClosing = false;
  app.addHook('preClose', async () => {
    isClosing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (isClosing) reply.header('connection', 'close');
    return payload;
  });
}
