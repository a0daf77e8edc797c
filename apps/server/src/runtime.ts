import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { registerBulkExportWorker } from './fhir-api/bulk-export/index.ts';
import { type MllpServer, startHl7v2Listener } from './modules/hl7v2/index.ts';
import { registerReferralWorkers, scheduleReferralJobs } from './modules/referrals/index.ts';
import {
  parseReminderSchedule,
  registerSchedulingWorkers,
  scheduleSchedulingJobs,
  videoLink,
} from './modules/scheduling/index.ts';
import { registerDeadlineAlertWorker, scheduleDeadlineAlerts } from './modules/worklist/index.ts';
import type { Clock } from './platform/clock.ts';
import type { Db } from './platform/db/index.ts';
import { outboundKeyOf } from './platform/fhir-client/index.ts';
import {
  parseSecretKey,
  registerPasswordResetWorker,
  registerPruneWorker,
  schedulePruning,
} from './platform/identity/index.ts';
import { createJobQueue, type JobQueue } from './platform/jobs/index.ts';
import { linkKeyOf } from './platform/links/index.ts';
import { createMailer } from './platform/mail/index.ts';
import { createSmsSender } from './platform/sms/index.ts';
import { createStore, loadDefinitions, type Store } from './platform/store/index.ts';

export type Runtime = Readonly<{
  app: FastifyInstance;
  store: Store;
  jobs: JobQueue | undefined;
  /** The HL7 v2 listener, when MLLP_PORT is set. */
  mllp: MllpServer | undefined;
  stop(): Promise<void>;
}>;

/**
 * Wires one server replica over an open, migrated database: job queue → store (enqueueing into it) → HTTP app →
 * job handlers → queue start → HL7 v2 listener (when MLLP_PORT is set). Shared by `careloop start` and the test
 * harness so both run the same composition; `queue: false` (tests that need no jobs) leaves the queue out, and with it
 * the features that need one ($export).
 */
export async function createRuntime(
  config: Config,
  db: Db,
  clock: Clock,
  options: { queue?: boolean } = {},
): Promise<Runtime> {
  loadDefinitions();
  // The queue logs through the app's logger (same redaction), which exists only once the app is built.
  let app: FastifyInstance | undefined;
  const log = {
    warn: (o: object, m: string) => app?.log.warn(o, m),
    error: (o: object, m: string) => app?.log.error(o, m),
  };
  const jobs = (options.queue ?? true) ? createJobQueue(db, { log }) : undefined;
  const mailer = createMailer(config.smtpUrl, config.mailFrom);
  const store = createStore({
    db,
    clock,
    ...(jobs ? { enqueue: (exec, name, data, options) => jobs.enqueue(exec, name, data, options) } : {}),
  });
  const outboundKey = await outboundKeyOf(config);
  app = await buildApp({ config, db, store, clock, jobs, mfaKey: mfaKeyOf(config), outboundKey });
  const deadlines = {
    db,
    store,
    clock,
    everyMinutes: config.deadlineCheckMinutes,
    approachingHours: config.deadlineWarningHours,
  };
  const reminders = parseReminderSchedule(config.reminderSchedule);
  const scheduling = {
    db,
    store,
    clock,
    mailer,
    sms: createSmsSender(config.smsUrl, db),
    linkKey: linkKeyOf(config),
    baseUrl: config.baseUrl,
    mailFrom: /<([^>]+)>/.exec(config.mailFrom)?.[1] ?? config.mailFrom,
    log,
    offerMinutes: config.waitlistOfferMinutes,
    everyMinutes: 1,
    booking: () => ({
      now: clock.now(),
      holdMinutes: config.holdMinutes,
      joinUrl: () => videoLink(config.telehealthUrlTemplate),
      reminders,
    }),
  };
  const referrals = {
    ...scheduling,
    key: outboundKey,
    linkDays: config.referralLinkDays,
    syncMinutes: config.referralSyncMinutes,
    slaMinutes: config.deadlineCheckMinutes,
  };
  if (jobs) {
    // Every working replica registers every handler before starting; a job enqueued by any replica runs once in one
    // of them. JOBS_ENABLED=false makes an enqueue-only replica; PGlite serves one process, which must do the work.
    if (config.jobsEnabled || db.engine === 'pglite') {
      await registerBulkExportWorker(jobs, { db, store, clock, exportDir: config.exportDir });
      await registerPasswordResetWorker(jobs, {
        db,
        clock,
        mailer,
        baseUrl: config.baseUrl,
        minutes: config.passwordResetMinutes,
      });
      await registerPruneWorker(jobs, db, clock);
      await registerDeadlineAlertWorker(jobs, deadlines);
      await registerSchedulingWorkers(jobs, scheduling);
      await registerReferralWorkers(jobs, referrals);
    }
    await jobs.start();
    if (config.jobsEnabled || db.engine === 'pglite') {
      await schedulePruning(jobs, db, clock);
      await scheduleDeadlineAlerts(jobs, deadlines);
      await scheduleSchedulingJobs(jobs, scheduling);
      await scheduleReferralJobs(jobs, referrals);
    }
  }
  // Every replica may listen: SIU writes are idempotent per message and per appointment (docs/hl7v2.md).
  const mllp = config.mllpPort
    ? await startHl7v2Listener({
        store,
        clock,
        log: app.log,
        port: config.mllpPort,
        host: config.mllpHost ?? config.host,
      })
    : undefined;
  return {
    app,
    store,
    jobs,
    mllp,
    async stop() {
      // Stop taking HL7 v2 messages first and let received ones be stored and acknowledged.
      await mllp?.stop();
      await app.close();
      await jobs?.stop();
      mailer.close();
    },
  };
}

/**
 * The key sealing TOTP secrets: MFA_SECRET_KEY when set (required when several replicas share a database), otherwise
 * a random key created once beside the embedded database's data directory (readable by the owner only).
 */
function mfaKeyOf(config: Config): Buffer {
  if (config.mfaSecretKey) return parseSecretKey(config.mfaSecretKey);
  const file = join(dirname(config.dataDir), 'mfa-secret.key');
  try {
    return parseSecretKey(readFileSync(file, 'utf8').trim());
  } catch {
    mkdirSync(dirname(file), { recursive: true });
    const key = randomBytes(32).toString('base64');
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return parseSecretKey(key);
  }
}
