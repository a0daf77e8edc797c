import type { Task } from '@medplum/fhirtypes';
import type { Db } from '../../platform/db/index.ts';
import type { OutboundKey } from '../../platform/fhir-client/index.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import { WITHDRAW_JOB } from './advance.ts';
import { FINAL } from './domain/lifecycle.ts';
import { PATIENT_EVENTS } from './domain/texts.ts';
import { type MessageDeps, sendOfficeEmail, sendPatientMessage } from './messages.ts';
import { OFFER_TOKEN, remoteTaskOf, stageOf } from './model.ts';
import { type RemoteDeps, syncOffer, transmitOffer, withdrawRemote } from './remote.ts';
import { OFFICE_EMAIL_JOB, PATIENT_MESSAGE_JOB, TRANSMIT_JOB } from './send.ts';
import { sweepReferrals } from './sla.ts';

const SYNC_JOB = 'referral-sync';
const SLA_JOB = 'referral-sla';

export type ReferralJobDeps = MessageDeps &
  Readonly<{
    db: Db;
    key: OutboundKey;
    /** How often offers at other servers are read back (REFERRAL_SYNC_MINUTES). */
    syncMinutes: number;
    /** How often service levels are checked (DEADLINE_CHECK_MINUTES). */
    slaMinutes: number;
  }>;

/** Brings every live offer at another FHIR server up to date; one that fails is logged (no PHI) and tried next run. */
async function syncRemoteOffers(deps: RemoteDeps & Pick<MessageDeps, 'log'>): Promise<number> {
  let synced = 0;
  for (let offset = 0; ; offset += 500) {
    const page = await deps.store.search(
      'Task',
      new URLSearchParams({
        code: OFFER_TOKEN,
        status: 'requested,received,accepted,in-progress',
        _count: '500',
        _offset: String(offset),
      }),
    );
    for (const offer of page.matches as Task[]) {
      if (!remoteTaskOf(offer) || FINAL.has(stageOf(offer))) continue;
      await syncOffer(deps, offer.id as string).then(
        () => synced++,
        (err: unknown) =>
          deps.log.warn({ job: SYNC_JOB, offer: offer.id, error: (err as Error).message }, 'referral sync failed'),
      );
    }
    if (page.matches.length < 500) return synced;
  }
}

const every = (jobs: Pick<JobQueue, 'enqueue'>, deps: ReferralJobDeps, name: string, minutes: number) =>
  jobs.enqueue(
    deps.db.kysely,
    name,
    {},
    { singletonKey: name, startAfter: new Date(deps.clock.now().epochMilliseconds + minutes * 60_000) },
  );

/**
 * Registers the referral jobs: posting offers to receivers' FHIR servers and withdrawing them there, e-mailing
 * offices their links, telling patients, and the two periodic sweeps — reading remote offers back, and the service
 * levels (time-outs move the referral on; stalled stages raise a follow-up).
 */
export async function registerReferralWorkers(
  jobs: Pick<JobQueue, 'work' | 'enqueue'>,
  deps: ReferralJobDeps,
): Promise<void> {
  const remote: RemoteDeps = {
    store: deps.store,
    key: deps.key,
    baseUrl: deps.baseUrl,
    now: () => deps.clock.now(),
  };
  await jobs.work(TRANSMIT_JOB, (data) => transmitOffer(remote, String(data.offer)));
  await jobs.work(WITHDRAW_JOB, (data) => withdrawRemote(remote, String(data.offer)));
  await jobs.work(OFFICE_EMAIL_JOB, (data) =>
    sendOfficeEmail(deps, { offer: String(data.offer), kind: data.kind === 'withdrawn' ? 'withdrawn' : 'new' }),
  );
  await jobs.work(PATIENT_MESSAGE_JOB, async (data) => {
    const event = PATIENT_EVENTS.find((e) => e === data.event);
    if (event) await sendPatientMessage(deps, { serviceRequest: String(data.serviceRequest), event });
  });
  await jobs.work(SYNC_JOB, async () => {
    await syncRemoteOffers({ ...remote, log: deps.log });
    await every(jobs, deps, SYNC_JOB, deps.syncMinutes);
  });
  await jobs.work(SLA_JOB, async () => {
    await sweepReferrals(deps.store, deps.clock.now());
    await every(jobs, deps, SLA_JOB, deps.slaMinutes);
  });
}

/** Makes sure one of each periodic sweep is waiting (singletons across replicas), once the queue has started. */
export async function scheduleReferralJobs(jobs: Pick<JobQueue, 'enqueue'>, deps: ReferralJobDeps): Promise<void> {
  await every(jobs, deps, SYNC_JOB, deps.syncMinutes);
  await every(jobs, deps, SLA_JOB, deps.slaMinutes);
}
