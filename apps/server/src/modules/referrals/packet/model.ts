import type {
  AllergyIntolerance,
  CodeableConcept,
  Condition,
  Coverage,
  DiagnosticReport,
  DocumentReference,
  MedicationRequest,
  MedicationStatement,
  Observation,
  Organization,
  Patient,
  Practitioner,
  PractitionerRole,
  ServiceRequest,
} from '@medplum/fhirtypes';
import {
  allergyEntry,
  conditionEntry,
  diagnosticReportEntry,
  documentEntry,
  medicationEntry,
  observationEntry,
  type PacketEntry,
  type PacketRow,
  rows,
} from './entries.ts';
import {
  conceptsText,
  conceptText,
  dateText,
  humanize,
  identifierLabel,
  identifierText,
  joined,
  notesText,
  periodText,
  preferredAddress,
  preferredName,
  statusText,
  telecomRows,
} from './format.ts';

export type { PacketEntry, PacketRow } from './entries.ts';

/**
 * What a referral sends to the receiving office (issue 6): the request, who asks and who is asked, and the records
 * the coordinator picked. The use-case that gathers it decides what goes in and in which order; rendering never
 * adds or drops a resource.
 */
export type ReferralPacket = {
  serviceRequest: ServiceRequest;
  patient: Patient;
  referrer?: Practitioner | PractitionerRole | undefined;
  referrerOrganization?: Organization;
  receiver?: { name: string };
  conditions: Condition[];
  medications: (MedicationRequest | MedicationStatement)[];
  allergies: AllergyIntolerance[];
  results: (Observation | DiagnosticReport)[];
  documents: DocumentReference[];
  coverage: Coverage[];
  /** The Organizations that Coverage.payor points at, so a payer prints by name. */
  payers?: Organization[];
};

/** A part of the packet, in the order both renderers print them. */
export type PacketSection = Readonly<{
  key: 'reason' | 'conditions' | 'medications' | 'allergies' | 'results' | 'documents' | 'coverage';
  title: string;
  entries: readonly PacketEntry[];
}>;

/** The letterhead and patient identification printed before the sections. */
export type PacketSummary = Readonly<{
  /** `Routine`, `Urgent`, `ASAP`, `STAT`. */
  priority: string | undefined;
  /** The specialty and service asked for, as one line. */
  request: string | undefined;
  /** Referring organization and clinician, each followed by its own phone, fax, email and address. */
  referrer: readonly PacketRow[];
  receiver: string | undefined;
  /** Title: the patient's name; rows: how to be sure it is the same person, and how to reach them. */
  patient: PacketEntry;
}>;

/** Printed under an empty section: the coordinator picked nothing, which is not the same as "the patient has none". */
export const NOTHING_INCLUDED = 'None included in this packet.';

/** The confidentiality notice both renderers carry (the PDF on every page). */
export const CONFIDENTIAL = 'Confidential: contains protected health information';

const PRIORITY: Readonly<Record<string, string>> = { routine: 'Routine', urgent: 'Urgent', asap: 'ASAP', stat: 'STAT' };

const INTERPRETER_REQUIRED = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';

/** A language concept's name; a bare BCP-47 code (`vi`) is named with the runtime's ICU data (`Vietnamese`). */
function languageText(language: CodeableConcept | undefined): string | undefined {
  const code = language?.coding?.find((c) => c.code)?.code;
  const named = language?.text ?? language?.coding?.find((c) => c.display)?.display;
  if (named || !code) return named;
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code; // not a well-formed tag: print it as sent
  }
}

function patientEntry(p: Patient): PacketEntry {
  const communication = p.communication ?? [];
  const language = (communication.find((c) => c.preferred) ?? communication[0])?.language;
  const interpreter = p.extension?.find((e) => e.url === INTERPRETER_REQUIRED)?.valueBoolean;
  return {
    title: preferredName(p.name) ?? 'Name not recorded',
    rows: rows(
      ['Birth date', dateText(p.birthDate)],
      ['Sex', humanize(p.gender)],
      (p.identifier ?? []).flatMap((id) => rows([identifierLabel(id), identifierText(id)])),
      telecomRows(p.telecom),
      ['Address', preferredAddress(p.address)],
      ['Preferred language', languageText(language)],
      ['Interpreter needed', interpreter === undefined ? undefined : interpreter ? 'Yes' : 'No'],
    ),
  };
}

function referrerRows(packet: ReferralPacket): PacketRow[] {
  const org = packet.referrerOrganization;
  const who = packet.referrer;
  const role = who?.resourceType === 'PractitionerRole' ? who : undefined;
  const clinician =
    who?.resourceType === 'Practitioner'
      ? preferredName(who.name)
      : joined([role?.practitioner?.display, role && conceptsText(role.specialty)], ', ');
  return rows(
    ['Referring organization', org?.name ?? role?.organization?.display],
    telecomRows(org?.telecom),
    ['Address', preferredAddress(org?.address)],
    ['Referring clinician', clinician ?? packet.serviceRequest.requester?.display],
    telecomRows(who?.telecom),
  );
}

/** The letterhead (who refers whom, how urgently, for what) and the patient's identification. */
export function packetSummary(packet: ReferralPacket): PacketSummary {
  const sr = packet.serviceRequest;
  return {
    priority: sr.priority ? PRIORITY[sr.priority] : undefined,
    request: joined([conceptText(sr.performerType), conceptText(sr.code)], ': '),
    referrer: referrerRows(packet),
    receiver:
      packet.receiver?.name ??
      joined(
        (sr.performer ?? []).map((p) => p.display),
        '; ',
      ),
    patient: patientEntry(packet.patient),
  };
}

/** The code of a contained resource (`#cystic-fibrosis`), which a request may carry instead of a display. */
function containedText(sr: ServiceRequest, reference: string | undefined): string | undefined {
  const id = reference?.startsWith('#') ? reference.slice(1) : undefined;
  const found = id ? sr.contained?.find((r) => r.id === id) : undefined;
  const isCoded =
    found?.resourceType === 'Condition' ||
    found?.resourceType === 'Observation' ||
    found?.resourceType === 'DiagnosticReport';
  return isCoded ? conceptText(found.code) : undefined;
}

/** The reason for referral, first in the packet: why, what is asked for, by when. */
function reasonEntry(sr: ServiceRequest): PacketEntry {
  const occurrence =
    dateText(sr.occurrenceDateTime) ??
    periodText(sr.occurrencePeriod) ??
    conceptText(sr.occurrenceTiming?.code) ??
    periodText(sr.occurrenceTiming?.repeat?.boundsPeriod) ??
    dateText(sr.occurrenceTiming?.event?.[0]);
  const reasons = [
    ...(sr.reasonCode ?? []).map(conceptText),
    ...(sr.reasonReference ?? []).map((r) => r.display ?? containedText(sr, r.reference)),
  ].flatMap((r) => (r?.trim() ? [{ label: 'Reason', value: r.trim() }] : []));
  return {
    title: conceptText(sr.code) ?? conceptText(sr.performerType) ?? 'Referral',
    rows: rows(
      reasons,
      notesText(sr.note).map((value) => ({ label: 'Note', value })),
      ['Priority', sr.priority ? PRIORITY[sr.priority] : undefined],
      ['Specialty', conceptText(sr.performerType)],
      ['Service', conceptText(sr.code)],
      ['Body site', conceptsText(sr.bodySite)],
      ['Requested for', occurrence],
      ['Ordered', dateText(sr.authoredOn)],
      ['Patient instructions', sr.patientInstruction],
    ),
  };
}

/** Displays of the coverage-class codes (http://terminology.hl7.org/CodeSystem/coverage-class), which often lack them. */
const COVERAGE_CLASS: Readonly<Record<string, string>> = {
  group: 'Group',
  subgroup: 'Subgroup',
  plan: 'Plan',
  subplan: 'Subplan',
  class: 'Class',
  subclass: 'Subclass',
  sequence: 'Sequence',
  rxbin: 'Rx BIN',
  rxpcn: 'Rx PCN',
  rxid: 'Rx ID',
  rxgroup: 'Rx group',
};

const ORDER = ['Primary', 'Secondary', 'Tertiary'];

/** The member id: subscriberId, else an identifier typed `MB` (member number), else the first identifier. */
function memberId(c: Coverage): string | undefined {
  const ids = c.identifier ?? [];
  const member = ids.find((i) => i.type?.coding?.some((x) => x.code === 'MB')) ?? ids.find((i) => i.value);
  return c.subscriberId ?? member?.value;
}

function coverageEntry(c: Coverage, payers: readonly Organization[]): PacketEntry {
  const payer = joined(
    (c.payor ?? []).map(
      (ref) =>
        payers.find((o) => o.id && ref.reference === `Organization/${o.id}`)?.name ??
        ref.display ??
        // The patient (or a relative) as payor is how R4 records self-pay (Coverage.payor).
        (/^(Patient|RelatedPerson)\//.test(ref.reference ?? '') ? 'Self-pay' : undefined),
    ),
    '; ',
  );
  const classes = (c.class ?? []).flatMap((k) => {
    const code = k.type.coding?.find((x) => x.code)?.code;
    const label =
      k.type.text ?? k.type.coding?.find((x) => x.display)?.display ?? COVERAGE_CLASS[code ?? ''] ?? humanize(code);
    return rows([label ?? 'Class', joined([k.value, k.name && `(${k.name})`], ' ')]);
  });
  return {
    title: payer ?? conceptText(c.type) ?? 'Coverage',
    rows: rows(
      ['Type', conceptText(c.type)],
      ['Member ID', memberId(c)],
      ['Relationship to subscriber', statusText(c.relationship)],
      ['Subscriber', c.subscriber?.display],
      classes,
      ['Order', c.order === undefined ? undefined : (ORDER[c.order - 1] ?? String(c.order))],
      ['Period', periodText(c.period)],
      ['Network', c.network],
      ['Status', c.status === 'active' ? undefined : humanize(c.status)],
    ),
  };
}

/**
 * The packet as sections of entries of label/value rows: one reading of the FHIR for the PDF and the HTML page, so
 * the two cannot disagree. Every section is present, even empty, so the receiver sees what was not sent.
 */
export function packetSections(packet: ReferralPacket): PacketSection[] {
  const result = (r: Observation | DiagnosticReport) =>
    r.resourceType === 'Observation' ? observationEntry(r) : diagnosticReportEntry(r);
  return [
    { key: 'reason', title: 'Reason for referral', entries: [reasonEntry(packet.serviceRequest)] },
    { key: 'conditions', title: 'Conditions', entries: packet.conditions.map(conditionEntry) },
    { key: 'medications', title: 'Medications', entries: packet.medications.map(medicationEntry) },
    { key: 'allergies', title: 'Allergies and intolerances', entries: packet.allergies.map(allergyEntry) },
    { key: 'results', title: 'Recent results', entries: packet.results.map(result) },
    { key: 'documents', title: 'Documents', entries: packet.documents.map(documentEntry) },
    {
      key: 'coverage',
      title: 'Coverage',
      entries: packet.coverage.map((c) => coverageEntry(c, packet.payers ?? [])),
    },
  ];
}
