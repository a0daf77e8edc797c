import type {
  Appointment,
  AppointmentParticipant,
  CodeableConcept,
  Coding,
  Device,
  Extension,
  Location,
  Patient,
  Practitioner,
} from '@medplum/fhirtypes';
import { compareInstants } from '../timestamp.ts';
import type { Party, PatientInfo } from './parties.ts';
import type { SiuBooking } from './read.ts';

/**
 * The FHIR resources a SIU message becomes (pure; siu/mirror.ts stores them). Everything CareLoop creates from HL7 v2
 * carries the source tag, so other code can tell an appointment booked in the EHR from one booked here.
 */
export const SOURCE_TAG: Coding = { system: 'https://careloop.dev/fhir/CodeSystem/source', code: 'hl7v2' };

/**
 * On a mirrored Appointment: the last message applied to it (sender, MSH-10, MSH-7, event), so a repeated message
 * changes nothing and an older one (by MSH-7) does not undo a newer one.
 */
export const MESSAGE_EXTENSION = 'https://careloop.dev/fhir/StructureDefinition/hl7v2-message';

const meta = { tag: [SOURCE_TAG] };

/** A new Patient from PID: identifiers, names, birth date, gender; nothing else (PHI-minimal). */
export function patientResource(p: PatientInfo): Patient {
  return compact({
    resourceType: 'Patient',
    meta,
    identifier: p.identifiers,
    name: p.names.length ? p.names : undefined,
    birthDate: p.birthDate,
    gender: p.gender,
  });
}

/** A new Practitioner from AIP-3: the identifier and the name. */
export function practitionerResource(p: Party): Practitioner {
  return compact({
    resourceType: 'Practitioner',
    meta,
    identifier: [p.identifier],
    name: p.name ? [p.name] : undefined,
  });
}

/** A new Location from AIL-3/AIL-4. */
export function locationResource(p: Party): Location {
  return compact({
    resourceType: 'Location',
    meta,
    identifier: [p.identifier],
    status: 'active',
    mode: 'instance',
    name: p.display || undefined,
    type: p.type ? [p.type] : undefined,
  });
}

/** A new Device from AIG-3/AIG-4. */
export function deviceResource(p: Party): Device {
  return compact({
    resourceType: 'Device',
    meta,
    identifier: [p.identifier],
    status: 'active',
    deviceName: p.display ? [{ name: p.display, type: 'user-friendly-name' }] : undefined,
    type: p.type,
  });
}

/** The stored participants of one message: references, with the practitioners' roles (AIP-4). */
export type Resolved = Readonly<{
  patients: readonly string[];
  practitioners: readonly { reference: string; type: CodeableConcept | undefined }[];
  locations: readonly string[];
  devices: readonly string[];
}>;

/**
 * The Appointment after applying a booking to what is mirrored (or to nothing). The message is a snapshot (HL7 v2.8
 * §10.3): status, times, service and participants are replaced; identifiers from other systems, extensions and tags
 * others added, and anything the message does not speak to (comment, priority …) are kept.
 */
export function mirroredAppointment(existing: Appointment | undefined, b: SiuBooking, refs: Resolved): Appointment {
  const status = b.status ?? existing?.status ?? 'booked';
  const systems = new Set(b.identifiers.map((i) => i.system));
  const tentative = status === 'pending' || status === 'waitlist' || status === 'proposed';
  const participant = (reference: string, type?: CodeableConcept): AppointmentParticipant =>
    compact({ type: type ? [type] : undefined, actor: { reference }, status: tentative ? 'tentative' : 'accepted' });
  const cancelled = status === 'cancelled' || status === 'noshow';
  return compact({
    ...existing,
    resourceType: 'Appointment',
    meta: {
      ...existing?.meta,
      tag: [...(existing?.meta?.tag ?? []).filter((t) => t.system !== SOURCE_TAG.system), SOURCE_TAG],
    },
    extension: [...(existing?.extension ?? []).filter((e) => e.url !== MESSAGE_EXTENSION), messageExtension(b)],
    identifier: [...(existing?.identifier ?? []).filter((i) => !systems.has(i.system)), ...b.identifiers],
    status,
    // app-4 (R4): a cancelation reason only on cancelled or no-show appointments.
    cancelationReason: cancelled ? (b.cancelationReason ?? existing?.cancelationReason) : undefined,
    serviceType: b.serviceType.length ? b.serviceType : existing?.serviceType,
    appointmentType: b.appointmentType ?? existing?.appointmentType,
    start: b.start ?? existing?.start,
    end: b.end ?? existing?.end,
    participant: [
      ...refs.patients.map((r) => participant(r)),
      ...refs.practitioners.map((p) => participant(p.reference, p.type)),
      ...refs.locations.map((r) => participant(r)),
      ...refs.devices.map((r) => participant(r)),
    ],
  });
}

function messageExtension(b: SiuBooking): Extension {
  return {
    url: MESSAGE_EXTENSION,
    extension: [
      { url: 'sender', valueUri: b.sender },
      { url: 'controlId', valueString: b.controlId },
      { url: 'event', valueCode: b.event },
      ...(b.sent ? [{ url: 'sent', valueInstant: b.sent }] : []),
    ],
  };
}

/**
 * Why a booking need not be applied to the mirrored Appointment: `repeat` — the same message again (same sender,
 * MSH-10 and MSH-7; a sender retrying after a lost ACK, or several replicas handed one message); `stale` — a message
 * sent (MSH-7) before the one last applied. Undefined: apply it.
 */
export function skipReason(existing: Appointment, b: SiuBooking): 'repeat' | 'stale' | undefined {
  const last = existing.extension?.find((e) => e.url === MESSAGE_EXTENSION)?.extension ?? [];
  const value = (url: string) => {
    const e = last.find((x) => x.url === url);
    return e?.valueUri ?? e?.valueString ?? e?.valueInstant;
  };
  const sent = value('sent');
  if (value('sender') === b.sender && value('controlId') === b.controlId && sent === b.sent) return 'repeat';
  if (sent && b.sent && compareInstants(b.sent, sent) < 0) return 'stale';
  return undefined;
}

/** Drops the keys whose value is undefined (FHIR JSON has no nulls and the validator wants no empty keys). */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
