import type { Coding, Duration, Extension } from '@medplum/fhirtypes';
import { SCHEDULING_EXTENSIONS as EXT } from '../../modules/scheduling/index.ts';
import { coding, SYSTEM } from './codes.ts';
import type { OutpatientDepartment } from './outpatient.ts';
import type { Department } from './roster.ts';

/**
 * The kinds of visit each outpatient service offers: scheduling's appointment-type extension on the HealthcareService
 * (code, duration, buffers, step, what it requires, whether it may be by video). Lengths follow common US clinic
 * templates: a new patient takes an hour, a follow-up 20–30 minutes; buffers are room turnover (cleaning, setting up)
 * or the clinician's notes between therapy sessions.
 */
export type VisitKind = Readonly<{
  code: Coding;
  /** What a coordinator calls it (Appointment.appointmentType.text, description). */
  label: string;
  minutes: number;
  bufferBefore: number;
  bufferAfter: number;
  /** Start times fall on multiples of this many minutes. */
  step: number;
  canBeVirtual: boolean;
  /** Relative share among the demo's booked appointments (0: offered, never seeded). */
  weight: number;
}>;

const FOLLOW_UP = coding(SYSTEM.v2AppointmentReason, 'FOLLOWUP', 'A follow up visit from a previous appointment');
const CHECK_UP = coding(SYSTEM.v2AppointmentReason, 'CHECKUP', 'A routine check-up, such as an annual physical');
const ROUTINE = coding(SYSTEM.v2AppointmentReason, 'ROUTINE', 'Routine appointment - default if not valued');
const NEW_PATIENT = coding(SYSTEM.appointmentType, 'new-patient', 'New patient visit');

const kind = (code: Coding, label: string, minutes: number, more: Partial<VisitKind> = {}): VisitKind => ({
  code,
  label,
  minutes,
  bufferBefore: 0,
  bufferAfter: 0,
  step: 15,
  canBeVirtual: false,
  weight: 1,
  ...more,
});

// A new patient's hour starts on the hour or half hour, as templates block them.
const newPatient = (label: string, bufferAfter: number, weight: number) =>
  kind(NEW_PATIENT, label, 60, { bufferAfter, step: 30, weight });

/**
 * Visit kinds by service; the first is what `$find` offers when no type is asked for, so it is the commonest. Every
 * kind needs the practitioner and an exam room (a video visit needs no room: `$find` drops it).
 */
export const VISIT_KINDS: Record<OutpatientDepartment, readonly VisitKind[]> = {
  'primary-care': [
    kind(FOLLOW_UP, 'Follow-up visit', 20, { bufferAfter: 5, step: 10, canBeVirtual: true, weight: 5 }),
    kind(CHECK_UP, 'Annual physical', 40, { bufferAfter: 10, weight: 3 }),
    kind(ROUTINE, 'Routine visit', 20, { bufferAfter: 5, step: 10, weight: 2 }),
    // The demo's patients are all established in a panel, so new-patient visits are offered but never seeded.
    newPatient('New patient visit', 10, 0),
  ],
  cardiology: [
    kind(FOLLOW_UP, 'Cardiology follow-up', 30, { bufferAfter: 10, canBeVirtual: true, weight: 5 }),
    newPatient('New patient consultation', 10, 1),
  ],
  oncology: [
    kind(FOLLOW_UP, 'Oncology follow-up', 30, { bufferAfter: 10, canBeVirtual: true, weight: 5 }),
    newPatient('New patient consultation', 15, 1),
  ],
  orthopedics: [
    // Orthopedic follow-ups examine the joint or read an X-ray: in person only.
    kind(FOLLOW_UP, 'Orthopedic follow-up', 20, { bufferAfter: 10, step: 10, weight: 5 }),
    kind(NEW_PATIENT, 'New patient consultation', 45, { bufferAfter: 10, weight: 1 }),
  ],
  endocrinology: [
    kind(FOLLOW_UP, 'Diabetes & endocrine follow-up', 30, { bufferAfter: 5, canBeVirtual: true, weight: 5 }),
    newPatient('New patient consultation', 10, 1),
  ],
  'physical-therapy': [
    kind(coding(SYSTEM.appointmentType, 'pt-treatment', 'Physical therapy treatment session'), 'Treatment', 45, {
      bufferAfter: 15,
      weight: 5,
    }),
    kind(coding(SYSTEM.appointmentType, 'pt-evaluation', 'Physical therapy evaluation'), 'Evaluation', 60, {
      bufferAfter: 15,
      step: 30,
      weight: 1,
    }),
  ],
  'behavioral-health': [
    // The 50-minute therapy hour: ten minutes for notes before the next, sessions on the hour.
    kind(coding(SYSTEM.appointmentType, 'psychotherapy', 'Psychotherapy session'), 'Therapy session', 50, {
      bufferAfter: 10,
      step: 60,
      canBeVirtual: true,
      weight: 4,
    }),
    kind(FOLLOW_UP, 'Medication management', 20, { bufferAfter: 10, step: 30, canBeVirtual: true, weight: 2 }),
    kind(coding(SYSTEM.appointmentType, 'intake', 'Behavioral health intake'), 'Intake assessment', 60, {
      bufferAfter: 10,
      step: 60,
      canBeVirtual: true,
      weight: 1,
    }),
  ],
};

/** The visit kinds of a department's service; none for the emergency department, the wards and care coordination. */
export function visitKindsOf(department: Department): readonly VisitKind[] {
  return (VISIT_KINDS as Partial<Record<Department, readonly VisitKind[]>>)[department] ?? [];
}

const minutes = (value: number): Duration => ({ value, unit: 'min', system: SYSTEM.ucum, code: 'min' });

/** The appointment-type extension of one visit kind (scheduling's `visitTypesOf` reads it back). */
export function appointmentTypeExtension(k: VisitKind): Extension {
  const part = (url: string, value: Omit<Extension, 'url'>): Extension => ({ url, ...value });
  return {
    url: EXT.appointmentType,
    extension: [
      part('code', { valueCoding: k.code }),
      part('duration', { valueDuration: minutes(k.minutes) }),
      ...(k.bufferBefore ? [part('bufferBefore', { valueDuration: minutes(k.bufferBefore) })] : []),
      ...(k.bufferAfter ? [part('bufferAfter', { valueDuration: minutes(k.bufferAfter) })] : []),
      part('step', { valueDuration: minutes(k.step) }),
      part('requires', { valueCode: 'practitioner' }),
      part('requires', { valueCode: 'room' }),
      ...(k.canBeVirtual ? [part('virtual', { valueBoolean: true })] : []),
    ],
  };
}
