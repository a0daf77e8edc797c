import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/index.ts';

/** Label value for requests that matched no route: raw paths would carry ids and blow up label cardinality. */
const unmatched = 'unmatched';

// Seconds; FHIR reads answer in milliseconds, large transactions and $export kick-offs in seconds.
const durationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The route pattern (`/fhir/R4/:type/:id`), never the URL: ids and query values are PHI-adjacent and unbounded.
 * Fastify sets `routeOptions.url` only for matched routes; the not-found handler has none.
 */
function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? unmatched;
}

/** Node process metrics, and the PostgreSQL pool's connection counts when the database is PostgreSQL. */
function registerRuntimeMetrics(registry: Registry, db: Db): void {
  collectDefaultMetrics({ register: registry });
  const pool = db.pool;
  if (pool) {
    new Gauge({
      name: 'careloop_db_pool_connections',
      help: 'PostgreSQL pool connections by state (total, idle, waiting = queued requests for a connection)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }
}

/**
 * Serves `GET /metrics` in the Prometheus text format from a registry owned by this app instance (never prom-client's
 * global one, so tests can build several apps in one process): HTTP request count and duration by method, route
 * pattern and status (hooks on the root instance, so they cover routes registered later), process metrics, and the
 * database pool on PostgreSQL.
 */
export function registerMetrics(app: FastifyInstance, deps: Readonly<{ db: Db }>): void {
  const registry = new Registry();
  registerRuntimeMetrics(registry, deps.db);
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route pattern and status code',
    labelNames,
    buckets: durationBuckets,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: routeLabel(request), status_code: String(reply.statusCode) };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}
