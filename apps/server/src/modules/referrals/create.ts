import type {
  CodeableConcept,
  Endpoint,
  HealthcareService,
  Organization,
  PractitionerRole,
  Reference,
  Resource,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { invalid } from '../../platform/errors.ts';
import type { Store, StoreTx } from '../../platform/store/index.ts';
import type { Stage } from './domain/lifecycle.ts';
import { type Channel, EXT, OFFER_CODING, REFERRAL_CATEGORY } from './model.ts';
import { type OfferDeps, PATIENT_MESSAGE_JOB, sendOffer } from './send.ts';

export type Urgency = 'routine' | 'urgent' | 'asap' | 'stat';

/** What a coordinator fills in to refer a patient (docs/referrals.md). */
export type ReferralInput = Readonly<{
  patient: string;
  reason: string;
  urgency: Urgency;
  /** The specialty or service asked for (e.g. SNOMED CT or NUCC taxonomy). */
  specialty: CodeableConcept;
  note?: string | undefined;
  /** What goes in the packet: references to the patient's Conditions, medications, allergies, results, documents. */
  packet: readonly string[];
  /** Receivers (PractitionerRole, HealthcareService or Organization), most preferred first. */
  candidates: readonly string[];
  /** `parallel`: offered to every candidate at once, the first to accept wins; `sequential`: one after another. */
  strategy: 'parallel' | 'sequential';
  /** The referring practitioner (`Practitioner/…`), when the caller is one. */
  requester?: string | undefined;
}>;

const PACKET_TYPES = new Set([
  'Condition',
  'MedicationRequest',
  'MedicationStatement',
  'AllergyIntolerance',
  'Observation',
  'DiagnosticReport',
  'DocumentReference',
]);
const RECEIVER_TYPES = new Set(['PractitionerRole', 'HealthcareService', 'Organization']);
const FHIR_REST = 'hl7-fhir-rest';
const SECURE_EMAIL = 'secure-email';

const split = (ref: string, allowed: ReadonlySet<string>, field: string): [string, string] => {
  const m = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(ref);
  if (!m || !allowed.has(m[1] as string))
    throw invalid(`${ref.slice(0, 60)} is not one of ${[...allowed].join(', ')}`, field);
  return [m[1] as string, m[2] as string];
};

/** Every packet item must be the patient's own: a referral never carries another patient's data. */
async function checkPacket(tx: StoreTx, patient: string, packet: readonly string[]): Promise<Reference[]> {
  const out: Reference[] = [];
  for (const [i, ref] of packet.entries()) {
    const [type, id] = split(ref, PACKET_TYPES, `packet[${i}]`);
    const r = await tx.read<Resource & { subject?: Reference; patient?: Reference }>(type, id).catch(() => undefined);
    const owner = r?.subject?.reference ?? r?.patient?.reference;
    if (!r || owner !== `Patient/${patient}`) throw invalid(`${ref} is not a record of this patient`, `packet[${i}]`);
    out.push({ reference: ref });
  }
  return out;
}

/** The endpoints that say how a receiver takes referrals: its own, else its organization's. */
async function endpointsOf(tx: StoreTx, receiver: Resource): Promise<Endpoint[]> {
  const refs = (receiver as { endpoint?: Reference[] }).endpoint ?? [];
  const orgRef =
    receiver.resourceType === 'PractitionerRole'
      ? (receiver as PractitionerRole).organization?.reference
      : receiver.resourceType === 'HealthcareService'
        ? (receiver as HealthcareService).providedBy?.reference
        : undefined;
  const own = await Promise.all(
    refs.flatMap((r) =>
      r.reference?.startsWith('Endpoint/') ? [tx.read<Endpoint>('Endpoint', r.reference.slice(9))] : [],
    ),
  );
  if (own.length || !orgRef) return own.filter((e) => e.status === 'active');
  const org = await tx.read<Organization>('Organization', orgRef.slice('Organization/'.length)).catch(() => undefined);
  return org ? endpointsOf(tx, org) : [];
}

/** How a receiver gets a referral: its FHIR server, a link by e-mail, or (neither) CareLoop itself (its worklist). */
export async function channelFor(tx: StoreTx, receiver: Resource): Promise<{ channel: Channel; endpoint?: Endpoint }> {
  const endpoints = await endpointsOf(tx, receiver);
  const fhir = endpoints.find((e) => e.connectionType.code === FHIR_REST);
  if (fhir) return { channel: 'fhir', endpoint: fhir };
  const email = endpoints.find((e) => e.connectionType.code === SECURE_EMAIL);
  if (email) return { channel: 'email', endpoint: email };
  return { channel: 'internal' };
}

/** The offer Task of one candidate, not yet sent. */
function offerTask(sr: ServiceRequest, receiver: string, rank: number, channel: Channel, at: string): Task {
  return {
    resourceType: 'Task',
    status: 'draft' satisfies Task['status'],
    businessStatus: {
      coding: [{ system: 'https://careloop.dev/fhir/CodeSystem/referral-stage', code: 'draft' satisfies Stage }],
      text: 'draft',
    },
    intent: 'order',
    priority: sr.priority,
    code: { coding: [OFFER_CODING], text: 'Referral' },
    basedOn: [{ reference: `ServiceRequest/${sr.id}` }],
    focus: { reference: `ServiceRequest/${sr.id}` },
    for: sr.subject,
    authoredOn: at,
    lastModified: at,
    ...(sr.requester ? { requester: sr.requester } : {}),
    owner: { reference: receiver },
    extension: [
      { url: EXT.rank, valueInteger: rank },
      { url: EXT.channel, valueCode: channel },
    ],
  };
}

/**
 * Creates a referral (issue #6) and sends it: the ServiceRequest with its packet (the items the coordinator picked,
 * each checked to be the patient's, plus the patient's active coverage), one offer Task per candidate in order, and
 * then the first offer — or, in parallel, every offer — on its way. All in one transaction.
 */
export async function createReferral(
  store: Store,
  input: ReferralInput,
  deps: OfferDeps & { now: Temporal.Instant },
): Promise<{ serviceRequest: ServiceRequest; offers: Task[] }> {
  if (input.candidates.length === 0) throw invalid('At least one receiver is required', 'receiver');
  if (input.candidates.length > 10) throw invalid('At most 10 receivers', 'receiver');
  return store.transaction(async (tx) => {
    await tx.read('Patient', input.patient);
    const packet = await checkPacket(tx, input.patient, input.packet);
    const coverage = await tx.search(
      'Coverage',
      new URLSearchParams({ beneficiary: `Patient/${input.patient}`, status: 'active' }),
    );
    const receivers = await Promise.all(
      input.candidates.map(async (ref, i) => {
        const [type, id] = split(ref, RECEIVER_TYPES, `receiver[${i}]`);
        const r = await tx.read<Resource>(type, id).catch(() => undefined);
        if (!r) throw invalid(`Receiver ${ref} does not exist`, `receiver[${i}]`);
        return { ref, resource: r, ...(await channelFor(tx, r)) };
      }),
    );
    const at = deps.now.toString();
    const { resource: sr } = await tx.create<ServiceRequest>({
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'order',
      category: [{ coding: [REFERRAL_CATEGORY] }],
      priority: input.urgency,
      code: input.specialty,
      performerType: input.specialty,
      subject: { reference: `Patient/${input.patient}` },
      authoredOn: at,
      ...(input.requester ? { requester: { reference: input.requester } } : {}),
      reasonCode: [{ text: input.reason }],
      supportingInfo: [...packet, ...coverage.matches.map((c) => ({ reference: `Coverage/${c.id}` }))],
      ...(input.note ? { note: [{ text: input.note }] } : {}),
      extension: [{ url: EXT.strategy, valueCode: input.strategy }],
    });
    const offers: Task[] = [];
    for (const [i, r] of receivers.entries()) {
      const { resource } = await tx.create<Task>(offerTask(sr, r.ref, i + 1, r.channel, at));
      offers.push(resource);
    }
    const first = input.strategy === 'parallel' ? offers : offers.slice(0, 1);
    const sent = [];
    for (const o of first) sent.push(await sendOffer(tx, sr, o, deps));
    // The patient hears once that the referral went out, however many receivers it goes to (or is rerouted to).
    await tx.enqueue(PATIENT_MESSAGE_JOB, { serviceRequest: sr.id, event: 'sent' });
    return { serviceRequest: sr, offers: [...sent, ...offers.slice(first.length)] };
  });
}
