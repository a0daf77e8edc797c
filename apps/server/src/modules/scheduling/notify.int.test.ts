import type { Appointment, AppointmentResponse, Bundle, Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, person, signIn } from '../../../test/people.ts';
import { eventually, type Received, smtpInbox } from '../../../test/smtp-inbox.ts';
import { fixedClock } from '../../platform/clock.ts';
import { schedulingWorld } from './scheduling-world.fixture.ts';

// What the patient hears about a booking, over real SMTP and the SMS outbox, and what their links do; the waitlist
// offered a freed time. The clock is now (the job queue schedules reminders on the database's clock).
const clock = fixedClock(`${new Date(Date.now() + 60_000).toISOString().slice(0, 16)}:00Z`);
let t: TestApp;
let coord: Browser;
let smtp: Awaited<ReturnType<typeof smtpInbox>>;
const R4 = '/fhir/R4';

beforeAll(async () => {
  smtp = await smtpInbox();
  t = await createTestApp({
    clock,
    config: { smtpUrl: smtp.url, jobsEnabled: true, baseUrl: 'http://careloop.test', logLevel: 'error' },
  });
  const world = schedulingWorld().map((r) =>
    r.resourceType === 'Patient'
      ? ({
          ...r,
          telecom: [
            { system: 'email', value: 'beatriz@example.org' },
            { system: 'sms', value: '+17135550101' },
          ],
        } as Resource)
      : r,
  );
  await t.store.putMany([
    ...world,
    { resourceType: 'Patient', id: 'sch-pat-2', telecom: [{ system: 'email', value: 'second@example.org' }] },
    {
      resourceType: 'CareTeam',
      id: 'sch-team-2',
      status: 'active',
      subject: { reference: 'Patient/sch-pat-2' },
      participant: [{ member: { reference: 'Practitioner/sch-coord' } }],
    },
  ]);
  await person(t, clock, {
    username: 'sch-notify',
    roles: ['care-coordinator'],
    fhirReference: 'Practitioner/sch-coord',
  });
  coord = await signIn(t.anonymous, clock, 'sch-notify');
}, 120_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const decoded = (m: Received) =>
  m.raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
const mailsTo = (who: string) => smtp.inbox.filter((m) => m.to === who).map(decoded);
const linkIn = (text: string, action: string) =>
  new RegExp(`http://careloop\\.test/appointment\\?action=${action}&token=([A-Za-z0-9_.-]+)`).exec(text)?.[1];
const firstProposal = async (patient: string, query = '') => {
  const res = await coord.request(
    'GET',
    `${R4}/Appointment/$find?service=HealthcareService/sch-cardio&patient=Patient/${patient}&start=${clock
      .now()
      .add({ hours: 24 * 8 })
      .toString()}&_count=1${query}`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Bundle<Appointment>>().entry?.[0]?.resource as Appointment;
};
const book = async (a: Appointment) => {
  const res = await coord.request('POST', `${R4}/Appointment/$book`, a);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<Appointment>();
};
const page = (path: string, form?: Record<string, string>) =>
  t.anonymous({
    method: form ? 'POST' : 'GET',
    url: path,
    ...(form
      ? {
          payload: new URLSearchParams(form).toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }
      : {}),
  });
const outbox = async () =>
  (
    await sql<{ recipient: string; body: string }>`SELECT recipient, body FROM message_outbox ORDER BY id`.execute(
      t.db.kysely,
    )
  ).rows;

describe('appointment messages and links', () => {
  test('booking mails the patient (with the calendar invitation) and texts them; reminders are queued', async () => {
    const booked = await book(await firstProposal('sch-pat'));
    await eventually(() => mailsTo('beatriz@example.org').length > 0);
    const mail = mailsTo('beatriz@example.org')[0] as string;
    // Spanish, as the patient prefers; date, time and place only.
    expect(mail).toContain('Subject: Cita programada para el');
    expect(smtp.inbox.some((m) => m.raw.includes('text/calendar; charset=utf-8; method=REQUEST'))).toBe(true);
    expect(mail).toContain(`UID:${booked.id}@careloop`);
    for (const phi of ['Booker', 'Cardiology', 'FOLLOWUP', 'sch-pat']) expect(mail).not.toContain(phi);
    await eventually(async () => (await outbox()).some((m) => m.recipient === '+17135550101'));
    const sms = (await outbox()).find((m) => m.recipient === '+17135550101');
    expect(sms?.body.length).toBeLessThanOrEqual(320);
    const reminders = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'appointment-message' AND data->>'kind' = 'reminder'
        AND data->>'appointment' = ${booked.id}`.execute(t.db.kysely);
    // REMINDER_SCHEDULE 7d,1d,2h: all three are still ahead of a visit eight days out.
    expect(reminders.rows[0]?.n).toBe(3);
  });

  test('the confirm link shows the time and records the acceptance only on POST; a tampered token is refused', async () => {
    const mail = mailsTo('beatriz@example.org')[0] as string;
    const token = linkIn(mail, 'confirm') as string;
    expect(token).toBeDefined();
    const view = await page(`/appointment?action=confirm&token=${token}`);
    expect(view.statusCode).toBe(200);
    expect(view.body).toContain('lang="es"');
    expect(view.body).toContain('<form method="post" action="/appointment">');
    const responses = async () =>
      (await t.store.search('AppointmentResponse', new URLSearchParams({ _count: '100' }))).matches.length;
    expect(await responses()).toBe(0);
    const done = await page('/appointment', { action: 'confirm', token });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('confirmada');
    const after = (await t.store.search('AppointmentResponse', new URLSearchParams({})))
      .matches as AppointmentResponse[];
    expect(after.map((r) => r.participantStatus)).toEqual(['accepted']);
    const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await page(`/appointment?action=confirm&token=${tampered}`)).statusCode).toBe(400);
    // A confirm token cannot cancel.
    expect((await page('/appointment', { action: 'cancel', token })).statusCode).toBe(400);
    // Not a token at all.
    expect((await page('/appointment?action=confirm&token=abc')).statusCode).toBe(400);
  });

  test('the cancel link cancels, and the patient gets the cancellation with the calendar CANCEL', async () => {
    const mail = mailsTo('beatriz@example.org')[0] as string;
    const token = linkIn(mail, 'cancel') as string;
    const before = mailsTo('beatriz@example.org').length;
    const done = await page('/appointment', { action: 'cancel', token });
    expect(done.statusCode, done.body).toBe(200);
    await eventually(() => mailsTo('beatriz@example.org').length > before);
    // Headers are read raw: quoted-printable decoding would mangle "method=CANCEL" (=CA).
    const raw = () => smtp.inbox.filter((m) => m.to === 'beatriz@example.org').map((m) => m.raw);
    await eventually(() => raw().some((m) => m.includes('method=CANCEL')));
    const cancelled = raw().find((m) => m.includes('method=CANCEL')) as string;
    expect(cancelled).toContain('Subject: Cita cancelada:');
    expect(cancelled).toContain('STATUS:CANCELLED');
  });
});

describe('the waitlist', () => {
  test('a freed time is held for the longest-waiting patient it fits, who is told and confirms by the link', async () => {
    const joined = await coord.request('POST', `${R4}/Appointment/$waitlist`, {
      resourceType: 'Parameters',
      parameter: [
        { name: 'service', valueReference: { reference: 'HealthcareService/sch-cardio' } },
        { name: 'patient', valueReference: { reference: 'Patient/sch-pat-2' } },
        { name: 'from', valueDateTime: clock.now().toString() },
        {
          name: 'to',
          valueDateTime: clock
            .now()
            .add({ hours: 24 * 30 })
            .toString(),
        },
      ],
    });
    expect(joined.statusCode, joined.body).toBe(201);
    const entry = joined.json<Appointment>();
    expect(entry.status).toBe('waitlist');
    const booked = await book(await firstProposal('sch-pat'));
    const cancel = await coord.request('POST', `${R4}/Appointment/${booked.id}/$cancel`, {
      resourceType: 'Parameters',
      parameter: [{ name: 'reason', valueString: 'Patient feels better' }],
    });
    expect(cancel.statusCode, cancel.body).toBe(200);
    await eventually(() => mailsTo('second@example.org').length > 0);
    const offer = mailsTo('second@example.org')[0] as string;
    expect(offer).toContain('Subject: A time has opened up on');
    const held = (
      await t.store.search('Appointment', new URLSearchParams({ patient: 'Patient/sch-pat-2', status: 'pending' }))
    ).matches as Appointment[];
    expect(held.map((h) => h.start)).toEqual([booked.start]);
    const done = await page('/appointment', { action: 'confirm', token: linkIn(offer, 'confirm') as string });
    expect(done.statusCode, done.body).toBe(200);
    expect((await t.store.read<Appointment>('Appointment', held[0]?.id as string)).status).toBe('booked');
    expect((await t.store.read<Appointment>('Appointment', entry.id as string)).status).toBe('cancelled');
  });
});

describe("a practitioner's calendar feed", () => {
  test('a signed feed link for oneself only; the feed lists the bookings without naming anyone', async () => {
    await person(t, clock, { username: 'sch-dr-a-user', roles: ['clinician'], fhirReference: 'Practitioner/sch-dr-a' });
    const doctor = await signIn(t.anonymous, clock, 'sch-dr-a-user');
    const booked = await book(await firstProposal('sch-pat', '&in-network=true'));
    expect(booked.participant.some((p) => p.actor?.reference === 'Practitioner/sch-dr-a')).toBe(true);
    expect(
      (await doctor.request('POST', '/calendar/feed-link', { practitioner: 'Practitioner/sch-dr-b' })).statusCode,
    ).toBe(403);
    const link = await doctor.request('POST', '/calendar/feed-link', { practitioner: 'Practitioner/sch-dr-a' });
    expect(link.statusCode, link.body).toBe(200);
    const url = new URL(link.json<{ url: string }>().url);
    const feed = await t.anonymous({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toContain('text/calendar');
    expect(feed.body).toContain(`UID:${booked.id}@careloop`);
    for (const phi of ['Booker', 'Beatriz', 'sch-pat', 'Cardiology']) expect(feed.body).not.toContain(phi);
    const token = url.searchParams.get('token') as string;
    expect(
      (await t.anonymous({ method: 'GET', url: `/calendar/feed.ics?token=${token.slice(0, -1)}x` })).statusCode,
    ).toBe(400);
  });
});
