import { conflict } from '@careloop/fhir';
import type { Appointment, Reference, Resource, ServiceRequest, Task } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import { invalid, OutcomeError } from '../../platform/errors.ts';
import type { StoreTx } from '../../platform/store/index.ts';
import { AWAITING, FINAL, type Party, refusal, type Stage } from './domain/lifecycle.ts';
import { raiseFollowUp } from './follow-up.ts';
import { atStage, channelOf, OFFER_TOKEN, rankOf, serviceRequestOf, stageOf } from './model.ts';
import {
  OFFICE_EMAIL_JOB,
  type OfferDeps,
  PATIENT_MESSAGE_JOB,
  sendOffer,
  stageDeadline,
  withDeadline,
} from './send.ts';

/** Withdrawals to tell a remote receiver about (referrals/jobs.ts). */
export const WITHDRAW_JOB = 'referral-withdraw';

/** What a step may bring: a reason (decline, cancel), the booked Appointment, the consult report. */
export type StepDetails = Readonly<{
  reason?: string | undefined;
  appointment?: string | undefined;
  report?: string | undefined;
  /** The step happened on the receiver's server (synced): its outputs are linked as they come, or not at all. */
  remote?: boolean | undefined;
}>;

const REPORT_TYPES = /^(DiagnosticReport|DocumentReference)\/[A-Za-z0-9\-.]{1,64}$/;

/** The offers of a referral, in candidate order. */
export async function offersOf(tx: StoreTx, srRef: string): Promise<Task[]> {
  const page = await tx.search('Task', new URLSearchParams({ 'based-on': srRef, code: OFFER_TOKEN, _count: '100' }));
  return (page.matches as Task[]).sort((a, b) => rankOf(a) - rankOf(b));
}

/** Checks what a step brings and returns the outputs it adds to the offer (the appointment, the report). */
async function outputsOf(tx: StoreTx, offer: Task, to: Stage, d: StepDetails): Promise<Outputs> {
  if (d.remote) {
    const links = [
      ...(d.appointment ? [{ type: { text: 'appointment' }, valueReference: { reference: d.appointment } }] : []),
      ...(d.report ? [{ type: { text: 'report' }, valueReference: { reference: d.report } }] : []),
    ];
    return { output: links };
  }
  if ((to === 'declined' || to === 'cancelled') && !d.reason?.trim())
    throw invalid(`A reason is required to mark a referral ${to}`, 'reason');
  if (to === 'scheduled') {
    if (!d.appointment || !/^Appointment\/[A-Za-z0-9\-.]{1,64}$/.test(d.appointment))
      throw invalid('The booked appointment is required (Appointment/{id})', 'appointment');
    const a = await tx.read<Appointment>('Appointment', d.appointment.slice(12));
    if (!a.participant.some((p) => p.actor?.reference === offer.for?.reference))
      throw invalid('The appointment is not for the referred patient', 'appointment');
    return {
      output: [{ type: { text: 'appointment' }, valueReference: { reference: d.appointment } }],
      ...(a.start ? { visitAt: Temporal.Instant.from(a.start) } : {}),
    };
  }
  if (to === 'report-received') {
    if (!d.report || !REPORT_TYPES.test(d.report))
      throw invalid('The consult report is required (DiagnosticReport or DocumentReference)', 'report');
    const [type, id] = d.report.split('/') as [string, string];
    const report = await tx.read<Resource & { subject?: Reference }>(type, id);
    if (report.subject?.reference !== offer.for?.reference)
      throw invalid('The report is not about the referred patient', 'report');
    return { output: [{ type: { text: 'report' }, valueReference: { reference: d.report } }] };
  }
  return { output: [] };
}

type Outputs = Readonly<{ output: NonNullable<Task['output']>; visitAt?: Temporal.Instant }>;

/** A receiver outside CareLoop hears that an offer it had was withdrawn: its server is updated, or its office e-mailed. */
async function tellWithdrawn(tx: StoreTx, offer: Task): Promise<void> {
  if (channelOf(offer) === 'fhir') await tx.enqueue(WITHDRAW_JOB, { offer: offer.id });
  if (channelOf(offer) === 'email') await tx.enqueue(OFFICE_EMAIL_JOB, { offer: offer.id, kind: 'withdrawn' });
}

/** Writes an offer's next stage with its deadline, guarded by If-Match. */
async function move(
  tx: StoreTx,
  sr: ServiceRequest,
  offer: Task,
  to: Stage,
  now: Temporal.Instant,
  extra: Partial<Task> = {},
  reason?: string,
  visitAt?: Temporal.Instant,
) {
  const next = withDeadline(
    { ...atStage(offer, to, now.toString(), reason), ...extra },
    await stageDeadline(tx, sr, to, now, visitAt),
  );
  const { resource } = await tx.update<Task>(next, { ifMatch: offer.meta?.versionId });
  return resource;
}

/**
 * Moves one offer of a referral to its next stage (issue #6), checked against the lifecycle and who may make the
 * step, and keeps the referral as a whole consistent in the same transaction: the first acceptance wins and the other
 * offers still waiting are withdrawn; a decline or time-out with no offer left waiting sends the next candidate; a
 * cancellation ends every offer and revokes the referral; closing completes it. The patient hears of acceptance and
 * scheduling.
 */
export async function advanceOffer(
  tx: StoreTx,
  offerId: string,
  to: Stage,
  by: Party,
  details: StepDetails,
  deps: OfferDeps,
): Promise<Task> {
  const offer = await tx.read<Task>('Task', offerId);
  const srRef = serviceRequestOf(offer);
  if (!srRef) throw new OutcomeError(conflict('This Task is not a referral'), 409);
  const sr = await tx.read<ServiceRequest>('ServiceRequest', srRef.slice('ServiceRequest/'.length));
  const from = stageOf(offer);
  const why = refusal(from, to, by);
  if (why) throw new OutcomeError(conflict(why, 'Task.businessStatus'), 409);
  const { output, visitAt } = await outputsOf(tx, offer, to, details);
  const moved = await move(
    tx,
    sr,
    offer,
    to,
    deps.now,
    output.length ? { output: [...(offer.output ?? []), ...output] } : {},
    details.reason?.trim().slice(0, 500),
    visitAt,
  );
  if (to === 'withdrawn' || to === 'expired') await tellWithdrawn(tx, moved);
  const others = (await offersOf(tx, srRef)).filter((o) => o.id !== offer.id);
  if (to === 'accepted') {
    for (const o of others.filter((x) => AWAITING.has(stageOf(x)) || stageOf(x) === 'draft')) {
      const w = await move(tx, sr, o, 'withdrawn', deps.now, {}, 'Another receiver accepted the referral');
      if (stageOf(o) !== 'draft') await tellWithdrawn(tx, w);
    }
  }
  // An offer that ended without acceptance: the next candidate gets the referral unless another offer is still live.
  const live = (o: Task) => !FINAL.has(stageOf(o)) && stageOf(o) !== 'draft';
  if ((to === 'declined' || to === 'expired' || to === 'withdrawn') && !others.some(live)) {
    const next = others.find((o) => stageOf(o) === 'draft');
    if (next) await sendOffer(tx, sr, next, deps);
    // Nobody left to offer it to: the coordinator picks other receivers or cancels.
    else
      await raiseFollowUp(
        tx,
        sr,
        `ServiceRequest/${sr.id}`,
        `No receiver took the referral (the last offer was ${to}). Choose other receivers or cancel it.`,
        deps.now,
      );
  }
  if (to === 'cancelled') {
    for (const o of others.filter((x) => !FINAL.has(stageOf(x)))) {
      const c = await move(
        tx,
        sr,
        o,
        stageOf(o) === 'draft' ? 'cancelled' : 'withdrawn',
        deps.now,
        {},
        'The referral was cancelled',
      );
      if (stageOf(o) !== 'draft') await tellWithdrawn(tx, c);
    }
    await tx.update<ServiceRequest>({ ...sr, status: 'revoked' }, { ifMatch: sr.meta?.versionId });
  }
  if (to === 'closed') await tx.update<ServiceRequest>({ ...sr, status: 'completed' }, { ifMatch: sr.meta?.versionId });
  if (to === 'accepted' || to === 'scheduled')
    await tx.enqueue(PATIENT_MESSAGE_JOB, { serviceRequest: sr.id, event: to });
  return moved;
}
