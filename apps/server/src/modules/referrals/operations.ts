import { conflict, notFound } from '@careloop/fhir';
import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { type Actor, requireStaff } from '../../platform/access/index.ts';
import { OutcomeError } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/index.ts';
import { advanceOffer, offersOf, type StepDetails } from './advance.ts';
import { createReferral, type ReferralInput } from './create.ts';
import { FINAL, type Party, type Stage } from './domain/lifecycle.ts';
import { isReceived, serviceRequestOf, stageOf } from './model.ts';

const CARE_STAFF = ['supervisor', 'care-coordinator', 'clinician'] as const;

/** The practitioner an actor is, when it is one (`Practitioner/…`). */
const practitionerOf = (actor: Actor) =>
  actor.kind === 'user' && actor.reference?.startsWith('Practitioner/') ? actor.reference : undefined;

/**
 * Which side of the referral the actor is on for this offer: on a referral received from another server every one
 * here is the receiver; otherwise the practitioner who owns the offer (the receiver chosen inside CareLoop) is, and
 * everyone else works for the referrer. Organization clients act for the referrer.
 */
function partyOf(actor: Actor, offer: Task): Party {
  if (isReceived(offer)) return 'receiver';
  const me = practitionerOf(actor);
  return me !== undefined && me === offer.owner?.reference ? 'receiver' : 'referrer';
}

/** Creates and sends a referral (issue #6) for staff; the referring practitioner is the caller when they are one. */
export function refer(
  store: Store,
  actor: Actor,
  input: Omit<ReferralInput, 'requester'>,
  now: Temporal.Instant,
): Promise<{ serviceRequest: ServiceRequest; offers: Task[] }> {
  requireStaff(actor, CARE_STAFF, 'care team staff');
  return createReferral(store, { ...input, requester: practitionerOf(actor) }, { now });
}

/** Moves one offer on, as the side the actor is on (409 when the lifecycle or that side does not allow the step). */
export function stepOffer(
  store: Store,
  actor: Actor,
  offerId: string,
  to: Stage,
  details: Omit<StepDetails, 'remote'>,
  now: Temporal.Instant,
): Promise<Task> {
  requireStaff(actor, CARE_STAFF, 'care team staff');
  return store.transaction(async (tx) => {
    const offer = await tx.read<Task>('Task', offerId);
    return advanceOffer(tx, offerId, to, partyOf(actor, offer), details, { now });
  });
}

/** Cancels a whole referral with a reason: every offer still open ends, the ServiceRequest is revoked. */
export function cancelReferral(
  store: Store,
  actor: Actor,
  serviceRequestId: string,
  reason: string,
  now: Temporal.Instant,
): Promise<ServiceRequest> {
  requireStaff(actor, CARE_STAFF, 'care team staff');
  return store.transaction(async (tx) => {
    const srRef = `ServiceRequest/${serviceRequestId}`;
    await tx.read('ServiceRequest', serviceRequestId);
    const open = (await offersOf(tx, srRef)).find((o) => !FINAL.has(stageOf(o)));
    if (!open || stageOf(open) === 'report-received')
      throw new OutcomeError(conflict('This referral can no longer be cancelled', 'ServiceRequest.status'), 409);
    await advanceOffer(tx, open.id as string, 'cancelled', 'referrer', { reason }, { now });
    return tx.read<ServiceRequest>('ServiceRequest', serviceRequestId);
  });
}

/** Staff only: the offer as the actor sees it, before it is read back from the receiving server. */
export async function readOfferForSync(store: Store, actor: Actor, offerId: string): Promise<Task> {
  requireStaff(actor, CARE_STAFF, 'care team staff');
  const offer = await store.read<Task>('Task', offerId);
  if (!serviceRequestOf(offer)) throw new OutcomeError(notFound('This Task is not a referral'), 404);
  return offer;
}
