import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { OutcomeError } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/index.ts';
import { advanceOffer } from './advance.ts';
import { AWAITING, FINAL, type Stage } from './domain/lifecycle.ts';
import { raiseFollowUp } from './follow-up.ts';
import { EXT, isReceived, OFFER_TOKEN, serviceRequestOf, stageOf } from './model.ts';

const PAGE = 200;

/** Whether this offer has already raised its stalled `stage` (each stage is raised once). */
const raised = (task: Task, stage: Stage) =>
  task.extension?.some((e) => e.url === EXT.stalled && e.valueCode === stage);

/**
 * The referral service-level sweep (issue #6: "each stage has a service level … a stalled referral raises a task on
 * the coordinator's worklist"), run by a job on one replica at a time. Offers past their stage's deadline:
 * - still waiting for the receiver's answer → expired, which sends the referral on to the next candidate;
 * - accepted, scheduled, seen or report received → a `referral-follow-up` task for the referrer (due the next
 *   business day), raised once per stage (recorded on the offer in the same transaction, with If-Match, so two
 *   replicas never raise it twice).
 * Referrals received from another server are the sender's to chase and are left alone.
 */
export async function sweepReferrals(
  store: Store,
  now: Temporal.Instant,
): Promise<{ expired: number; stalled: number }> {
  const counts = { expired: 0, stalled: 0 };
  for (let offset = 0; ; ) {
    const page = await store.search(
      'Task',
      new URLSearchParams({
        code: OFFER_TOKEN,
        status: 'requested,received,accepted,in-progress',
        due: `lt${now.toString()}`,
        _sort: 'due',
        _count: String(PAGE),
        _offset: String(offset),
      }),
    );
    for (const offer of page.matches as Task[]) {
      const stage = stageOf(offer);
      const srRef = serviceRequestOf(offer);
      // Whatever this run changes leaves the result set; everything else moves the offset on.
      if (!srRef || isReceived(offer) || FINAL.has(stage) || stage === 'draft' || raised(offer, stage)) {
        offset++;
        continue;
      }
      try {
        if (AWAITING.has(stage)) {
          await store.transaction((tx) =>
            advanceOffer(tx, offer.id as string, 'expired', 'system', { reason: 'No answer in time' }, { now }),
          );
          counts.expired++;
        } else {
          offset++;
          await raiseStalled(store, offer, stage, srRef, now);
          counts.stalled++;
        }
      } catch (e) {
        // Changed meanwhile (another replica, a user): the next run sees the new version and decides again.
        if (!(e instanceof OutcomeError && (e.status === 412 || e.status === 409))) throw e;
      }
    }
    if (page.matches.length < PAGE) return counts;
  }
}

async function raiseStalled(store: Store, offer: Task, stage: Stage, srRef: string, now: Temporal.Instant) {
  await store.transaction(async (tx) => {
    const sr = await tx.read<ServiceRequest>('ServiceRequest', srRef.slice('ServiceRequest/'.length));
    const since = offer.lastModified?.slice(0, 10) ?? 'a while';
    await raiseFollowUp(
      tx,
      sr,
      `Task/${offer.id}`,
      `Referral stalled: ${stage} since ${since}, past its service level. Follow up with the receiver.`,
      now,
    );
    await tx.update<Task>(
      { ...offer, extension: [...(offer.extension ?? []), { url: EXT.stalled, valueCode: stage }] },
      { ifMatch: offer.meta?.versionId },
    );
  });
}
