import type { Hl7Message, Hl7Segment } from '@medplum/core';
import type { Appointment, CodeableConcept, Identifier } from '@medplum/fhirtypes';
import { V2Error } from '../ack.ts';
import { addMinutes, compareInstants, durationMinutes, v2Instant } from '../timestamp.ts';
import {
  authoritySystem,
  codeableConcept,
  comp,
  type FieldAt,
  fieldName,
  identifier,
  segments,
  senderSystem,
} from '../v2.ts';
import {
  type Party,
  type PatientInfo,
  readDevices,
  readLocations,
  readPatients,
  readPractitioners,
} from './parties.ts';

/** The SIU trigger events CareLoop mirrors (HL7 v2.8 §10.4): new, rescheduled, modified, cancelled appointment. */
export type SiuEvent = 'S12' | 'S13' | 'S14' | 'S15';

/** Everything a SIU message says about one appointment, read and checked; no store access yet. */
export type SiuBooking = Readonly<{
  event: SiuEvent;
  /** The systems root for the sending application and facility (v2.ts senderSystem). */
  sender: string;
  controlId: string;
  /** MSH-7 as an instant, when it has an offset (used to skip messages older than the last one applied). */
  sent: string | undefined;
  /** SCH-1 (placer) and SCH-2 (filler) appointment ids. */
  identifiers: Identifier[];
  /** From SCH-25 or the event; undefined: keep the mirrored status (S13/S14 without SCH-25). */
  status: Appointment['status'] | undefined;
  start?: string | undefined;
  end?: string | undefined;
  serviceType: CodeableConcept[];
  appointmentType: CodeableConcept | undefined;
  cancelationReason: CodeableConcept | undefined;
  patients: PatientInfo[];
  practitioners: Party[];
  locations: Party[];
  devices: Party[];
}>;

/** SCH-25 filler status codes (HL7 table 0278) and the Appointment.status each becomes. */
const fillerStatus: Record<string, Appointment['status']> = {
  BOOKED: 'booked',
  OVERBOOK: 'booked',
  PENDING: 'pending',
  WAITLIST: 'waitlist',
  STARTED: 'arrived',
  COMPLETE: 'fulfilled',
  CANCELLED: 'cancelled',
  DELETED: 'cancelled',
  DC: 'cancelled',
  NOSHOW: 'noshow',
};

/** HL7 table 0276 (appointment reason), the value set FHIR binds Appointment.appointmentType to. */
const appointmentReasons = new Set(['ROUTINE', 'WALKIN', 'CHECKUP', 'FOLLOWUP', 'EMERGENCY']);

/** Reads a SIU^S12–S15 message into a booking; throws V2Error (AE) naming the field that is missing or wrong. */
export function readSiu(message: Hl7Message, event: SiuEvent): SiuBooking {
  const header = message.getSegment('MSH');
  const sender = senderSystem(comp(header, 3), comp(header, 4));
  const sch = message.getSegment('SCH');
  if (!sch) throw new V2Error('AE', 100, 'The message has no SCH segment', { segment: 'SCH' });
  const sent = v2Instant(comp(header, 7));
  const status = event === 'S15' ? 'cancelled' : statusOf(sch);
  const times = readTimes(message, sch, status === 'cancelled' || status === 'waitlist');
  const isCancelled = status === 'cancelled' || status === 'noshow';
  return {
    event,
    sender,
    controlId: comp(header, 10),
    sent: sent.ok ? sent.value : undefined,
    identifiers: appointmentIds(sch, sender),
    status,
    ...times,
    serviceType: serviceTypes(message, sender),
    appointmentType: appointmentType(sch),
    cancelationReason: isCancelled ? codeableConcept(sch, 6, sender) : undefined,
    patients: readPatients(message, sender),
    practitioners: readPractitioners(message, sender),
    locations: readLocations(message, sender),
    devices: readDevices(message, sender),
  };
}

/** SCH-1 placer and SCH-2 filler appointment ids (EI; HL7 v2.8 §10.6.2.1–2), typed PLAC / FILL (table 0203). */
function appointmentIds(sch: Hl7Segment, sender: string): Identifier[] {
  const ids: Identifier[] = [];
  for (const [field, kind, type] of [
    [1, 'placer', 'PLAC'],
    [2, 'filler', 'FILL'],
  ] as const) {
    const value = comp(sch, field);
    if (!value) continue;
    // EI-2..4 name the assigning application; without them the id is the sender's.
    const system = authoritySystem(comp(sch, field, 2), comp(sch, field, 3), comp(sch, field, 4));
    ids.push(identifier(system ?? `${sender}:${kind}`, value, type));
  }
  if (!ids.length) {
    throw new V2Error('AE', 101, 'SCH-1 and SCH-2 are both empty: the appointment has no identifier', {
      segment: 'SCH',
      field: 2,
    });
  }
  return ids;
}

function statusOf(sch: Hl7Segment): Appointment['status'] | undefined {
  const code = (comp(sch, 25) || comp(sch, 25, 2)).toUpperCase();
  if (!code) return undefined;
  const status = fillerStatus[code];
  if (!status) {
    throw new V2Error('AE', 103, 'SCH-25 is not a filler status CareLoop knows (HL7 table 0278)', {
      segment: 'SCH',
      field: 25,
    });
  }
  return status;
}

type Source = Readonly<{ seg: Hl7Segment | undefined; start: FieldAt; end: FieldAt | undefined }>;

/**
 * Start and end, from the first source that has a start: TQ1-7/TQ1-8 (v2.5+, HL7 v2.8 §4.5.4), SCH-11.4/SCH-11.5
 * (the TQ data type of v2.3–2.4, withdrawn later), AIS-4 of the first service. A missing end is the start plus a
 * duration: AIS-7/AIS-8, else SCH-9/SCH-10. Cancelled and waitlisted appointments may have no time.
 */
function readTimes(message: Hl7Message, sch: Hl7Segment, mayLackTime: boolean): { start?: string; end?: string } {
  const tq1 = message.getSegment('TQ1');
  const ais = message.getSegment('AIS');
  const sources: Source[] = [
    { seg: tq1, start: { segment: 'TQ1', field: 7 }, end: { segment: 'TQ1', field: 8 } },
    { seg: sch, start: { segment: 'SCH', field: 11, component: 4 }, end: { segment: 'SCH', field: 11, component: 5 } },
    { seg: ais, start: { segment: 'AIS', field: 4 }, end: undefined },
  ];
  const source = sources.find((s) => valueAt(s.seg, s.start));
  if (!source) {
    if (mayLackTime) return {};
    throw new V2Error('AE', 101, 'The appointment has no start time (TQ1-7, SCH-11.4 or AIS-4)', {
      segment: 'TQ1',
      field: 7,
    });
  }
  const start = instantAt(source.seg, source.start);
  const endText = source.end ? valueAt(source.seg, source.end) : '';
  const end = endText && source.end ? instantAt(source.seg, source.end) : endFromDuration(start, ais, sch);
  if (compareInstants(end, start) < 0) {
    throw new V2Error('AE', 102, `${fieldName(source.end ?? source.start)} is before the start time`, source.end);
  }
  return { start, end };
}

const valueAt = (seg: Hl7Segment | undefined, at: FieldAt) => comp(seg, at.field ?? 1, at.component ?? 1);

function instantAt(seg: Hl7Segment | undefined, at: FieldAt): string {
  const converted = v2Instant(valueAt(seg, at));
  if (!converted.ok) throw new V2Error('AE', 102, `${fieldName(at)} ${converted.problem}`, at);
  return converted.value;
}

function endFromDuration(start: string, ais: Hl7Segment | undefined, sch: Hl7Segment): string {
  const durations = [
    { seg: ais, amount: { segment: 'AIS', field: 7 }, unit: { segment: 'AIS', field: 8 } },
    { seg: sch, amount: { segment: 'SCH', field: 9 }, unit: { segment: 'SCH', field: 10 } },
  ] as const;
  for (const d of durations) {
    const amount = valueAt(d.seg, d.amount);
    if (!amount) continue;
    const minutes = durationMinutes(amount, valueAt(d.seg, d.unit));
    if (minutes === undefined) {
      const text = `${fieldName(d.amount)}/${fieldName(d.unit)} is not a duration CareLoop reads (s, min, h, d, wk)`;
      throw new V2Error('AE', 102, text, d.unit);
    }
    return addMinutes(start, minutes);
  }
  throw new V2Error('AE', 101, 'The appointment has no end time (TQ1-8, SCH-11.5) or duration (AIS-7, SCH-9)', {
    segment: 'TQ1',
    field: 8,
  });
}

/** AIS-3 universal service identifiers (HL7 v2.8 §10.6.4.3) of the services not being deleted (AIS-2 `D`). */
function serviceTypes(message: Hl7Message, sender: string): CodeableConcept[] {
  const seen = new Set<string>();
  const out: CodeableConcept[] = [];
  for (const ais of segments(message, 'AIS')) {
    if (comp(ais, 2).toUpperCase() === 'D') continue;
    const concept = codeableConcept(ais, 3, sender);
    const key = JSON.stringify(concept);
    if (concept && !seen.has(key)) {
      seen.add(key);
      out.push(concept);
    }
  }
  return out;
}

/**
 * SCH-7 appointment reason when it is a code of HL7 table 0276, FHIR's binding for Appointment.appointmentType. Any
 * other SCH-7 (free text may describe the patient's condition) and SCH-8 (table 0277: Normal, Tentative, Complete —
 * how the booking was made) are not mirrored.
 */
function appointmentType(sch: Hl7Segment): CodeableConcept | undefined {
  const code = comp(sch, 7).toUpperCase();
  if (!appointmentReasons.has(code)) return undefined;
  return { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code }] };
}
