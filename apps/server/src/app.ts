import compress from '@fastify/compress';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { fhirRoutes } from './fhir-api/index.ts';
import { adminRoutes } from './modules/admin/index.ts';
import { caseloadRoutes } from './modules/caseload/index.ts';
import { officeLinkRoutes, referralRoutes } from './modules/referrals/index.ts';
import {
  appointmentLinkRoutes,
  calendarFeedRoutes,
  parseReminderSchedule,
  schedulingRoutes,
  videoLink,
} from './modules/scheduling/index.ts';
import { worklistEventRoutes, worklistRoutes } from './modules/worklist/index.ts';
import type { Clock } from './platform/clock.ts';
import type { Db } from './platform/db/index.ts';
import type { OutboundKey } from './platform/fhir-client/index.ts';
import { authRoutes, registerAuthContext, smartRoutes } from './platform/http/auth/index.ts';
import { registerErrorHandling, registerFhirContentTypes } from './platform/http/fhir-errors.ts';
import { loggerOptions } from './platform/http/logging.ts';
import { registerOps } from './platform/http/ops.ts';
import { registerWorkbench } from './platform/http/workbench.ts';
import type { JobQueue } from './platform/jobs/index.ts';
import { linkKeyOf } from './platform/links/index.ts';
import type { Store } from './platform/store/index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The routes this app serves (method, URL pattern). */
    routeTable(): readonly { method: string; url: string }[];
  }
}

/** `jobs` is absent when this process runs no job queue (JOBS_ENABLED=false): features that need one are not served. */
export type AppDeps = Readonly<{
  config: Config;
  db: Db;
  store: Store;
  clock: Clock;
  jobs?: JobQueue | undefined;
  /** The key sealing TOTP secrets at rest (MFA_SECRET_KEY, or the key file of the embedded database). */
  mfaKey: Buffer;
  /** CareLoop's key towards other FHIR servers (OUTBOUND_PRIVATE_JWK, or its key file); its public half is served. */
  outboundKey: OutboundKey;
}>;

/** Builds the HTTP application without listening (tests use `inject`, main.ts listens). */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(deps.config.logLevel),
    bodyLimit: deps.config.bodyLimitBytes,
    // Request ids for log correlation; generated here, never taken from the client.
    genReqId: () => crypto.randomUUID(),
    return503OnClosing: true,
  });
  // Every route as registered (method and URL pattern): the access-matrix test checks each one has an entry.
  const routes: { method: string; url: string }[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url });
  });
  app.decorate('routeTable', () => [...routes]);
  registerErrorHandling(app);
  registerFhirContentTypes(app);
  await app.register(compress, { global: true, threshold: 1024 });
  await registerOps(app, { db: deps.db });
  const { db, store, clock, jobs, config } = deps;
  const limits = { idleSeconds: config.sessionIdleMinutes * 60, maxSeconds: config.sessionMaxHours * 3600 };
  await registerAuthContext(app, { db, store, clock, limits });
  await app.register(authRoutes, {
    prefix: '/auth',
    db,
    clock,
    mfaKey: deps.mfaKey,
    limits,
    lockout: { maxFailures: config.loginMaxFailures, windowSeconds: 3600 },
    secureCookies: config.baseUrl.startsWith('https:'),
    jobs,
  });
  await app.register(smartRoutes, { db, clock, baseUrl: config.baseUrl });
  // The public key other FHIR servers register for this CareLoop (SMART Backend Services, referrals sent to them).
  app.get('/.well-known/jwks.json', async () => ({ keys: [deps.outboundKey.publicJwk] }));
  await app.register(adminRoutes, { prefix: '/admin', db, clock, breakGlassMinutes: config.breakGlassMinutes });
  await app.register(worklistRoutes, { prefix: '/fhir/R4', clock, db });
  await app.register(caseloadRoutes, { prefix: '/fhir/R4', clock });
  await app.register(schedulingRoutes, {
    prefix: '/fhir/R4',
    clock,
    holdMinutes: config.holdMinutes,
    joinUrl: () => videoLink(config.telehealthUrlTemplate),
    reminders: parseReminderSchedule(config.reminderSchedule),
  });
  const linkKey = linkKeyOf(config);
  const booking = () => ({
    now: clock.now(),
    holdMinutes: config.holdMinutes,
    joinUrl: () => videoLink(config.telehealthUrlTemplate),
    reminders: parseReminderSchedule(config.reminderSchedule),
  });
  await app.register(appointmentLinkRoutes, { db, store, clock, linkKey, booking });
  await app.register(calendarFeedRoutes, { db, store, clock, linkKey, baseUrl: config.baseUrl });
  if (jobs) {
    // Referrals hand their deliveries to jobs: an enqueue-less replica (no queue at all) does not serve them.
    await app.register(referralRoutes, {
      prefix: '/fhir/R4',
      clock,
      key: deps.outboundKey,
      baseUrl: config.baseUrl,
      store,
    });
    await app.register(officeLinkRoutes, { db, store, clock, linkKey });
  }
  await app.register(worklistEventRoutes, { prefix: '/worklist', db, clock, limits });
  await app.register(fhirRoutes, {
    prefix: '/fhir/R4',
    baseUrl: config.baseUrl,
    ...(jobs ? { bulkExport: { db, store, clock, jobs, exportDir: config.exportDir, baseUrl: config.baseUrl } } : {}),
  });
  await registerWorkbench(app, config.webDir);
  return app;
}
