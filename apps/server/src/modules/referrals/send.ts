import type { CareTeam, Organization, PractitionerRole, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import type { StoreTx } from '../../platform/store/index.ts';
import {
  type Deadline,
  organizationClock,
  referralCloseDue,
  referralReportDue,
  referralServiceLevel,
  usFederalHolidays,
} from '../worklist/index.ts';
import type { Stage } from './domain/lifecycle.ts';
import { atStage, channelOf, EXT, OFFER_CODING } from './model.ts';

export type OfferDeps = Readonly<{ now: Temporal.Instant }>;

/** Jobs the offers hand work to (referrals/jobs.ts). */
export const TRANSMIT_JOB = 'referral-transmit';
export const OFFICE_EMAIL_JOB = 'referral-office-email';
export const PATIENT_MESSAGE_JOB = 'referral-patient-message';

const TASK_TYPE_SYSTEM = 'https://careloop.dev/fhir/CodeSystem/task-type';
const DEADLINE_RULE_URL = 'https://careloop.dev/fhir/StructureDefinition/deadline-rule';

/** The referring organization's clock (time zone, holidays) — the referrer's PractitionerRole's organization. */
export async function referrerClock(tx: StoreTx, sr: ServiceRequest) {
  const fallback = { timeZone: 'UTC', calendar: usFederalHolidays };
  const requester = sr.requester?.reference;
  if (!requester?.startsWith('Practitioner/')) return fallback;
  const roles = await tx.search('PractitionerRole', new URLSearchParams({ practitioner: requester, _count: '5' }));
  const orgRef = (roles.matches as PractitionerRole[]).find((r) => r.organization?.reference)?.organization?.reference;
  const org = orgRef ? await tx.read<Organization>('Organization', orgRef.slice(13)).catch(() => undefined) : undefined;
  return organizationClock(org, fallback);
}

/**
 * When the stage an offer has just reached should be over (issue #6: "each stage has a service level"): waiting for
 * the receiver's answer, and from acceptance to a booking, by the referral's urgency; from the visit (booked or seen)
 * to the report, and from the report to closing, CareLoop's levels. Undefined for final stages.
 */
export async function stageDeadline(
  tx: StoreTx,
  sr: ServiceRequest,
  stage: Stage,
  at: Temporal.Instant,
  visitAt?: Temporal.Instant,
): Promise<Deadline | undefined> {
  const clock = await referrerClock(tx, sr);
  const urgency = (sr.priority ?? 'routine') as 'routine' | 'urgent' | 'asap' | 'stat';
  if (stage === 'sent' || stage === 'received' || stage === 'accepted') return referralServiceLevel(at, urgency, clock);
  if (stage === 'seen') return referralReportDue(at, clock);
  // Booked: the report is due after the visit (a visit CareLoop cannot see is taken as happening now).
  if (stage === 'scheduled') return referralReportDue(visitAt ?? at, clock);
  if (stage === 'report-received') return referralCloseDue(at, clock);
  return undefined;
}

/** The offer at a new stage with that stage's deadline (or none) recorded on it. */
export function withDeadline(task: Task, deadline: Deadline | undefined): Task {
  const others = (task.extension ?? []).filter((e) => e.url !== DEADLINE_RULE_URL);
  const { restriction: _r, ...rest } = task;
  if (!deadline) return { ...rest, extension: others };
  return {
    ...rest,
    restriction: { period: { end: deadline.due.toString() } },
    extension: [
      ...others,
      {
        url: DEADLINE_RULE_URL,
        extension: [
          { url: 'rule', valueCode: deadline.rule },
          { url: 'source', valueString: deadline.source },
        ],
      },
    ],
  };
}

/**
 * A receiver inside CareLoop works the referral from their worklist: the offer is owned by the practitioner and
 * carries the `incoming-referral` task type; a CareTeam for the referral makes them part of the patient's care, which
 * is what lets them see the patient and the packet (issue #3's access rule).
 */
async function deliverInternally(tx: StoreTx, sr: ServiceRequest, offer: Task): Promise<Task> {
  const owner = offer.owner?.reference ?? '';
  let practitioner = owner.startsWith('Practitioner/') ? owner : undefined;
  if (owner.startsWith('PractitionerRole/')) {
    const role = await tx.read<PractitionerRole>('PractitionerRole', owner.slice('PractitionerRole/'.length));
    practitioner = role.practitioner?.reference;
  }
  if (!practitioner) return offer;
  await tx.create<CareTeam>({
    resourceType: 'CareTeam',
    status: 'active',
    name: 'Referral',
    subject: sr.subject,
    encounter: undefined,
    participant: [{ member: { reference: practitioner } }],
    note: [{ text: `Referral ServiceRequest/${sr.id}` }],
  } as CareTeam);
  return {
    ...offer,
    owner: { reference: practitioner },
    code: {
      coding: [
        { system: TASK_TYPE_SYSTEM, code: 'incoming-referral', display: 'Review incoming referral' },
        OFFER_CODING,
      ],
      text: 'Referral',
    },
    extension: [...(offer.extension ?? []), { url: EXT.receiver, valueReference: { reference: owner } }],
  };
}

/**
 * Sends one offer (issue #6): it becomes `sent` with its answer deadline, and goes out by its channel — onto the
 * receiver's worklist (internal), to their FHIR server (a job posts it), or as a link by e-mail (a job sends it). In
 * the caller's transaction.
 */
export async function sendOffer(tx: StoreTx, sr: ServiceRequest, offer: Task, deps: OfferDeps): Promise<Task> {
  const at = deps.now.toString();
  let next = atStage(offer, 'sent', at);
  if (channelOf(offer) === 'internal') next = await deliverInternally(tx, sr, next);
  next = withDeadline(next, await stageDeadline(tx, sr, 'sent', deps.now));
  const { resource } = await tx.update<Task>(next, { ifMatch: offer.meta?.versionId });
  if (channelOf(offer) === 'fhir') await tx.enqueue(TRANSMIT_JOB, { offer: resource.id });
  if (channelOf(offer) === 'email') await tx.enqueue(OFFICE_EMAIL_JOB, { offer: resource.id });
  return resource;
}
