import { randomUUID } from 'node:crypto';
import type {
  Bundle,
  BundleEntry,
  Endpoint,
  OperationOutcome,
  Patient,
  Reference,
  Resource,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { fhirClient, type OutboundKey, RemoteError } from '../../platform/fhir-client/index.ts';
import type { Store, StoreTx } from '../../platform/store/index.ts';
import { advanceOffer } from './advance.ts';
import { channelFor } from './create.ts';
import { isStage, pathTo, refusal, STAGE_SYSTEM, type Stage } from './domain/lifecycle.ts';
import { EXT, remoteTaskOf, SOURCE, serviceRequestOf, stageOf, stageTimes } from './model.ts';

/** Endpoint extensions saying how CareLoop is known at the remote server and to whom referrals go there. */
export const ENDPOINT_EXT = {
  clientId: 'https://careloop.dev/fhir/StructureDefinition/smart-client-id',
  remoteOwner: 'https://careloop.dev/fhir/StructureDefinition/remote-owner',
} as const;

/**
 * What CareLoop asks of a receiving server: to create the referral (a conditional create searches first; a write must
 * be readable by its writer) and read back its progress and the consult report; the Task is updated on withdrawal.
 */
export const REMOTE_SCOPES = [
  'Patient.crus',
  'ServiceRequest.crus',
  'Task.crus',
  'CareTeam.crs',
  'Condition.crs',
  'MedicationRequest.crs',
  'MedicationStatement.crs',
  'AllergyIntolerance.crs',
  'Observation.crs',
  'DiagnosticReport.crs',
  'DocumentReference.crs',
  'Coverage.crs',
].map((s) => `system/${s}`);
const SCOPES = REMOTE_SCOPES.join(' ');

export type RemoteDeps = Readonly<{ store: Store; key: OutboundKey; baseUrl: string; now: () => Temporal.Instant }>;

const ext = (r: { extension?: { url: string; valueString?: string }[] }, url: string) =>
  r.extension?.find((e) => e.url === url)?.valueString;

/** The receiver's endpoint and the client for it. */
async function remoteOf(deps: RemoteDeps, offer: Task) {
  const receiverRef = offer.owner?.reference ?? '';
  const [type, id] = receiverRef.split('/') as [string, string];
  const receiver = await deps.store.read<Resource>(type, id);
  const { endpoint } = await channelFor(deps.store, receiver);
  const clientId = endpoint ? ext(endpoint, ENDPOINT_EXT.clientId) : undefined;
  if (!endpoint || !clientId) throw new RemoteError('the receiver has no FHIR endpoint with a client id for CareLoop');
  const client = fhirClient(
    { baseUrl: endpoint.address, clientId, scopes: SCOPES },
    deps.key,
    () => deps.now().epochMilliseconds,
  );
  return { endpoint: endpoint as Endpoint, client };
}

/** A copy of one of our resources for the transaction: same content, our identity as an identifier, new links. */
function copy<T extends Resource>(r: T, links: Record<string, unknown>): T {
  const { id, meta: _m, ...rest } = r as T & { identifier?: unknown[] };
  return {
    ...rest,
    ...links,
    identifier: [
      ...((rest as { identifier?: unknown[] }).identifier ?? []),
      { system: SOURCE, value: `${r.resourceType}/${id}` },
    ],
  } as unknown as T;
}

const entry = (resource: Resource, url: string, ifNoneExist?: string): BundleEntry => ({
  fullUrl: url,
  resource,
  request: { method: 'POST', url: resource.resourceType, ...(ifNoneExist ? { ifNoneExist } : {}) },
});

/**
 * The referral as a transaction Bundle for the receiver's server: the patient (matched there by identifier, created
 * when new), the packet items and the ServiceRequest (each made once, keyed by CareLoop's id as an identifier, so a
 * retry creates nothing twice), a CareTeam that lets the receiving practitioner see the patient, and the Task owned
 * by the receiver there, on their worklist.
 */
async function referralBundle(tx: StoreTx, offer: Task, endpoint: Endpoint, ourBase: string): Promise<Bundle> {
  const sr = await tx.read<ServiceRequest>('ServiceRequest', (serviceRequestOf(offer) as string).slice(15));
  const patient = await tx.read<Patient>('Patient', (sr.subject.reference as string).slice(8));
  const patientUrl = `urn:uuid:${randomUUID()}`;
  const subject = { reference: patientUrl };
  const match = patient.identifier?.find((i) => i.system && i.value);
  const packet = await Promise.all(
    (sr.supportingInfo ?? []).map(async (ref: Reference) => {
      const [type, id] = (ref.reference as string).split('/') as [string, string];
      const r = await tx.read<Resource & { subject?: Reference; patient?: Reference; beneficiary?: Reference }>(
        type,
        id,
      );
      // The copy points at the patient there; a payer is named, not linked (it is not a resource of theirs).
      const links =
        'beneficiary' in r
          ? {
              beneficiary: subject,
              payor: ((r as { payor?: Reference[] }).payor ?? []).map((p) => ({ display: p.display ?? 'Payer' })),
            }
          : 'patient' in r && !('subject' in r)
            ? { patient: subject }
            : { subject };
      return { url: `urn:uuid:${randomUUID()}`, resource: copy(r, links), key: `${type}/${id}` };
    }),
  );
  const srUrl = `urn:uuid:${randomUUID()}`;
  const owner = ext(endpoint, ENDPOINT_EXT.remoteOwner) ?? '';
  const requester = { display: `CareLoop at ${ourBase}` };
  const srCopy = copy(sr, { subject, requester, supportingInfo: packet.map((p) => ({ reference: p.url })) });
  const taskCopy = copy(offer, {
    for: subject,
    basedOn: [{ reference: srUrl }],
    focus: { reference: srUrl },
    requester,
    owner: owner ? { reference: owner } : undefined,
    code: {
      coding: [{ system: 'https://careloop.dev/fhir/CodeSystem/task-type', code: 'incoming-referral' }],
      text: 'Referral',
    },
    extension: [],
  });
  const entries: BundleEntry[] = [
    entry(copy(patient, {}), patientUrl, match ? `identifier=${match.system}|${match.value}` : undefined),
    ...packet.map((p) => entry(p.resource, p.url, `identifier=${SOURCE}|${p.key}`)),
    entry(srCopy, srUrl, `identifier=${SOURCE}|ServiceRequest/${sr.id}`),
    ...(owner.startsWith('Practitioner/')
      ? [
          entry(
            {
              resourceType: 'CareTeam',
              status: 'active',
              name: 'Referral',
              subject,
              participant: [{ member: { reference: owner } }],
            } as Resource,
            `urn:uuid:${randomUUID()}`,
          ),
        ]
      : []),
    entry(taskCopy, `urn:uuid:${randomUUID()}`, `identifier=${SOURCE}|Task/${offer.id}`),
  ];
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}

/** What an OperationOutcome says went wrong, by issue code and location only (its text may quote patient data). */
function outcomeSummary(body: unknown): string {
  const issue = (body as OperationOutcome | undefined)?.issue?.[0];
  if (!issue) return '';
  return `: ${issue.code}${issue.expression?.length ? ` at ${issue.expression.join(', ').slice(0, 120)}` : ''}`;
}

/** Posts a sent offer to the receiver's FHIR server and records the Task there (the transmit job). */
export async function transmitOffer(deps: RemoteDeps, offerId: string): Promise<void> {
  const offer = await deps.store.read<Task>('Task', offerId);
  if (stageOf(offer) !== 'sent' || remoteTaskOf(offer)) return;
  const { endpoint, client } = await remoteOf(deps, offer);
  const bundle = await referralBundle(deps.store, offer, endpoint, deps.baseUrl);
  const res = await client.request('POST', '', bundle);
  const answer = res.body as Bundle | undefined;
  const taskLocation = answer?.entry?.at(-1)?.response?.location;
  if (res.status !== 200 || !taskLocation)
    throw new RemoteError(`the receiving server refused the referral (${res.status}${outcomeSummary(res.body)})`);
  const remote = `${endpoint.address.replace(/\/$/, '')}/${taskLocation.replace(/\/_history\/.*$/, '')}`;
  const current = await deps.store.read<Task>('Task', offerId);
  await deps.store.update<Task>(
    { ...current, extension: [...(current.extension ?? []), { url: EXT.remoteTask, valueUrl: remote }] },
    { ifMatch: current.meta?.versionId },
  );
}

/**
 * Reads the offer's Task on the receiver's server and brings its progress here (the sync job): each stage the
 * receiver reached that the lifecycle allows, with the decline reason; a consult report there is copied here so the
 * loop can close on this side. Returns the stage now recorded.
 */
export async function syncOffer(deps: RemoteDeps, offerId: string): Promise<string> {
  const offer = await deps.store.read<Task>('Task', offerId);
  const url = remoteTaskOf(offer);
  if (!url) return stageOf(offer);
  const { client } = await remoteOf(deps, offer);
  const res = await client.request('GET', url);
  if (res.status !== 200) throw new RemoteError(`the receiving server answered ${res.status} for the referral's Task`);
  const remote = res.body as Task;
  const stage = remote.businessStatus?.coding?.find((c) => c.system === STAGE_SYSTEM)?.code;
  // Every step the receiver made since the last read, in order (a poll may have missed some).
  const steps = isStage(stage) ? stepsSince(stageOf(offer), remote, stage) : undefined;
  if (!isStage(stage) || !steps?.length) return stageOf(offer);
  let report: string | undefined;
  if (stage === 'report-received') report = await copyReport(deps, client, remote, offer);
  const now = deps.now();
  await deps.store.transaction(async (tx) => {
    for (const step of steps) {
      const last = step === stage;
      const details = { reason: last ? remote.statusReason?.text : undefined, report: last ? report : undefined };
      await advanceOffer(tx, offerId, step, 'receiver', { ...details, remote: true }, { now });
    }
  });
  return stage;
}

/**
 * The stages the receiver went through from `from` to `to`: as its Task's history records them when it keeps one (a
 * CareLoop receiver does) and that is a run the lifecycle allows, else the shortest run the lifecycle allows.
 */
function stepsSince(from: Stage, remote: Task, to: Stage): Stage[] | undefined {
  const history = [...stageTimes(remote).keys()];
  const i = history.lastIndexOf(from);
  const recorded = i >= 0 ? history.slice(i + 1) : [];
  const allowed = recorded.every((s, k) => !refusal(k ? (recorded[k - 1] as Stage) : from, s, 'receiver'));
  return recorded.length && recorded.at(-1) === to && allowed ? recorded : pathTo(from, to, 'receiver');
}

/** The consult report the receiver linked, copied here (with where it came from) and linked to the offer. */
async function copyReport(deps: RemoteDeps, client: ReturnType<typeof fhirClient>, remote: Task, offer: Task) {
  const ref = remote.output?.find((o) => o.type.text === 'report')?.valueReference?.reference;
  if (!ref) return undefined;
  const res = await client.request('GET', ref);
  const doc = res.body as Resource & { subject?: Reference };
  if (res.status !== 200 || (doc.resourceType !== 'DocumentReference' && doc.resourceType !== 'DiagnosticReport'))
    return undefined;
  const { resource } = await deps.store.create(copy(doc, { subject: offer.for }));
  return `${resource.resourceType}/${resource.id}`;
}

/** Tells the receiver's server that the offer was withdrawn (another receiver accepted, or the referral ended). */
export async function withdrawRemote(deps: RemoteDeps, offerId: string): Promise<void> {
  const offer = await deps.store.read<Task>('Task', offerId);
  const url = remoteTaskOf(offer);
  if (!url) return;
  const { client } = await remoteOf(deps, offer);
  const res = await client.request('GET', url);
  if (res.status !== 200) return;
  const remote = res.body as Task;
  await client.request(
    'PUT',
    url,
    {
      ...remote,
      status: 'cancelled',
      businessStatus: { coding: [{ system: STAGE_SYSTEM, code: 'withdrawn' }], text: 'withdrawn' },
      statusReason: offer.statusReason,
    },
    { 'if-match': `W/"${remote.meta?.versionId}"` },
  );
}
