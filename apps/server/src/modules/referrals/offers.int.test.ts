import type { Bundle, Parameters, ServiceRequest, Task } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectOutcome, expressions, rowCounts } from '../../../test/builders.ts';
import { eventually } from '../../../test/smtp-inbox.ts';
import { fixedClock } from '../../platform/clock.ts';
import {
  advance,
  CARDIOLOGY,
  R4,
  type ReferralTest,
  refer,
  referBody,
  referralApp,
  signInAgain,
  stageNow,
} from './referral-world.fixture.ts';
import { sweepReferrals } from './sla.ts';

// Offers inside CareLoop, on the real database with the job queue: parallel offers (first acceptance wins), the
// sequential route on decline and on time-out, stalled stages raising a follow-up, the whole loop, the measures —
// with an injected clock (the sweep is run at chosen times).
const clock = fixedClock(`${new Date(Date.now() + 60_000).toISOString().slice(0, 16)}:00Z`);
let w: ReferralTest;
const roles = [1, 2, 3].map((n) => `PractitionerRole/ref-card-role-${n}`);

beforeAll(async () => {
  w = await referralApp(clock);
}, 120_000);
afterAll(() => w?.t.close());

const smsTo = async (number: string) =>
  (
    await sql<{ body: string }>`SELECT body FROM message_outbox WHERE recipient = ${number} ORDER BY id`.execute(
      w.t.db.kysely,
    )
  ).rows.map((r) => r.body);

describe('parallel offers and the whole loop inside CareLoop', () => {
  test('offered to three at once, each on their worklist; the first to accept wins, the others are withdrawn', async () => {
    const { sr, offers } = await refer(w.coord, referBody(roles, { strategy: 'parallel' }));
    expect(offers.map((o) => o.businessStatus?.coding?.[0]?.code)).toEqual(['sent', 'sent', 'sent']);
    for (const [i, card] of w.cardiologists.entries()) {
      const list = await card.request('GET', `${R4}/Task/$worklist`);
      expect(list.statusCode, list.body).toBe(200);
      const ids = (list.json<Bundle>().entry ?? []).map((e) => e.resource?.id);
      expect(ids).toContain(offers[i]?.id);
      // The receiver sees the patient and the packet now (the referral made them part of the care team).
      expect((await card.request('GET', `${R4}/Condition/ref-cond`)).statusCode).toBe(200);
    }
    const [o1, o2, o3] = offers.map((o) => o.id as string) as [string, string, string];
    const accepted = await advance(w.cardiologists[1] as never, o2, 'accepted');
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(await stageNow(w.coord, o1)).toBe('withdrawn');
    expect(await stageNow(w.coord, o3)).toBe('withdrawn');
    // Too late: a withdrawn offer cannot be accepted, and nothing changes.
    const before = await rowCounts(w.t.db);
    expectOutcome(await advance(w.cardiologists[0] as never, o1, 'accepted'), 409);
    expect(await rowCounts(w.t.db)).toEqual(before);

    // Booked, seen, the report back, closed by the referrer.
    const card2 = w.cardiologists[1] as ReferralTest['coord'];
    const start = clock.now().add({ hours: 72 }).toString();
    const appt = await card2.request('POST', `${R4}/Appointment`, {
      resourceType: 'Appointment',
      status: 'booked',
      start,
      end: clock
        .now()
        .add({ minutes: 72 * 60 + 30 })
        .toString(),
      participant: [
        { actor: { reference: 'Patient/ref-pat' }, status: 'accepted' },
        { actor: { reference: 'Practitioner/ref-card-2' }, status: 'accepted' },
      ],
    });
    expect(appt.statusCode, appt.body).toBe(201);
    const apptRef = `Appointment/${appt.json<{ id: string }>().id}`;
    const scheduled = await advance(card2, o2, 'scheduled', [
      { name: 'appointment', valueReference: { reference: apptRef } },
    ]);
    expect(scheduled.statusCode, scheduled.body).toBe(200);
    expect(scheduled.json<Task>().output?.[0]?.valueReference?.reference).toBe(apptRef);
    // The report is due seven business days after the visit.
    expect(Date.parse(scheduled.json<Task>().restriction?.period?.end as string)).toBeGreaterThan(Date.parse(start));
    expect((await advance(card2, o2, 'seen')).statusCode).toBe(200);
    const note = await card2.request('POST', `${R4}/DocumentReference`, {
      resourceType: 'DocumentReference',
      status: 'current',
      subject: { reference: 'Patient/ref-pat' },
      type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
      content: [
        { attachment: { contentType: 'text/plain', data: Buffer.from('Rate control started.').toString('base64') } },
      ],
    });
    expect(note.statusCode, note.body).toBe(201);
    const noteRef = `DocumentReference/${note.json<{ id: string }>().id}`;
    const reported = await advance(card2, o2, 'report-received', [
      { name: 'report', valueReference: { reference: noteRef } },
    ]);
    expect(reported.statusCode, reported.body).toBe(200);
    // Only the referrer closes the loop.
    expectOutcome(await advance(card2, o2, 'closed'), 409);
    const closed = await advance(w.coord, o2, 'closed');
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json<Task>().status).toBe('completed');
    const request = await w.coord.request('GET', `${R4}/ServiceRequest/${sr}`);
    expect(request.json<ServiceRequest>().status).toBe('completed');

    // The patient heard of it once per event, by text, with nothing clinical.
    await eventually(async () => (await smsTo('+17135550142')).length >= 3);
    const texts = await smsTo('+17135550142');
    expect(texts).toHaveLength(3);
    // Jobs run in parallel: the texts arrive in any order, one for each event.
    expect(texts.filter((x) => x.includes('has sent a referral'))).toHaveLength(1);
    expect(texts.filter((x) => x.includes('has been accepted'))).toHaveLength(1);
    expect(texts.filter((x) => x.includes('appointment has been made'))).toHaveLength(1);
    expect(texts.join(' ')).not.toMatch(/cardio|fibrillation|Heart|Casey|Alvarez/i);
  });
});

describe('sequential offers reroute on decline and on time-out; stalled stages raise a follow-up', () => {
  test('decline → next candidate; no answer in time → expired → next; accepted and stalled → one follow-up task', async () => {
    const { offers } = await refer(w.coord, referBody(roles, { strategy: 'sequential' }));
    const [o1, o2, o3] = offers.map((o) => o.id as string) as [string, string, string];
    expect(offers.map((o) => o.businessStatus?.coding?.[0]?.code)).toEqual(['sent', 'draft', 'draft']);
    // A decline needs a reason; without one nothing changes.
    expectOutcome(await advance(w.cardiologists[0] as never, o1, 'declined'), 400);
    expect(await stageNow(w.coord, o1)).toBe('sent');
    const declined = await advance(w.cardiologists[0] as never, o1, 'declined', [
      { name: 'reason', valueString: 'Not taking new patients' },
    ]);
    expect(declined.statusCode, declined.body).toBe(200);
    expect(await stageNow(w.coord, o2)).toBe('sent');
    expect(await stageNow(w.coord, o3)).toBe('draft');

    // Urgent: five business days to answer. Before that the sweep leaves the offer alone; after, it expires.
    const due = Date.parse(
      (await w.coord.request('GET', `${R4}/Task/${o2}`)).json<Task>().restriction?.period?.end as string,
    );
    expect(await sweepReferrals(w.t.store, clock.now())).toEqual({ expired: 0, stalled: 0 });
    clock.advance({ milliseconds: due - clock.now().epochMilliseconds + 60_000 });
    w = await signInAgain(w, clock);
    const swept = await sweepReferrals(w.t.store, clock.now());
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect(await stageNow(w.coord, o2)).toBe('expired');
    expect(await stageNow(w.coord, o3)).toBe('sent');

    expect((await advance(w.cardiologists[2] as never, o3, 'accepted')).statusCode).toBe(200);
    const acceptedDue = Date.parse(
      (await w.coord.request('GET', `${R4}/Task/${o3}`)).json<Task>().restriction?.period?.end as string,
    );
    clock.advance({ milliseconds: acceptedDue - clock.now().epochMilliseconds + 60_000 });
    w = await signInAgain(w, clock);
    expect((await sweepReferrals(w.t.store, clock.now())).stalled).toBeGreaterThanOrEqual(1);
    expect((await sweepReferrals(w.t.store, clock.now())).stalled).toBe(0);
    const followUps = await w.coord.request(
      'GET',
      `${R4}/Task?code=https://careloop.dev/fhir/CodeSystem/task-type|referral-follow-up&focus=Task/${o3}`,
    );
    const tasks = (followUps.json<Bundle<Task>>().entry ?? []).map((e) => e.resource as Task);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.owner?.reference).toBe('Practitioner/ref-coord');
    expect(tasks[0]?.description).toMatch(/stalled: accepted/);
  });
});

describe('bad input: clear 4xx, nothing changed', () => {
  const refused = async (body: Parameters, status: number, field?: string) => {
    const before = await rowCounts(w.t.db);
    const outcome = expectOutcome(await w.coord.request('POST', `${R4}/ServiceRequest/$refer`, body), status);
    if (field) expect(expressions(outcome).join(' ')).toContain(field);
    expect(await rowCounts(w.t.db)).toEqual(before);
  };

  test('a patient the coordinator cannot see', async () => {
    const before = await rowCounts(w.t.db);
    const res = await w.coord.request(
      'POST',
      `${R4}/ServiceRequest/$refer`,
      referBody(roles, { patient: 'Patient/ref-other', packet: [] }),
    );
    expect([403, 404]).toContain(res.statusCode);
    expect(await rowCounts(w.t.db)).toEqual(before);
  });

  test('a receiver that does not exist, or is not a receiver', async () => {
    await refused(referBody(['PractitionerRole/nope']), 400, 'receiver[0]');
    await refused(referBody(['Patient/ref-pat']), 400, 'receiver[0]');
    await refused(referBody([]), 400, 'receiver');
  });

  test("another patient's record in the packet", async () => {
    await refused(referBody(roles, { packet: ['Condition/ref-other-cond'] }), 400, 'packet[0]');
  });

  test('missing or malformed parameters', async () => {
    const body = referBody(roles);
    await refused({ ...body, parameter: body.parameter?.filter((p) => p.name !== 'reason') }, 400, 'reason');
    await refused({ ...body, parameter: body.parameter?.filter((p) => p.name !== 'specialty') }, 400, 'specialty');
    await refused(referBody(roles, { urgency: 'whenever' }), 400, 'urgency');
    await refused(
      { ...body, parameter: [...(body.parameter ?? []), { name: 'colour', valueString: 'red' }] },
      400,
      'colour',
    );
    await refused({ resourceType: 'Patient' } as never, 400);
  });

  test('a step that skips the lifecycle, or is not the caller’s to make', async () => {
    const { offers } = await refer(w.coord, referBody([roles[0] as string]));
    const offer = offers[0]?.id as string;
    const before = await rowCounts(w.t.db);
    expectOutcome(await advance(w.coord, offer, 'closed'), 409);
    expectOutcome(await advance(w.coord, offer, 'accepted'), 409);
    expectOutcome(await advance(w.cardiologists[0] as never, offer, 'scheduled'), 409);
    expectOutcome(await advance(w.coord, offer, 'finished'), 400);
    expectOutcome(
      await w.coord.request('POST', `${R4}/Task/not%20an%20id/$advance`, { resourceType: 'Parameters' }),
      400,
    );
    expect(await rowCounts(w.t.db)).toEqual(before);
    // Cancelling needs a reason; with one, every offer ends and the referral is revoked.
    const sr = offers[0]?.basedOn?.[0]?.reference as string;
    expectOutcome(await w.coord.request('POST', `${R4}/${sr}/$cancel`, { resourceType: 'Parameters' }), 400);
    const cancelled = await w.coord.request('POST', `${R4}/${sr}/$cancel`, {
      resourceType: 'Parameters',
      parameter: [{ name: 'reason', valueString: 'Patient chose to wait' }],
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json<ServiceRequest>().status).toBe('revoked');
    expect(await stageNow(w.coord, offer)).toBe('cancelled');
    expectOutcome(
      await w.coord.request('POST', `${R4}/${sr}/$cancel`, {
        resourceType: 'Parameters',
        parameter: [{ name: 'reason', valueString: 'Again' }],
      }),
      409,
    );
  });
});

describe('the directory and the measures', () => {
  test('receivers of a specialty, ranked, with how each receives referrals', async () => {
    const res = await w.coord.request(
      'GET',
      `${R4}/ServiceRequest/$receivers?specialty=${encodeURIComponent(`${CARDIOLOGY.system}|${CARDIOLOGY.code}`)}&patient=Patient/ref-pat`,
    );
    expect(res.statusCode, res.body).toBe(200);
    const entries = res.json<Bundle>().entry ?? [];
    const refs = entries.map((e) => `${e.resource?.resourceType}/${e.resource?.id}`);
    expect(refs).toEqual(expect.arrayContaining([...roles, 'HealthcareService/ref-office-svc']));
    const office = entries.find((e) => e.resource?.id === 'ref-office-svc');
    expect(office?.search?.extension?.find((x) => x.url.endsWith('referral-channel'))?.valueCode).toBe('email');
    expectOutcome(await w.coord.request('GET', `${R4}/ServiceRequest/$receivers`), 400);
    expectOutcome(await w.coord.request('GET', `${R4}/ServiceRequest/$receivers?specialty=x&max-distance=-1`), 400);
  });

  test('loop closure, decline reasons and medians, overall and by receiver', async () => {
    const res = await w.coord.request('GET', `${R4}/ServiceRequest/$referral-measures`);
    expect(res.statusCode, res.body).toBe(200);
    const overall = res.json<Parameters>().parameter?.find((p) => p.name === 'overall');
    const part = (name: string) => overall?.part?.find((p) => p.name === name);
    expect(part('referrals')?.valueInteger).toBe(3);
    expect(part('closed')?.valueInteger).toBe(1);
    // One closed of the two not cancelled.
    expect(part('loopClosureRate')?.valueDecimal).toBe(0.5);
    expect(part('medianDaysToAppointment')?.valueDecimal).toBeGreaterThanOrEqual(0);
    const reasons = overall?.part?.filter((p) => p.name === 'declineReason').map((p) => p.part?.[0]?.valueString);
    expect(reasons).toContain('Not taking new patients');
    const byReceiver = res.json<Parameters>().parameter?.filter((p) => p.name === 'byReceiver') ?? [];
    expect(byReceiver.map((p) => p.part?.[0]?.valueString)).toEqual(expect.arrayContaining(roles));
    expectOutcome(await w.coord.request('GET', `${R4}/ServiceRequest/$referral-measures?from=2026-13-01`), 400);
  });
});

describe('when every candidate has said no', () => {
  test('the last candidate declines: the coordinator gets a follow-up to choose others', async () => {
    const { sr, offers } = await refer(w.coord, referBody(roles.slice(0, 1)));
    const reason = [{ name: 'reason', valueString: 'Outside our service area' }];
    expect((await advance(w.cardiologists[0] as never, offers[0]?.id as string, 'declined', reason)).statusCode).toBe(
      200,
    );
    const res = await w.coord.request(
      'GET',
      `${R4}/Task?code=https://careloop.dev/fhir/CodeSystem/task-type|referral-follow-up&focus=ServiceRequest/${sr}`,
    );
    const tasks = (res.json<Bundle<Task>>().entry ?? []).map((e) => e.resource as Task);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.owner?.reference).toBe('Practitioner/ref-coord');
    expect(tasks[0]?.description).toMatch(/No receiver took the referral/);
    // The referral stays open for other receivers.
    expect((await w.coord.request('GET', `${R4}/ServiceRequest/${sr}`)).json<ServiceRequest>().status).toBe('active');
  });
});
