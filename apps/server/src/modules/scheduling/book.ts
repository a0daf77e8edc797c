import type { Appointment, AppointmentParticipant, HealthcareService, Patient } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { invalid } from '../../platform/errors.ts';
import type { Store, StoreTx } from '../../platform/store/index.ts';
import { type Bookable, loadBookables } from './directory.ts';
import { openIntervals } from './domain/availability.ts';
import { EXT, type VisitType } from './domain/fhir-mapping.ts';
import type { ReminderOffset } from './domain/reminders.ts';
import { visitTypeOf } from './find.ts';
import { enqueueMessages } from './messages.ts';
import { createNeedTasks } from './needs.ts';
import { closeWaitlistEntry, offerFreedTime } from './waitlist.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
const BOOKABLE = /^(Practitioner|Location|Device)\/[A-Za-z0-9.-]{1,64}$/;

/**
 * What booking needs besides the store: now, how long holds last, how virtual visits get their link, and when the
 * reminders go out (REMINDER_SCHEDULE).
 */
export type BookingDeps = Readonly<{
  now: Temporal.Instant;
  holdMinutes: number;
  joinUrl: () => string;
  reminders: readonly ReminderOffset[];
}>;

/** A checked booking: the service, the visit type and the instants, the patient and the resources it takes. */
type Checked = Readonly<{
  service: HealthcareService;
  type: VisitType;
  start: number;
  end: number;
  busy: { start: number; end: number };
  patient: Patient;
  resources: readonly string[];
}>;

const instant = (value: string | undefined, field: string): number => {
  const ms = value && /T.*(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw invalid(`${field} must be a date-time with a time zone`, field);
  return ms;
};
const iso = (ms: number) => new Date(ms).toISOString();

/** The service the appointment is for: the HealthcareService in supportingInformation, as `$find` proposes it. */
async function serviceOf(store: StoreTx, appointment: Appointment): Promise<HealthcareService> {
  const ref = appointment.supportingInformation?.find((r) => r.reference?.startsWith('HealthcareService/'))?.reference;
  if (!ref)
    throw invalid(
      'The appointment must name its HealthcareService in supportingInformation',
      'Appointment.supportingInformation',
    );
  try {
    return await store.read<HealthcareService>('HealthcareService', ref.slice('HealthcareService/'.length));
  } catch {
    throw invalid('Unknown service', 'Appointment.supportingInformation');
  }
}

/**
 * Checks a booking against what the service says and what the resources offer: a future start, the visit's own
 * length, one patient the caller may see, and every resource taking part open (working hours, not on leave) for the
 * whole visit with its buffers. Overlap with other bookings is left to the database (the exclusion constraint).
 */
async function check(store: StoreTx, appointment: Appointment, now: number): Promise<Checked> {
  if (appointment.resourceType !== 'Appointment') throw invalid('An Appointment is required', 'appointment');
  const participants = appointment.participant ?? [];
  const patients = participants.flatMap((p) => (p.actor?.reference?.startsWith('Patient/') ? [p.actor.reference] : []));
  if (patients.length !== 1) throw invalid('An appointment is for exactly one patient', 'Appointment.participant');
  // The patient first: one the caller may not see answers 404 whatever else is wrong.
  const patient = await store.read<Patient>('Patient', (patients[0] as string).slice('Patient/'.length));
  const service = await serviceOf(store, appointment);
  const type = visitTypeOf(service, appointment.appointmentType?.coding?.[0]?.code);
  const start = instant(appointment.start, 'Appointment.start');
  if (start < now) throw invalid('The appointment would start in the past', 'Appointment.start');
  const end = start + type.durationMinutes * MINUTE;
  if (appointment.end !== undefined && instant(appointment.end, 'Appointment.end') !== end)
    throw invalid(`A ${type.code.code} visit lasts ${type.durationMinutes} minutes`, 'Appointment.end');
  // Each resource with its place among the participants, so an error names the right one.
  const taking = participants.flatMap((p: AppointmentParticipant, i) =>
    p.required !== 'information-only' && p.actor?.reference && BOOKABLE.test(p.actor.reference)
      ? [{ actor: p.actor.reference, i }]
      : [],
  );
  const resources = taking.map((r) => r.actor);
  if (resources.length === 0)
    throw invalid('An appointment needs a practitioner, room or device', 'Appointment.participant');
  const busy = { start: start - type.bufferBeforeMinutes * MINUTE, end: end + type.bufferAfterMinutes * MINUTE };
  const { bookables } = await loadBookables(store, service, { start: busy.start - DAY, end: busy.end + DAY }, true);
  for (const { actor, i } of taking) checkOpen(bookables, actor, busy, i);
  return { service, type, start, end, busy, patient, resources };
}

function checkOpen(bookables: readonly Bookable[], actor: string, busy: { start: number; end: number }, i: number) {
  const field = `Appointment.participant[${i}]`;
  const own = bookables.filter((b) => b.actor === actor);
  if (own.length === 0) throw invalid(`${actor} has no schedule for this service`, field);
  const open = own.some((b) =>
    openIntervals(b.availability, busy).some((o) => o.start <= busy.start && o.end >= busy.end),
  );
  if (!open) throw invalid(`${actor} is not available then (outside working hours or on leave)`, field);
}

/** The appointment as stored: the checked times, the busy period, booked or held, a join link for video. */
function stored(a: Appointment, c: Checked, deps: BookingDeps, hold: boolean): Appointment {
  const holdUntil = deps.now.add({ minutes: deps.holdMinutes }).toString();
  const isVirtual = a.extension?.some((e) => e.url === EXT.virtual && e.valueBoolean) === true;
  const keep = (a.extension ?? []).filter(
    (e) => ![EXT.busyPeriod, EXT.holdExpires, EXT.joinUrl].includes(e.url as never),
  );
  const link = isVirtual ? (a.extension?.find((e) => e.url === EXT.joinUrl)?.valueUrl ?? deps.joinUrl()) : undefined;
  return {
    ...a,
    status: hold ? 'pending' : 'booked',
    start: iso(c.start),
    end: iso(c.end),
    minutesDuration: c.type.durationMinutes,
    created: a.created ?? deps.now.toString().slice(0, 10),
    extension: [
      ...keep,
      { url: EXT.busyPeriod, valuePeriod: { start: iso(c.busy.start), end: iso(c.busy.end) } },
      ...(hold ? [{ url: EXT.holdExpires, valueInstant: holdUntil }] : []),
      ...(link ? [{ url: EXT.joinUrl, valueUrl: link }] : []),
    ],
    participant: (a.participant ?? []).map((p) =>
      p.required === 'information-only' ? p : { ...p, status: hold ? 'tentative' : 'accepted' },
    ),
  };
}

/**
 * `$book` (issue #5): books a proposed appointment — or holds it for `holdMinutes` while the coordinator confirms
 * with the patient (status pending; a hold that lapses frees the time by itself). In one transaction: lapsed holds
 * on the same resources are released, the appointment is stored, and the database's exclusion constraint refuses it
 * (409) if any resource is already booked at an overlapping time — two concurrent bookings of one slot never both
 * succeed.
 */
export async function bookAppointment(
  store: StoreTx,
  appointment: Appointment,
  deps: BookingDeps,
  options: { hold: boolean },
): Promise<Appointment> {
  return store.transaction(async (tx) => {
    const c = await check(tx, appointment, deps.now.epochMilliseconds);
    await tx.releaseLapsedHolds(c.resources, { start: iso(c.busy.start), end: iso(c.busy.end) });
    const { id: _id, meta: _meta, ...rest } = appointment;
    const { resource } = await tx.create<Appointment>(stored(rest as Appointment, c, deps, options.hold));
    await createNeedTasks(tx, c.patient, resource, deps.now);
    // A hold is news to the patient only once confirmed (or offered to them from the waitlist).
    if (!options.hold) await enqueueMessages(tx, resource, 'booked', deps.reminders, deps.now);
    return resource;
  });
}

/**
 * Moves a booked or held appointment to a new time (and, when given, other resources): the same checks as booking,
 * in one transaction with If-Match, so the old time is freed and the new one taken together or not at all.
 */
export async function rescheduleAppointment(
  store: Store,
  id: string,
  change: { start: string; participant?: AppointmentParticipant[] | undefined; reason: string },
  deps: BookingDeps,
): Promise<Appointment> {
  return store.transaction(async (tx) => {
    const current = await tx.read<Appointment>('Appointment', id);
    if (!['booked', 'pending'].includes(current.status))
      throw invalid(`A ${current.status} appointment cannot be rescheduled`, 'Appointment.status');
    const moved: Appointment = {
      ...current,
      start: change.start,
      end: undefined as never,
      participant: change.participant ?? current.participant,
      comment: `Rescheduled: ${change.reason}`,
    };
    delete moved.end;
    const c = await check(tx, moved, deps.now.epochMilliseconds);
    await tx.releaseLapsedHolds(c.resources, { start: iso(c.busy.start), end: iso(c.busy.end) });
    const next = stored(moved, c, deps, current.status === 'pending');
    const { resource } = await tx.update<Appointment>(next, { ifMatch: current.meta?.versionId });
    if (resource.status === 'booked') await enqueueMessages(tx, resource, 'rescheduled', deps.reminders, deps.now);
    return resource;
  });
}

/**
 * Cancels a booked or held appointment with the reason; its time is free in the same transaction, the patient is
 * told (if it was booked), and the waitlist is offered the time.
 */
export async function cancelAppointment(
  store: Store,
  id: string,
  reason: string,
  deps: BookingDeps,
): Promise<Appointment> {
  return store.transaction(async (tx) => {
    const current = await tx.read<Appointment>('Appointment', id);
    if (!['booked', 'pending', 'proposed', 'waitlist'].includes(current.status))
      throw invalid(`A ${current.status} appointment cannot be cancelled`, 'Appointment.status');
    const { resource } = await tx.update<Appointment>(
      { ...current, status: 'cancelled', cancelationReason: { text: reason } },
      { ifMatch: current.meta?.versionId },
    );
    if (current.status === 'booked') await enqueueMessages(tx, resource, 'cancelled', deps.reminders, deps.now);
    if (current.status === 'booked' || current.status === 'pending') await offerFreedTime(tx, current);
    return resource;
  });
}

/** Confirms a hold: the appointment is booked, if the hold has not lapsed (then its time may be someone else's). */
export async function confirmHold(store: Store, id: string, deps: BookingDeps): Promise<Appointment> {
  const now = deps.now;
  return store.transaction(async (tx) => {
    const current = await tx.read<Appointment>('Appointment', id);
    if (current.status !== 'pending')
      throw invalid(`A ${current.status} appointment is not a hold`, 'Appointment.status');
    const until = current.extension?.find((e) => e.url === EXT.holdExpires)?.valueInstant;
    if (until && Date.parse(until) <= now.epochMilliseconds)
      throw invalid('The hold has lapsed; book again', 'Appointment.status');
    const { resource } = await tx.update<Appointment>(
      {
        ...current,
        status: 'booked',
        extension: (current.extension ?? []).filter((e) => e.url !== EXT.holdExpires),
        participant: (current.participant ?? []).map((p) =>
          p.required === 'information-only' ? p : { ...p, status: 'accepted' },
        ),
      },
      { ifMatch: current.meta?.versionId },
    );
    await enqueueMessages(tx, resource, 'booked', deps.reminders, deps.now);
    await closeWaitlistEntry(tx, resource);
    return resource;
  });
}
