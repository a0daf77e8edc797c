import compress from '@fastify/compress';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { fhirRoutes } from './fhir-api/index.ts';
import type { Clock } from './platform/clock.ts';
import type { Db } from './platform/db/index.ts';
import { registerErrorHandling, registerFhirContentTypes } from './platform/http/fhir-errors.ts';
import { loggerOptions } from './platform/http/logging.ts';
import { registerOps } from './platform/http/ops.ts';
import type { JobQueue } from './platform/jobs/index.ts';
import type { Store } from './platform/store/index.ts';

/** `jobs` is absent when this process runs no job queue (JOBS_ENABLED=false): features that need one are not served. */
export type AppDeps = Readonly<{ config: Config; db: Db; store: Store; clock: Clock; jobs?: JobQueue | undefined }>;

/** Builds the HTTP application without listening (tests use `inject`, main.ts listens). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps.config.logLevel),
    bodyLimit: deps.config.bodyLimitBytes,
    // Request ids for log correlation; generated here, never taken from the client.
    genReqId: () => crypto.randomUUID(),
    return503OnClosing: true,
  });
  registerErrorHandling(app);
  registerFhirContentTypes(app);
  await app.register(compress, { global: true, threshold: 1024 });
  await registerOps(app, { db: deps.db });
  const { db, store, clock, jobs, config } = deps;
  await app.register(fhirRoutes, {
    prefix: '/fhir/R4',
    store,
    baseUrl: config.baseUrl,
    ...(jobs ? { bulkExport: { db, store, clock, jobs, exportDir: config.exportDir, baseUrl: config.baseUrl } } : {}),
  });
  return app;
}
