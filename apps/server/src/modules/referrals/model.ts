import type { Extension, Reference, ServiceRequest, Task } from '@medplum/fhirtypes';
import { isStage, STAGE_SYSTEM, type Stage, TASK_STATUS } from './domain/lifecycle.ts';

/**
 * How a referral sits on FHIR (docs/referrals.md): the `ServiceRequest` (category "Patient referral", SNOMED CT
 * 3457005) is the referral — reason, urgency (priority), the specialty or service asked for (performerType/code),
 * notes, the packet (supportingInfo); each receiver it is offered to gets a `Task` (basedOn and focus: the
 * ServiceRequest; owner: the receiver) that tracks that offer through the stages of domain/lifecycle.ts.
 */
export const REFERRAL_CATEGORY = {
  system: 'http://snomed.info/sct',
  code: '3457005',
  display: 'Patient referral',
} as const;

/** Every offer Task carries this code (FHIR task-code `fulfill`); its token is how offers are searched. */
export const OFFER_CODING = { system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' } as const;
export const OFFER_TOKEN = `${OFFER_CODING.system}|${OFFER_CODING.code}`;

export const EXT = {
  /** On an offer Task: the order in which candidates are tried (1, 2, …), and whether offers go out together. */
  rank: 'https://careloop.dev/fhir/StructureDefinition/referral-candidate-rank',
  /** On an offer Task: how the receiver gets it — `internal`, `fhir` (their FHIR endpoint), `email` (a link). */
  channel: 'https://careloop.dev/fhir/StructureDefinition/referral-channel',
  /** On an offer Task sent to another FHIR server: the Task there (absolute URL), for status updates. */
  remoteTask: 'https://careloop.dev/fhir/StructureDefinition/referral-remote-task',
  /** On an offer Task: each stage reached and when (valueCode + valueDateTime), for the measures. */
  history: 'https://careloop.dev/fhir/StructureDefinition/referral-stage-history',
  /** On an offer Task delivered inside CareLoop: the receiver chosen (a PractitionerRole) when the owner is its practitioner. */
  receiver: 'https://careloop.dev/fhir/StructureDefinition/referral-receiver',
  /** On an offer Task: a stalled stage already raised to the referrer (valueCode: the stage). */
  stalled: 'https://careloop.dev/fhir/StructureDefinition/referral-stalled',
  /** On the ServiceRequest: `parallel` (offers go to every candidate at once) or `sequential`. */
  strategy: 'https://careloop.dev/fhir/StructureDefinition/referral-strategy',
  /** Plan-net: whether a practitioner or service accepts new patients (acceptingPatients: yes|no|existingptonly). */
  newPatients: 'http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/newpatients',
  network: 'http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/network-reference',
} as const;

/** The identifier system under which a referral sent to another server carries its id at the sender (remote.ts). */
export const SOURCE = 'urn:careloop:source';

/** Whether a ServiceRequest or Task came from another server (it carries the sender's id), i.e. we are the receiver. */
export const isReceived = (r: ServiceRequest | Task): boolean =>
  r.identifier?.some((i) => i.system === SOURCE) === true;

export type Channel = 'internal' | 'fhir' | 'email';

const ext = (t: { extension?: Extension[] | undefined }, url: string) => t.extension?.find((e) => e.url === url);

/** The stage an offer Task is at (businessStatus), `draft` for one that says nothing CareLoop knows. */
export function stageOf(task: Task): Stage {
  const code = task.businessStatus?.coding?.find((c) => c.system === STAGE_SYSTEM)?.code;
  return isStage(code) ? code : 'draft';
}

export const channelOf = (task: Task): Channel =>
  (ext(task, EXT.channel)?.valueCode as Channel | undefined) ?? 'internal';
export const rankOf = (task: Task): number => ext(task, EXT.rank)?.valueInteger ?? 1;
export const remoteTaskOf = (task: Task): string | undefined => ext(task, EXT.remoteTask)?.valueUrl;

/** When each stage was reached, from the Task's history extensions. */
export function stageTimes(task: Task): Map<Stage, string> {
  const out = new Map<Stage, string>();
  for (const e of task.extension ?? []) {
    if (e.url !== EXT.history) continue;
    const stage = e.extension?.find((x) => x.url === 'stage')?.valueCode;
    const at = e.extension?.find((x) => x.url === 'at')?.valueDateTime;
    if (isStage(stage) && at && !out.has(stage)) out.set(stage, at);
  }
  return out;
}

/** The offer Task moved to `stage` at `at`, its FHIR status with it, the stage recorded in its history. */
export function atStage(task: Task, stage: Stage, at: string, reason?: string): Task {
  return {
    ...task,
    status: TASK_STATUS[stage],
    businessStatus: { coding: [{ system: STAGE_SYSTEM, code: stage }], text: stage },
    ...(reason ? { statusReason: { text: reason } } : {}),
    lastModified: at,
    extension: [
      ...(task.extension ?? []),
      {
        url: EXT.history,
        extension: [
          { url: 'stage', valueCode: stage },
          { url: 'at', valueDateTime: at },
        ],
      },
    ],
  };
}

/** References of the offer: the ServiceRequest it is based on. */
export const serviceRequestOf = (task: Task): string | undefined =>
  task.basedOn?.find((r: Reference) => r.reference?.startsWith('ServiceRequest/'))?.reference;
