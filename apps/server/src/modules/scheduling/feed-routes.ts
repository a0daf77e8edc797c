import type { Appointment, Location } from '@medplum/fhirtypes';
import type { FastifyInstance } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { recordAuditEvent } from '../../platform/audit/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { invalid, OutcomeError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/auth/index.ts';
import { signLink, verifyLink } from '../../platform/links/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { practitionerFeed } from './calendar.ts';
import { timeZoneOn } from './domain/fhir-mapping.ts';

export type FeedDeps = Readonly<{ db: Db; store: Store; clock: Clock; linkKey: Buffer; baseUrl: string }>;

const PURPOSE = 'practitioner-feed';
const DAY = 86_400_000;
const ID = /^[A-Za-z0-9\-.]{1,64}$/;

/** A practitioner's appointments from a month back to three months ahead, as calendar events naming no patient. */
async function feedOf(deps: FeedDeps, practitioner: string): Promise<string> {
  const now = deps.clock.now();
  const page = await deps.store.search(
    'Appointment',
    new URLSearchParams([
      ['practitioner', `Practitioner/${practitioner}`],
      ['status', 'booked,arrived,checked-in,pending'],
      ['date', `ge${new Date(now.epochMilliseconds - 30 * DAY).toISOString()}`],
      ['date', `lt${new Date(now.epochMilliseconds + 90 * DAY).toISOString()}`],
      ['_count', '1000'],
      ['_include', 'Appointment:location'],
    ]),
  );
  const sites = new Map(page.included.map((r) => [`Location/${r.id}`, r as Location]));
  const events = (page.matches as Appointment[]).flatMap((a) => {
    if (!a.start || !a.end || !a.id) return [];
    const siteRef = a.participant.find((p) => p.required === 'information-only')?.actor?.reference;
    const site = siteRef ? sites.get(siteRef) : undefined;
    return [
      {
        uid: `${a.id}@careloop`,
        sequence: Number(a.meta?.versionId ?? 1),
        start: Temporal.Instant.from(a.start),
        end: Temporal.Instant.from(a.end),
        timeZone: timeZoneOn(site),
        // The feed is copied into outside calendar services: no patient name, no reason, only that a visit is booked.
        summary: a.status === 'pending' ? 'Held appointment' : 'Appointment',
        location: site?.name ?? '',
        status: a.status === 'pending' ? ('TENTATIVE' as const) : ('CONFIRMED' as const),
      },
    ];
  });
  return practitionerFeed({ name: 'CareLoop appointments', timeZone: 'UTC', stamp: now, events });
}

/**
 * A practitioner's calendar subscription (issue #5): `POST /calendar/feed-link` `{practitioner}` gives the
 * practitioner (or a supervisor or administrator) a feed URL valid for a year; `GET /calendar/feed.ics?token=…` serves
 * the iCalendar feed to calendar apps, which cannot sign in — the signed token in the query string is the credential.
 */
export async function calendarFeedRoutes(app: FastifyInstance, deps: FeedDeps): Promise<void> {
  app.post<{ Body: { practitioner?: unknown } }>('/calendar/feed-link', async (request) => {
    const actor = actorOf(request);
    const practitioner = String(request.body?.practitioner ?? '').replace(/^Practitioner\//, '');
    if (!ID.test(practitioner)) throw invalid('practitioner must be Practitioner/{id}', 'practitioner');
    const isSelf = actor.kind === 'user' && actor.reference === `Practitioner/${practitioner}`;
    const isManager = actor.kind === 'user' && actor.roles.some((r) => r === 'supervisor' || r === 'administrator');
    if (!isSelf && !isManager)
      throw new OutcomeError(
        {
          resourceType: 'OperationOutcome',
          issue: [
            {
              severity: 'error',
              code: 'forbidden',
              diagnostics: 'Only the practitioner, a supervisor or an administrator',
            },
          ],
        },
        403,
      );
    await deps.store.read('Practitioner', practitioner);
    const token = signLink(deps.linkKey, {
      purpose: PURPOSE,
      subject: practitioner,
      expiresAt: deps.clock.now().add({ hours: 24 * 365 }),
    });
    return { url: `${deps.baseUrl}/calendar/feed.ics?token=${token}` };
  });

  app.get<{ Querystring: { token?: unknown } }>('/calendar/feed.ics', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    const { subject } = verifyLink(deps.linkKey, token, { purpose: PURPOSE, now: deps.clock.now() });
    const body = await feedOf(deps, subject);
    await recordAuditEvent(deps.db.kysely, deps.clock, {
      action: 'R',
      subtype: 'search-type',
      outcome: 'success',
      outcomeDesc: 'calendar feed (signed link)',
      agent: { display: 'calendar feed link', reference: `Practitioner/${subject}` },
      patients: [],
      entities: [],
      recorded: deps.clock.now().toString(),
    });
    return reply.header('content-type', 'text/calendar; charset=utf-8').header('cache-control', 'no-store').send(body);
  });
}
