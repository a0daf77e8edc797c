import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import type { StoreTx } from '../../platform/store/index.ts';
import { referralStalledFollowUp, usFederalHolidays, worklistTask } from '../worklist/index.ts';
import { referrerClock } from './send.ts';

/**
 * A `referral-follow-up` task on the referring coordinator's worklist (the requester when a practitioner, else the
 * patient's team queue), due the next business day in the referrer's organization, focused on what needs the work.
 */
export async function raiseFollowUp(
  tx: StoreTx,
  sr: ServiceRequest,
  focus: string,
  description: string,
  now: Temporal.Instant,
): Promise<void> {
  const clock = await referrerClock(tx, sr).catch(() => ({ timeZone: 'UTC', calendar: usFederalHolidays }));
  const task = worklistTask({
    type: 'referral-follow-up',
    patient: sr.subject.reference as string,
    authoredOn: now,
    deadline: referralStalledFollowUp(now, clock),
    priority: 'urgent',
    owner: sr.requester?.reference?.startsWith('Practitioner/') ? sr.requester.reference : undefined,
    description,
  });
  await tx.create<Task>({ ...task, focus: { reference: focus } });
}
