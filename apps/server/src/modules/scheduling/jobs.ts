import type { Appointment } from '@medplum/fhirtypes';
import type { Db } from '../../platform/db/index.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { type BookingDeps, bookAppointment, cancelAppointment } from './book.ts';
import { EXT } from './domain/fhir-mapping.ts';
import { enqueueMessages, MESSAGE_JOB, type MessageDeps, sendAppointmentMessage } from './messages.ts';
import { offerToWaitlist, WAITLIST_JOB } from './waitlist.ts';

const HOLDS_JOB = 'scheduling-lapsed-holds';

export type SchedulingJobDeps = MessageDeps &
  Readonly<{
    db: Db;
    booking: () => BookingDeps;
    /** How long a waitlist offer is held for the patient to confirm. */
    offerMinutes: number;
    /** How often lapsed holds are released (minutes). */
    everyMinutes: number;
  }>;

/**
 * Cancels holds whose time has lapsed (status pending, hold-expires passed), so their time shows free everywhere
 * and the waitlist is offered it; up to 200 a run.
 */
async function cancelLapsedHolds(store: Store, deps: { booking: () => BookingDeps }): Promise<number> {
  const booking = deps.booking();
  const page = await store.search('Appointment', new URLSearchParams({ status: 'pending', _count: '200' }));
  let count = 0;
  for (const a of page.matches as Appointment[]) {
    const until = a.extension?.find((e) => e.url === EXT.holdExpires)?.valueInstant;
    if (!until || Date.parse(until) > booking.now.epochMilliseconds) continue;
    await cancelAppointment(store, a.id as string, 'The hold lapsed', booking).then(
      () => count++,
      () => undefined,
    );
  }
  return count;
}

const nextRun = (jobs: Pick<JobQueue, 'enqueue'>, deps: SchedulingJobDeps) =>
  jobs.enqueue(
    deps.db.kysely,
    HOLDS_JOB,
    {},
    { singletonKey: HOLDS_JOB, startAfter: new Date(deps.clock.now().epochMilliseconds + deps.everyMinutes * 60_000) },
  );

/** Registers scheduling's job handlers: appointment messages, waitlist offers and the lapsed-holds sweep. */
export async function registerSchedulingWorkers(
  jobs: Pick<JobQueue, 'work' | 'enqueue'>,
  deps: SchedulingJobDeps,
): Promise<void> {
  await jobs.work(MESSAGE_JOB, (data) => sendAppointmentMessage(deps, data as never));
  await jobs.work(WAITLIST_JOB, async (data) => {
    const booking = deps.booking();
    await offerToWaitlist(deps.store, String(data.freed), booking.now, async (tx, proposal) => {
      const held = await bookAppointment(tx, proposal, { ...booking, holdMinutes: deps.offerMinutes }, { hold: true });
      await enqueueMessages(tx, held, 'offered', [], booking.now);
      return held;
    });
  });
  await jobs.work(HOLDS_JOB, async () => {
    await cancelLapsedHolds(deps.store, deps);
    await nextRun(jobs, deps);
  });
}

/** Makes sure one lapsed-holds sweep is waiting (a singleton across replicas), once the queue has started. */
export async function scheduleSchedulingJobs(jobs: Pick<JobQueue, 'enqueue'>, deps: SchedulingJobDeps): Promise<void> {
  await nextRun(jobs, deps);
}
