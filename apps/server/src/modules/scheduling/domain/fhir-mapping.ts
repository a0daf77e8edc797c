import type { Coding, Extension, HealthcareService, Schedule } from '@medplum/fhirtypes';
import type { Availability, DayHours, WeeklyHours } from './availability.ts';
import type { Interval } from './intervals.ts';

/**
 * How CareLoop's scheduling facts sit on FHIR R4 resources (docs/scheduling.md). Working hours and exceptions are
 * extensions on `Schedule` (R4 has no recurring-availability element; R5's `Availability` datatype is the model);
 * time off is a `Slot` with status `busy-unavailable`, as R4 intends; what a visit needs is an extension on the
 * `HealthcareService` that offers it; the time zone is HL7's core `timezone` extension.
 */
export const EXT = {
  timeZone: 'http://hl7.org/fhir/StructureDefinition/timezone',
  workingHours: 'https://careloop.dev/fhir/StructureDefinition/working-hours',
  hoursException: 'https://careloop.dev/fhir/StructureDefinition/hours-exception',
  appointmentType: 'https://careloop.dev/fhir/StructureDefinition/appointment-type',
  busyPeriod: 'https://careloop.dev/fhir/StructureDefinition/busy-period',
  holdExpires: 'https://careloop.dev/fhir/StructureDefinition/hold-expires',
  joinUrl: 'https://careloop.dev/fhir/StructureDefinition/join-url',
  virtual: 'https://careloop.dev/fhir/StructureDefinition/virtual-visit',
  network: 'http://hl7.org/fhir/us/davinci-pdex-plan-net/StructureDefinition/network-reference',
} as const;

/**
 * How an Appointment participant says what part it plays (R4 binds Appointment.participant.type to the
 * encounter-participant-type value set): the practitioner is v3 ParticipationType PPRF, the interpreter HL7's
 * participant-type `translator` (v3 TRANS would be a transcriber).
 */
export const PARTICIPANT_TYPE = {
  practitioner: {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
    code: 'PPRF',
    display: 'primary performer',
  },
  interpreter: {
    system: 'http://terminology.hl7.org/CodeSystem/participant-type',
    code: 'translator',
    display: 'Translator',
  },
} as const satisfies Record<string, Coding>;

/** Whether an Appointment participant is the visit's interpreter. */
export const isInterpreterParticipant = (p: { type?: { coding?: Coding[] }[] }): boolean =>
  p.type?.some((t) =>
    t.coding?.some(
      (c) => c.system === PARTICIPANT_TYPE.interpreter.system && c.code === PARTICIPANT_TYPE.interpreter.code,
    ),
  ) === true;

/** The roles a visit can need, each filled by one resource with a Schedule. */
export type Role = 'practitioner' | 'room' | 'equipment' | 'interpreter';
const ROLES: readonly Role[] = ['practitioner', 'room', 'equipment', 'interpreter'];

/** One kind of visit a service offers, as booking needs it. */
export type VisitType = Readonly<{
  code: Coding;
  durationMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  stepMinutes: number;
  /** Besides the patient: what the visit takes (interpreters are added when languages differ). */
  roles: readonly Exclude<Role, 'interpreter'>[];
  /** It may be held by video, without a room. */
  canBeVirtual: boolean;
}>;

const part = (e: Extension, url: string) => e.extension?.find((x) => x.url === url);
const parts = (e: Extension, url: string) => e.extension?.filter((x) => x.url === url) ?? [];

/** `HH:MM:SS` (FHIR time) as `HH:MM`; midnight as an end means the end of the day. */
const wallTime = (time: string | undefined, field: string, isEnd: boolean): string => {
  const m = /^(\d{2}):(\d{2})(:\d{2}(\.\d+)?)?$/.exec(time ?? '');
  if (!m) throw new RangeError(`${field}: a time (HH:MM:SS) is required`);
  return isEnd && m[1] === '00' && m[2] === '00' ? '24:00' : `${m[1]}:${m[2]}`;
};

/** Whole minutes of a Duration in minutes or hours. */
function minutes(e: Extension | undefined, field: string, fallback?: number): number {
  if (!e) {
    if (fallback === undefined) throw new RangeError(`${field}: required`);
    return fallback;
  }
  const d = e.valueDuration;
  const factor = d?.code === 'h' ? 60 : d?.code === 'min' ? 1 : undefined;
  if (!d || factor === undefined || typeof d.value !== 'number' || d.value < 0)
    throw new RangeError(`${field}: a Duration in min or h (UCUM) is required`);
  const value = d.value * factor;
  if (!Number.isInteger(value)) throw new RangeError(`${field}: must be whole minutes`);
  return value;
}

/** The kinds of visit a HealthcareService offers (extension appointment-type); a RangeError names a bad field. */
export function visitTypesOf(service: HealthcareService): VisitType[] {
  return (service.extension ?? [])
    .filter((e) => e.url === EXT.appointmentType)
    .map((e, i) => {
      const field = `HealthcareService.extension[appointment-type][${i}]`;
      const code = part(e, 'code')?.valueCoding;
      if (!code?.code) throw new RangeError(`${field}.code: a Coding is required`);
      const roles = parts(e, 'requires').map((r) => r.valueCode);
      for (const r of roles)
        if (!r || !ROLES.includes(r as Role) || r === 'interpreter')
          throw new RangeError(`${field}.requires: ${String(r).slice(0, 30)} is not practitioner, room or equipment`);
      return {
        code,
        durationMinutes: minutes(part(e, 'duration'), `${field}.duration`),
        bufferBeforeMinutes: minutes(part(e, 'bufferBefore'), `${field}.bufferBefore`, 0),
        bufferAfterMinutes: minutes(part(e, 'bufferAfter'), `${field}.bufferAfter`, 0),
        stepMinutes: minutes(part(e, 'step'), `${field}.step`, 15),
        roles: (roles.length ? [...new Set(roles)] : ['practitioner']) as VisitType['roles'],
        canBeVirtual: part(e, 'virtual')?.valueBoolean === true,
      };
    });
}

/** The time zone written on a resource (HL7 `timezone` extension), if any. */
export const timeZoneOn = (r: { extension?: Extension[] | undefined } | undefined): string | undefined =>
  r?.extension?.find((e) => e.url === EXT.timeZone)?.valueCode;

/**
 * A Schedule's availability: its working-hours rules and dated exceptions, in `timeZone` (the Schedule's own
 * `timezone` extension first), minus `timeOff` (its busy-unavailable Slots). RangeErrors name the field.
 */
export function availabilityOf(schedule: Schedule, timeZone: string, timeOff: readonly Interval[]): Availability {
  const ext = schedule.extension ?? [];
  const weekly: WeeklyHours[] = ext
    .filter((e) => e.url === EXT.workingHours)
    .map((e, i) => {
      const field = `Schedule.extension[working-hours][${i}]`;
      const rrule = part(e, 'rrule')?.valueString;
      if (!rrule) throw new RangeError(`${field}.rrule: an RFC 5545 rule is required`);
      const from = part(e, 'validFrom')?.valueDate;
      const to = part(e, 'validTo')?.valueDate;
      return {
        rrule,
        start: wallTime(part(e, 'start')?.valueTime, `${field}.start`, false),
        end: wallTime(part(e, 'end')?.valueTime, `${field}.end`, true),
        ...(from ? { validFrom: from } : {}),
        ...(to ? { validTo: to } : {}),
      };
    });
  const exceptions = ext
    .filter((e) => e.url === EXT.hoursException)
    .map((e, i) => {
      const field = `Schedule.extension[hours-exception][${i}]`;
      const date = part(e, 'date')?.valueDate;
      if (!date) throw new RangeError(`${field}.date: required`);
      const hours: DayHours[] = parts(e, 'hours').map((h, j) => ({
        start: wallTime(part(h, 'start')?.valueTime, `${field}.hours[${j}].start`, false),
        end: wallTime(part(h, 'end')?.valueTime, `${field}.hours[${j}].end`, true),
      }));
      return { date, hours };
    });
  return { timeZone: timeZoneOn(schedule) ?? timeZone, weekly, exceptions, timeOff: [...timeOff] };
}
