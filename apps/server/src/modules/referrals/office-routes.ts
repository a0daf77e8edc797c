import multipart from '@fastify/multipart';
import type { Appointment, DocumentReference, ServiceRequest, Task } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { recordAuditEvent } from '../../platform/audit/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { invalid, OutcomeError } from '../../platform/errors.ts';
import { htmlReply } from '../../platform/http/html.ts';
import { verifyLink } from '../../platform/links/index.ts';
import type { Store, StoreTx } from '../../platform/store/index.ts';
import { worklistTask } from '../worklist/index.ts';
import { advanceOffer } from './advance.ts';
import { nextStages, type Stage } from './domain/lifecycle.ts';
import { gatherPacket } from './gather.ts';
import { OFFICE_LINK } from './messages.ts';
import { serviceRequestOf, stageOf } from './model.ts';
import { invalidLinkPage, officeActions } from './office-page.ts';
import { packetHtml } from './packet/html.ts';
import { packetPdf } from './packet/pdf.ts';
import { pdfReply } from './routes.ts';
import { referrerClock } from './send.ts';

export type OfficeDeps = Readonly<{
  db: Db;
  /** The store acting as the system: the link's holder is no user; what they see and do is audited here. */
  store: Store;
  clock: Clock;
  linkKey: Buffer;
}>;

const MAX_NOTE_BYTES = 10 * 1024 * 1024;
const ACTIONS = new Set(['accept', 'decline', 'schedule', 'seen']);

/** The offer a link was signed for; a 400 OutcomeError for anything else (altered, expired, another purpose). */
async function resolve(deps: OfficeDeps, token: unknown) {
  if (typeof token !== 'string') throw invalid('The link is not valid', 'token');
  const { subject } = verifyLink(deps.linkKey, token, { purpose: OFFICE_LINK, now: deps.clock.now() });
  const offer = await deps.store.read<Task>('Task', subject);
  const srRef = serviceRequestOf(offer) ?? '';
  const sr = await deps.store.read<ServiceRequest>('ServiceRequest', srRef.slice('ServiceRequest/'.length));
  return { token, offer, sr };
}

/** One AuditEvent for what the office saw or did through its link: the agent is the link, the patient named. */
const audit = (deps: OfficeDeps, sr: ServiceRequest, offer: Task, action: 'R' | 'U', what: string) =>
  recordAuditEvent(deps.db.kysely, deps.clock, {
    action,
    subtype: action === 'R' ? 'read' : 'update',
    outcome: 'success',
    outcomeDesc: what,
    agent: { display: 'referral link (signed, e-mailed to the receiving office)' },
    patients: sr.subject.reference ? [sr.subject.reference] : [],
    entities: [{ reference: `Task/${offer.id}` }, { reference: `ServiceRequest/${sr.id}` }],
    recorded: deps.clock.now().toString(),
  });

/** The appointment the office gave: booked (confirmed with the patient) or proposed (the referrer confirms it). */
async function schedule(
  tx: StoreTx,
  sr: ServiceRequest,
  offer: Task,
  form: Record<string, unknown>,
  now: Temporal.Instant,
) {
  const { timeZone } = await referrerClock(tx, sr);
  let start: Temporal.Instant;
  try {
    start = Temporal.PlainDateTime.from(String(form.start ?? ''))
      .toZonedDateTime(timeZone)
      .toInstant();
  } catch {
    throw invalid('The appointment date and time are required', 'start');
  }
  const days = Math.abs(start.since(now).total('hours')) / 24;
  if (days > 366) throw invalid('The appointment must be within a year', 'start');
  const minutes = Number(form.minutes ?? 30);
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 480) throw invalid('Minutes must be 5 to 480', 'minutes');
  const status = form.status === 'proposed' ? 'proposed' : 'booked';
  const { resource: a } = await tx.create<Appointment>({
    resourceType: 'Appointment',
    status,
    description: 'Referral visit',
    start: start.toString(),
    end: start.add({ minutes }).toString(),
    minutesDuration: minutes,
    created: now.toString(),
    basedOn: [{ reference: `ServiceRequest/${sr.id}` }],
    participant: [
      { actor: sr.subject, status: status === 'booked' ? 'accepted' : 'needs-action' },
      {
        actor: { display: 'Receiving office', ...(offer.owner ? { reference: offer.owner.reference } : {}) },
        status: 'accepted',
      },
    ],
  } as Appointment);
  if (status === 'proposed')
    await tx.create<Task>({
      ...worklistTask({
        type: 'schedule-appointment',
        patient: sr.subject.reference as string,
        authoredOn: now,
        owner: sr.requester?.reference?.startsWith('Practitioner/') ? sr.requester.reference : undefined,
        description: 'The receiving office proposed an appointment for a referral: confirm it with the patient.',
      }),
      focus: { reference: `Appointment/${a.id}` },
    });
  return `Appointment/${a.id}`;
}

/** The consult note as a DocumentReference about the patient, linked to the referral. */
async function storeNote(
  tx: StoreTx,
  sr: ServiceRequest,
  file: { data: Buffer; type: string; name: string },
  now: Temporal.Instant,
) {
  const { resource } = await tx.create<DocumentReference>({
    resourceType: 'DocumentReference',
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '11488-4', display: 'Consult note' }] },
    subject: { reference: sr.subject.reference },
    date: now.toString(),
    description: 'Consult note from the receiving office',
    content: [
      {
        attachment: {
          contentType: file.type,
          data: file.data.toString('base64'),
          size: file.data.length,
          title: file.name,
          creation: now.toString(),
        },
      },
    ],
    context: { related: [{ reference: `ServiceRequest/${sr.id}` }] },
  });
  return `DocumentReference/${resource.id}`;
}

/**
 * The secure link e-mailed to a receiving office with neither an account nor a FHIR endpoint (issue #6), outside
 * /fhir/R4 and without signing in. `GET /referral?token=…` shows the packet with the next steps the lifecycle allows
 * the receiver; the forms POST to `/referral` (accept, decline with a reason, give the appointment, seen) and
 * `/referral/report` (the consult note, a PDF or text file), then redirect back (POST-redirect-GET);
 * `GET /referral/packet.pdf?token=…` prints the packet. The token — one offer, valid REFERRAL_LINK_DAYS — is the only
 * credential; every view and step is audited.
 */
export async function officeLinkRoutes(app: FastifyInstance, deps: OfficeDeps): Promise<void> {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_r, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );
  await app.register(multipart, { limits: { fileSize: MAX_NOTE_BYTES, files: 1, fields: 5, parts: 6 } });

  const page = async (
    reply: FastifyReply,
    token: unknown,
    status = 200,
    notice: { done?: string; error?: string } = {},
  ) => {
    const { offer, sr } = await resolve(deps, token);
    await audit(deps, sr, offer, 'R', 'referral viewed through the office link');
    const stage = stageOf(offer);
    const { timeZone } = await referrerClock(deps.store, sr);
    const actions = officeActions({
      token: String(token),
      stage,
      allowed: nextStages(stage, 'receiver'),
      timeZone,
      ...notice,
    });
    return htmlReply(reply, status, packetHtml(await gatherPacket(deps.store, sr, offer), { actions }));
  };
  /** Runs a step; a refused one (lifecycle, bad input) shows the page again with why, an invalid link the bare page. */
  const step = async (
    reply: FastifyReply,
    token: unknown,
    done: string,
    run: (t: { offer: Task; sr: ServiceRequest }) => Promise<void>,
  ) => {
    let found: Awaited<ReturnType<typeof resolve>>;
    try {
      found = await resolve(deps, token);
    } catch (e) {
      if (e instanceof OutcomeError && e.status < 500) return htmlReply(reply, 400, invalidLinkPage());
      throw e;
    }
    try {
      await run(found);
    } catch (e) {
      if (!(e instanceof OutcomeError) || e.status >= 500) throw e;
      const why = e.outcome.issue[0]?.details?.text ?? 'That could not be done';
      return page(reply, token, e.status, { error: why });
    }
    await audit(deps, found.sr, found.offer, 'U', `referral ${done} through the office link`);
    return reply
      .code(303)
      .header('location', `/referral?token=${encodeURIComponent(String(token))}&done=${done}`)
      .send();
  };
  const advance = (tx: StoreTx, offer: Task, to: Stage, details: Parameters<typeof advanceOffer>[4]) =>
    advanceOffer(tx, offer.id as string, to, 'receiver', details, { now: deps.clock.now() });

  app.get<{ Querystring: Record<string, unknown> }>('/referral', async (request, reply) => {
    const done = typeof request.query.done === 'string' ? request.query.done.slice(0, 20) : undefined;
    return page(reply, request.query.token, 200, done ? { done } : {}).catch((e: unknown) => {
      if (e instanceof OutcomeError && e.status < 500) return htmlReply(reply, 400, invalidLinkPage());
      throw e;
    });
  });

  app.get<{ Querystring: Record<string, unknown> }>('/referral/packet.pdf', async (request, reply) => {
    try {
      const { offer, sr } = await resolve(deps, request.query.token);
      await audit(deps, sr, offer, 'R', 'referral packet printed through the office link');
      const pdf = await packetPdf(await gatherPacket(deps.store, sr, offer), {
        generatedAt: deps.clock.now().toString(),
      });
      return pdfReply(reply, pdf);
    } catch (e) {
      if (e instanceof OutcomeError && e.status < 500) return htmlReply(reply, 400, invalidLinkPage());
      throw e;
    }
  });

  app.post<{ Body: Record<string, unknown> | undefined }>('/referral', async (request, reply) => {
    const form = request.body ?? {};
    const action = typeof form.action === 'string' && ACTIONS.has(form.action) ? form.action : undefined;
    if (!action) return htmlReply(reply, 400, invalidLinkPage());
    const now = deps.clock.now();
    return step(reply, form.token, action, ({ offer, sr }) =>
      deps.store.transaction(async (tx) => {
        if (action === 'accept') await advance(tx, offer, 'accepted', {});
        if (action === 'decline') await advance(tx, offer, 'declined', { reason: String(form.reason ?? '') });
        if (action === 'seen') await advance(tx, offer, 'seen', {});
        if (action === 'schedule') {
          const appointment = await schedule(tx, sr, offer, form, now);
          await advance(tx, offer, 'scheduled', { appointment });
        }
      }),
    );
  });

  app.post('/referral/report', async (request, reply) => {
    if (!request.isMultipart()) return htmlReply(reply, 400, invalidLinkPage());
    const part = await request.file({ limits: { fileSize: MAX_NOTE_BYTES } });
    const tokenField = part?.fields.token;
    const token =
      tokenField && !Array.isArray(tokenField) && tokenField.type === 'field' ? tokenField.value : undefined;
    const data = part ? await part.toBuffer() : undefined;
    return step(reply, token, 'report', async ({ sr, offer }) => {
      const type =
        part?.mimetype === 'application/pdf'
          ? 'application/pdf'
          : part?.mimetype === 'text/plain'
            ? 'text/plain'
            : undefined;
      if (!part || !data || data.length === 0) throw invalid('Choose the consult note file to send', 'note');
      if (!type || (type === 'application/pdf' && data.subarray(0, 5).toString('latin1') !== '%PDF-'))
        throw invalid('The consult note must be a PDF or a text file', 'note');
      const name = part.filename.replace(/[^\w.\- ]+/g, '_').slice(0, 100) || 'consult-note';
      await deps.store.transaction(async (tx) => {
        const report = await storeNote(tx, sr, { data, type, name }, deps.clock.now());
        await advance(tx, offer, 'report-received', { report });
      });
    });
  });
}
