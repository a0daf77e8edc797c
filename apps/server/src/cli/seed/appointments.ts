import type { Appointment, AppointmentParticipant, HealthcareService } from '@medplum/fhirtypes';
import { SCHEDULING_EXTENSIONS as EXT } from '../../modules/scheduling/index.ts';
import { type Bookable, type BookableWorld, buildBookableWorld, openOn } from './bookables.ts';
import { concept, demoMeta, SYSTEM, specialtyConcept } from './codes.ts';
import { CONDITIONS, type ConditionDef } from './conditions.ts';
import { DayBook, type Placement, type VisitRequest } from './day-book.ts';
import { clinicLocationId, LOCATIONS } from './facilities.ts';
import { instantAt, localDay } from './hours.ts';
import { patientIds, ref } from './ids.ts';
import { generateOrganizationResources } from './organization.ts';
import { isOutpatient, serviceIdOf } from './outpatient.ts';
import { createPatientContext, type PatientContext, type PatientDraft } from './patient-context.ts';
import { draftPatient } from './patients.ts';
import { Rng } from './random.ts';
import { ROOMS } from './rooms.ts';
import { DAY_MS, formatDate, formatDateTime } from './time.ts';
import { VISIT_KINDS } from './visit-types.ts';

/** Options of {@link generateAppointments}. */
export type AppointmentOptions = {
  seed: number;
  /** The moment the data is "as of": appointments fall on the local days after it. */
  now: Date;
  /** Size of the patient population (the `count` given to `generatePatients`). */
  patients: number;
};

/** Appointments are booked over the next four weeks (`$find` looks 30 days ahead by default). */
const HORIZON_DAYS = 28;
/** Patients come back about every twelve weeks, so about a third have a visit booked in the horizon. */
const CYCLE_DAYS = 84;
/** A visit due on a day its clinician does not work moves to their next working day, at most this many days on. */
const SHIFT_DAYS = 6;
/** Patients considered: beyond these the calendars are as full as the demo fills them (day-book's load cap). */
const MAX_PATIENTS = 10_000;
/** Share of visits with one of the patient's specialists rather than their primary care clinician. */
const SPECIALIST_SHARE = 0.35;
const APPOINTMENT_STREAM = 0xa990;

/** A patient's visit due on a day, before it has a time. */
type Due = VisitRequest &
  Readonly<{ draft: PatientDraft; cycle: number; day: number; createdDay: number; reason?: ConditionDef }>;

const mod = (a: number, n: number) => ((a % n) + n) % n;

/**
 * The patient's due day in the horizon, if any: a fixed point of the calendar (every {@link CYCLE_DAYS} days from a
 * per-patient phase), never relative to the day the seed runs — so a later run books the very same visits on every
 * day both runs cover, and re-seeding updates in place rather than double-booking.
 */
function dueDayOf(seed: number, index: number, first: number): { dueDay: number; cycle: number } | undefined {
  const phase = new Rng(seed, APPOINTMENT_STREAM, index).int(0, CYCLE_DAYS - 1);
  const dueDay = first - SHIFT_DAYS + mod(phase - (first - SHIFT_DAYS), CYCLE_DAYS);
  return dueDay < first + HORIZON_DAYS ? { dueDay, cycle: (dueDay - phase) / CYCLE_DAYS } : undefined;
}

/** The clinician's Schedule for the patient: at the patient's own clinic when the clinician holds one there. */
function scheduleFor(world: BookableWorld, practitionerId: string, clinicLocation: string): Bookable | undefined {
  const own = world.practitioners.filter((b) => b.clinician?.practitionerId === practitionerId);
  return own.find((b) => b.site === clinicLocation) ?? own[0];
}

/**
 * The day of a visit due on `dueDay`: one of the clinician's next three working days from it (within
 * {@link SHIFT_DAYS}), so visits due over a weekend spread over the week rather than all landing on Monday.
 */
function visitDay(practitioner: Bookable, dueDay: number, rng: Rng): number | undefined {
  const open: number[] = [];
  for (let day = dueDay; day <= dueDay + SHIFT_DAYS && open.length < 3; day++)
    if (openOn(practitioner, day).length > 0) open.push(day);
  return open.length ? rng.pick(open) : undefined;
}

/** Why the patient comes: the problem the specialist co-manages, or for a primary-care follow-up the first one. */
function reasonFor(draft: PatientDraft, department: string, isFollowUp: boolean): ConditionDef | undefined {
  const defs = draft.problems.map((p) => CONDITIONS[p.key] as ConditionDef);
  return defs.find((d) => d.specialist?.[0] === department) ?? (isFollowUp ? defs[0] : undefined);
}

/** The visit patient `index` has due in the horizon: with whom, what kind, on which day, at what preferred time. */
function dueVisit(world: BookableWorld, ctx: PatientContext, index: number, first: number): Due | undefined {
  const due = dueDayOf(ctx.seed, index, first);
  if (!due) return undefined;
  const rng = new Rng(ctx.seed, APPOINTMENT_STREAM, index, due.cycle);
  const draft = draftPatient(ctx, index);
  const specialists = draft.specialists.filter(isOutpatient);
  const clinician = specialists.length && rng.chance(SPECIALIST_SHARE) ? rng.pick(specialists) : draft.pcp;
  const practitioner = scheduleFor(world, clinician.practitionerId, clinicLocationId(draft.clinic));
  if (!practitioner?.clinician) return undefined;
  const department = practitioner.clinician.department;
  const kind = rng.weighted(VISIT_KINDS[department].map((k) => [k, k.weight] as const));
  const preferredMinute = rng.int(7 * 60, 18 * 60);
  // Booked at the end of the previous visit, as return visits are: a calendar fact too, and always in the past.
  const createdDay = due.dueDay - CYCLE_DAYS + rng.int(0, 14);
  const day = visitDay(practitioner, due.dueDay, rng);
  if (day === undefined || day < first || day >= first + HORIZON_DAYS) return undefined;
  const reason = reasonFor(draft, department, kind.code.code === 'FOLLOWUP');
  return {
    draft,
    cycle: due.cycle,
    day,
    practitioner,
    kind,
    preferredMinute,
    createdDay,
    interpreterLanguage:
      draft.needsInterpreter && !practitioner.languages.includes(draft.language) ? draft.language : undefined,
    ...(reason ? { reason } : {}),
  };
}

const ROOM_NAME = new Map(ROOMS.map((r) => [`Location/${r.id}`, r.name]));
const SITE_NAME = new Map(LOCATIONS.map((l) => [l.id, l.name]));

function participants(due: Due, at: Placement): AppointmentParticipant[] {
  const c = due.practitioner.clinician;
  const site = due.practitioner.site ?? '';
  const accepted = { required: 'required', status: 'accepted' } as const;
  return [
    { actor: ref('Patient', due.draft.id), ...accepted },
    {
      type: [concept(SYSTEM.v3ParticipationType, 'PPRF', 'primary performer')],
      actor: { reference: due.practitioner.actor, display: `${c?.given.join(' ')} ${c?.family}, ${c?.credential}` },
      ...accepted,
    },
    { actor: { reference: at.room.actor, display: ROOM_NAME.get(at.room.actor) ?? 'Exam room' }, ...accepted },
    // HL7's participant-type `translator` (R4's encounter-participant-type value set): v3 ParticipationType TRANS is
    // a transcriber.
    ...(at.interpreter
      ? [
          {
            type: [concept(SYSTEM.participantType, 'translator', 'Translator')],
            actor: { reference: at.interpreter.actor },
            ...accepted,
          },
        ]
      : []),
    // The site is where the visit is, not a resource it takes: information-only, so it is not booked as a whole.
    {
      actor: { reference: `Location/${site}`, display: SITE_NAME.get(site) ?? site },
      required: 'information-only',
      status: 'accepted',
    },
  ];
}

function appointment(due: Due, at: Placement, service: HealthcareService): Appointment {
  const isNewPatient = due.kind.code.code === 'new-patient';
  const created = Math.max(due.draft.birthMs, instantAt(due.createdDay, 12 * 60));
  return {
    resourceType: 'Appointment',
    id: patientIds.appointment(due.draft.index, due.cycle),
    meta: demoMeta(),
    extension: [
      { url: EXT.busyPeriod, valuePeriod: { start: formatDateTime(at.busy.start), end: formatDateTime(at.busy.end) } },
    ],
    status: 'booked',
    ...(service.category ? { serviceCategory: service.category } : {}),
    ...(service.type ? { serviceType: service.type } : {}),
    specialty: due.practitioner.clinician ? [specialtyConcept(due.practitioner.clinician.specialty)] : [],
    appointmentType: { coding: [due.kind.code], text: due.kind.label },
    ...(due.reason ? { reasonCode: [concept(SYSTEM.snomed, due.reason.snomed[0], due.reason.snomed[1])] } : {}),
    description: `${due.kind.label} – ${service.name}`,
    start: formatDateTime(at.start),
    end: formatDateTime(at.end),
    minutesDuration: due.kind.minutes,
    created: formatDate(created),
    ...(isNewPatient
      ? {
          patientInstruction: 'Please arrive 15 minutes early with a photo ID, your insurance card and your medicines.',
        }
      : {}),
    supportingInformation: [ref('HealthcareService', service.id ?? '')],
    participant: participants(due, at),
  };
}

/**
 * Booked appointments over the next four weeks for about a third of the patients, each with their primary care
 * clinician or one of their specialists, in an exam room at the clinician's site and with an interpreter when the
 * patient needs one the clinician cannot replace. Placed in each resource's free time, so no two overlap for a
 * clinician, room or interpreter (buffers included) and all lie within the hours {@link generateSchedules} writes.
 * Pure and deterministic: the same (seed, now, patients) give the same appointments; a larger population only adds
 * some; a later day keeps those of the days both cover.
 */
export function generateAppointments(options: AppointmentOptions): Appointment[] {
  if (!Number.isSafeInteger(options.patients) || options.patients < 0)
    throw new RangeError('patients must be a non-negative integer');
  if (Number.isNaN(options.now.getTime())) throw new RangeError('now must be a valid date');
  const world = buildBookableWorld(options.seed, options.now);
  const ctx = createPatientContext(options.seed, options.now);
  const services = new Map(
    generateOrganizationResources({ seed: options.seed }).flatMap((r) =>
      r.resourceType === 'HealthcareService' ? [[r.id ?? '', r] as const] : [],
    ),
  );
  // The first local day that starts a full day after now: `careloop start` seeds as of the start of the UTC day,
  // still the evening before in Houston, and the data is in use all that day; no seeded visit should be past by then.
  const first = localDay(options.now.getTime() + DAY_MS) + 1;
  const byDay = new Map<number, Due[]>();
  for (let i = 0; i < Math.min(options.patients, MAX_PATIENTS); i++) {
    const due = dueVisit(world, ctx, i, first);
    if (due) byDay.set(due.day, [...(byDay.get(due.day) ?? []), due]);
  }
  const roomsBySite = new Map<string, Bookable[]>();
  for (const room of world.rooms) roomsBySite.set(room.site ?? '', [...(roomsBySite.get(room.site ?? '') ?? []), room]);
  const out: Appointment[] = [];
  // Each day is filled on its own, patients in index order: a day's bookings never depend on other days or on
  // patients beyond those due that day.
  for (const day of [...byDay.keys()].sort((a, b) => a - b)) {
    const book = new DayBook(day, roomsBySite, world.interpreters);
    for (const due of byDay.get(day) ?? []) {
      const at = book.place(due);
      const service = due.practitioner.clinician && services.get(serviceIdOf(due.practitioner.clinician));
      if (at && service) out.push(appointment(due, at, service));
    }
  }
  return out;
}
