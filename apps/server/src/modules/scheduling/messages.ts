import type { Appointment, Location, Patient } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../../platform/clock.ts';
import { signLink } from '../../platform/links/index.ts';
import type { Mailer } from '../../platform/mail/index.ts';
import { type SmsSender, textableNumber } from '../../platform/sms/index.ts';
import type { Store, StoreTx } from '../../platform/store/index.ts';
import { appointmentCalendar } from './calendar.ts';
import { EXT, timeZoneOn } from './domain/fhir-mapping.ts';
import type { MessageKind } from './domain/reminder-texts.ts';
import { type ReminderOffset, reminderMessage, reminderTimes } from './domain/reminders.ts';

/** The job that tells a patient about their appointment (booked, reminder, moved, cancelled, offered). */
export const MESSAGE_JOB = 'appointment-message';

export type MessageDeps = Readonly<{
  store: Store;
  clock: Clock;
  mailer: Mailer;
  sms: SmsSender;
  linkKey: Buffer;
  baseUrl: string;
  /** The organizer address of calendar invitations (MAIL_FROM's address). */
  mailFrom: string;
  log: { warn(o: object, m: string): void };
}>;

type MessageJob = Readonly<{ appointment: string; kind: MessageKind; start: string }>;

/** Where an appointment is: its site (the information-only Location), for the place and the time zone. */
export async function siteOf(tx: StoreTx, a: Appointment): Promise<Location | undefined> {
  const ref = a.participant.find(
    (p) => p.required === 'information-only' && p.actor?.reference?.startsWith('Location/'),
  )?.actor?.reference;
  return ref ? tx.read<Location>('Location', ref.slice('Location/'.length)).catch(() => undefined) : undefined;
}

/**
 * Enqueues, in the caller's transaction, the message about what just happened to the appointment and — for a booked
 * or moved one — its reminders at the configured offsets before the start (in the site's time zone: "7 days before"
 * is the same wall-clock time). A reminder job that finds the appointment cancelled or moved sends nothing.
 */
export async function enqueueMessages(
  tx: StoreTx,
  a: Appointment,
  kind: MessageKind,
  reminders: readonly ReminderOffset[],
  now: Temporal.Instant,
): Promise<void> {
  if (!a.id || !a.start) return;
  await tx.enqueue(MESSAGE_JOB, { appointment: a.id, kind, start: a.start });
  if (kind !== 'booked' && kind !== 'rescheduled') return;
  const zone = timeZoneOn(await siteOf(tx, a)) ?? 'UTC';
  const start = Temporal.Instant.from(a.start).toZonedDateTimeISO(zone);
  for (const at of reminderTimes({ start, offsets: reminders, now }))
    await tx.enqueue(
      MESSAGE_JOB,
      { appointment: a.id, kind: 'reminder', start: a.start },
      { startAfter: new Date(at.epochMilliseconds) },
    );
}

/** Whether the appointment is still as the message was about: same start, and a status the message fits. */
function stillTrue(a: Appointment, job: MessageJob): boolean {
  if (a.start !== job.start) return false;
  if (job.kind === 'cancelled') return a.status === 'cancelled';
  if (job.kind === 'offered') return a.status === 'pending';
  return a.status === 'booked';
}

/**
 * Sends one appointment message to the patient by e-mail (with the calendar invitation or cancellation) and SMS,
 * whichever they have, in their language, saying date, time, place and links only; confirm and cancel links carry
 * signed tokens valid until the start. Nothing is sent for an appointment that has changed since (see `stillTrue`).
 */
export async function sendAppointmentMessage(deps: MessageDeps, job: MessageJob): Promise<void> {
  const a = await deps.store.read<Appointment>('Appointment', job.appointment).catch(() => undefined);
  if (!a || !stillTrue(a, job) || !a.start || !a.end) return;
  const patientRef = a.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference;
  if (!patientRef) return;
  const patient = await deps.store.read<Patient>('Patient', patientRef.slice('Patient/'.length));
  const site = await siteOf(deps.store, a);
  const isVirtual = a.extension?.some((e) => e.url === EXT.virtual && e.valueBoolean === true) === true;
  const timeZone = timeZoneOn(site) ?? 'UTC';
  const start = Temporal.Instant.from(a.start);
  const place = isVirtual
    ? 'Video visit'
    : [site?.name, site?.address?.line?.[0]].filter(Boolean).join(', ') || 'the clinic';
  const expiresAt = start;
  const link = (purpose: string, action: string) =>
    `${deps.baseUrl}/appointment?action=${action}&token=${signLink(deps.linkKey, { purpose, subject: a.id as string, expiresAt })}`;
  const canAct = job.kind !== 'cancelled' && Temporal.Instant.compare(deps.clock.now(), start) < 0;
  const language = patient.communication?.find((c) => c.preferred)?.language.coding?.[0]?.code ?? 'en';
  const message = reminderMessage({
    language,
    kind: job.kind,
    start,
    timeZone,
    place,
    joinUrl: a.extension?.find((e) => e.url === EXT.joinUrl)?.valueUrl,
    ...(canAct
      ? { confirmUrl: link('appointment-confirm', 'confirm'), cancelUrl: link('appointment-cancel', 'cancel') }
      : {}),
  });
  const email = patient.telecom?.find((t) => t.system === 'email')?.value;
  const mobile = textableNumber(patient.telecom);
  if (email && deps.mailer.configured) {
    const invite = job.kind === 'booked' || job.kind === 'rescheduled' || job.kind === 'cancelled';
    const organizer = { name: 'CareLoop', email: deps.mailFrom };
    await deps.mailer.send({
      to: email,
      subject: message.subject,
      text: message.text,
      ...(invite
        ? {
            calendar: {
              method: job.kind === 'cancelled' ? 'CANCEL' : 'REQUEST',
              content: appointmentCalendar({
                method: job.kind === 'cancelled' ? 'CANCEL' : 'REQUEST',
                uid: `${a.id}@careloop`,
                sequence: Number(a.meta?.versionId ?? 1),
                start,
                end: Temporal.Instant.from(a.end),
                timeZone,
                summary: `Appointment at ${isVirtual ? 'a video visit' : (site?.name ?? 'the clinic')}`,
                location: place,
                joinUrl: a.extension?.find((e) => e.url === EXT.joinUrl)?.valueUrl,
                status: job.kind === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
                stamp: deps.clock.now(),
                organizer,
                attendees: [{ name: 'Patient', email }],
              }),
            },
          }
        : {}),
    });
  }
  if (mobile) await deps.sms.send({ to: mobile, body: message.sms });
  if (!(email && deps.mailer.configured) && !mobile)
    deps.log.warn(
      { job: MESSAGE_JOB, kind: job.kind },
      'appointment message not sent: no e-mail (or SMTP) and no mobile number',
    );
}
