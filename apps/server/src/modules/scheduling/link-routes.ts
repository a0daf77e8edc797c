import type { Appointment, AppointmentResponse, Patient } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { recordAuditEvent } from '../../platform/audit/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { OutcomeError } from '../../platform/errors.ts';
import { htmlReply } from '../../platform/http/html.ts';
import { verifyLink } from '../../platform/links/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { type BookingDeps, cancelAppointment, confirmHold } from './book.ts';
import { timeZoneOn } from './domain/fhir-mapping.ts';
import { linkPage } from './link-page.ts';
import { siteOf } from './messages.ts';

export type LinkDeps = Readonly<{
  db: Db;
  /** The store acting as the system: a link's holder is no user; what they see and do is audited below. */
  store: Store;
  clock: Clock;
  linkKey: Buffer;
  booking: () => BookingDeps;
}>;

type Action = 'confirm' | 'cancel';
const PURPOSE: Record<Action, string> = { confirm: 'appointment-confirm', cancel: 'appointment-cancel' };

/** One AuditEvent for what a link's holder saw or did: the agent is the link, the patient and appointment named. */
async function audit(deps: LinkDeps, a: Appointment, action: 'R' | 'U', what: string): Promise<void> {
  const patient = a.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference;
  await recordAuditEvent(deps.db.kysely, deps.clock, {
    action,
    subtype: action === 'R' ? 'read' : 'update',
    outcome: 'success',
    outcomeDesc: what,
    agent: { display: 'appointment link (signed, sent to the patient)' },
    patients: patient ? [patient] : [],
    entities: [{ reference: `Appointment/${a.id}` }],
    recorded: deps.clock.now().toString(),
  });
}

async function resolve(deps: LinkDeps, action: unknown, token: unknown) {
  if ((action !== 'confirm' && action !== 'cancel') || typeof token !== 'string') return undefined;
  const { subject } = verifyLink(deps.linkKey, token, { purpose: PURPOSE[action], now: deps.clock.now() });
  const a = await deps.store.read<Appointment>('Appointment', subject);
  const patientRef = a.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference ?? '';
  const patient = await deps.store.read<Patient>('Patient', patientRef.slice('Patient/'.length)).catch(() => undefined);
  const site = await siteOf(deps.store, a);
  return { action: action as Action, token, a, patient, site };
}

/** Confirms attendance: a held time offered to the patient becomes booked; a booked one gets their acceptance. */
async function confirm(deps: LinkDeps, a: Appointment): Promise<void> {
  if (a.status === 'pending') {
    await confirmHold(deps.store, a.id as string, deps.booking());
    return;
  }
  if (a.status !== 'booked')
    throw new OutcomeError(
      { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'conflict', diagnostics: 'not booked' }] },
      409,
    );
  const patient = a.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference as string;
  const response: AppointmentResponse = {
    resourceType: 'AppointmentResponse',
    appointment: { reference: `Appointment/${a.id}` },
    actor: { reference: patient },
    participantStatus: 'accepted',
  };
  await deps.store.create(response);
}

/**
 * The links in appointment messages (issue #5), outside /fhir/R4 and without signing in: `GET /appointment` shows
 * the date, time and place with a button; the button POSTs, so link scanners and previews that follow links change
 * nothing. The token (query string, never the path) is the only credential: signed for one action and one
 * appointment, valid until the appointment starts.
 */
export async function appointmentLinkRoutes(app: FastifyInstance, deps: LinkDeps): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  const show = async (reply: FastifyReply, action: unknown, token: unknown, done?: Action) => {
    try {
      const found = await resolve(deps, action, token);
      if (!found) return htmlReply(reply, 400, linkPage({ kind: 'invalid', language: 'en' }));
      const { a, patient, site } = found;
      const language = patient?.communication?.find((c) => c.preferred)?.language.coding?.[0]?.code ?? 'en';
      const page = {
        language,
        start: Temporal.Instant.from(a.start as string),
        timeZone: timeZoneOn(site) ?? 'UTC',
        place: site?.name ?? 'the clinic',
      };
      if (done) {
        if (done === 'confirm') await confirm(deps, a);
        else await cancelAppointment(deps.store, a.id as string, 'Cancelled by the patient (link)', deps.booking());
        await audit(deps, a, 'U', done === 'confirm' ? 'confirmed through a link' : 'cancelled through a link');
        return htmlReply(reply, 200, linkPage({ ...page, kind: done === 'confirm' ? 'confirmed' : 'cancelled' }));
      }
      await audit(deps, a, 'R', 'viewed through a link');
      if (a.status !== 'booked' && a.status !== 'pending')
        return htmlReply(reply, 409, linkPage({ ...page, kind: 'closed' }));
      return htmlReply(reply, 200, linkPage({ ...page, kind: found.action, token: found.token }));
    } catch (e) {
      if (e instanceof OutcomeError && e.status < 500)
        return htmlReply(reply, 400, linkPage({ kind: 'invalid', language: 'en' }));
      throw e;
    }
  };
  app.get<{ Querystring: Record<string, unknown> }>('/appointment', (request, reply) =>
    show(reply, request.query.action, request.query.token),
  );
  app.post<{ Body: Record<string, unknown> | undefined }>('/appointment', (request, reply) => {
    const body = request.body ?? {};
    const action = body.action === 'confirm' || body.action === 'cancel' ? body.action : undefined;
    return show(reply, action, body.token, action);
  });
}
