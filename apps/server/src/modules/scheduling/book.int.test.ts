import type { Appointment, Bundle, OperationOutcome, Patient, Task } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { TestApp } from '../../../test/harness.ts';
import { type Browser, signIn } from '../../../test/people.ts';
import { fixedClock } from '../../platform/clock.ts';
import { EXT } from './domain/fhir-mapping.ts';
import { schedulingApp } from './scheduling-world.fixture.ts';

// Monday 1 June 2026, 07:00 in Houston.
const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
let coord: Browser;

beforeAll(async () => {
  ({ t, coord } = await schedulingApp(clock, 'sch-book'));
}, 120_000);
afterAll(() => t?.close());

const R4 = '/fhir/R4';
const firstProposal = async (query = '') => {
  const res = await coord.request(
    'GET',
    `${R4}/Appointment/$find?service=HealthcareService/sch-cardio&patient=Patient/sch-pat&_count=1&${query}`,
  );
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Bundle<Appointment>>().entry?.[0]?.resource as Appointment;
};
const book = (appointment: Appointment, hold = false) =>
  coord.request('POST', `${R4}/Appointment/$book`, {
    resourceType: 'Parameters',
    parameter: [
      { name: 'appointment', resource: appointment },
      ...(hold ? [{ name: 'hold', valueBoolean: true }] : []),
    ],
  });
const op = (id: string, name: string, parameter: unknown[] = []) =>
  coord.request('POST', `${R4}/Appointment/${id}/$${name}`, { resourceType: 'Parameters', parameter });
const expression = (body: string) => (JSON.parse(body) as OperationOutcome).issue[0]?.expression?.[0];
const practitionerOf = (a: Appointment) =>
  a.participant.find((p) => p.actor?.reference?.startsWith('Practitioner/sch-dr'))?.actor?.reference;
const bookedCount = async () =>
  (
    await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM resource WHERE resource_type = 'Appointment' AND content->>'status' IN ('booked','pending')`.execute(
      t.db.kysely,
    )
  ).rows[0]?.n;

describe('Appointment/$book', () => {
  test('books a proposal; the time is then taken, with its clean-up buffer', async () => {
    const p = await firstProposal();
    const res = await book(p);
    expect(res.statusCode, res.body).toBe(201);
    const booked = res.json<Appointment>();
    expect(booked.status).toBe('booked');
    expect(
      booked.participant.filter((x) => x.required !== 'information-only').every((x) => x.status === 'accepted'),
    ).toBe(true);
    // The next proposal with the same practitioner starts after the visit and its 10 minutes of clean-up.
    const next = await coord.request(
      'GET',
      `${R4}/Appointment/$find?service=HealthcareService/sch-cardio&patient=Patient/sch-pat&_count=20`,
    );
    for (const e of next.json<Bundle<Appointment>>().entry ?? []) {
      const a = e.resource as Appointment;
      if (practitionerOf(a) !== practitionerOf(booked)) continue;
      const overlaps =
        Date.parse(a.start as string) < Date.parse(booked.end as string) + 10 * 60_000 &&
        Date.parse(a.end as string) > Date.parse(booked.start as string);
      expect(overlaps, a.start).toBe(false);
    }
  });

  test('64 concurrent bookings of one slot: exactly one succeeds, the others are 409 and store nothing', async () => {
    const p = await firstProposal();
    const before = await bookedCount();
    const results = await Promise.all(Array.from({ length: 64 }, () => book(p)));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(1);
    expect(codes.filter((c) => c === 409)).toHaveLength(63);
    expect(await bookedCount()).toBe((before ?? 0) + 1);
    const refused = results.find((r) => r.statusCode === 409);
    expect(expression(refused?.body ?? '{}')).toBe('Appointment.start');
  });

  test('a hold keeps the time for others until it lapses; a lapsed hold cannot be confirmed', async () => {
    const p = await firstProposal();
    const held = await book(p, true);
    expect(held.statusCode, held.body).toBe(201);
    const hold = held.json<Appointment>();
    expect(hold.status).toBe('pending');
    expect(hold.extension?.some((e) => e.url === EXT.holdExpires)).toBe(true);
    expect((await book(p)).statusCode).toBe(409);
    clock.advance({ minutes: 11 });
    try {
      const taken = await book(p);
      expect(taken.statusCode, taken.body).toBe(201);
      const confirm = await op(hold.id as string, 'confirm');
      expect(confirm.statusCode).toBe(400);
    } finally {
      clock.advance({ minutes: -11 });
    }
  });

  test('a confirmed hold is booked; cancel frees the time; reschedule moves it', async () => {
    const p = await firstProposal();
    const hold = (await book(p, true)).json<Appointment>();
    const confirmed = await op(hold.id as string, 'confirm');
    expect(confirmed.json<Appointment>().status).toBe('booked');
    const cancelled = await op(hold.id as string, 'cancel', [{ name: 'reason', valueString: 'Patient is travelling' }]);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json<Appointment>().cancelationReason?.text).toBe('Patient is travelling');
    const again = await book(p);
    expect(again.statusCode, again.body).toBe(201);
    const moved = await op(again.json<Appointment>().id as string, 'reschedule', [
      { name: 'start', valueDateTime: '2026-06-02T14:00:00Z' },
      { name: 'reason', valueString: 'Patient asked for Tuesday' },
    ]);
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json<Appointment>().start).toBe('2026-06-02T14:00:00.000Z');
    // Monday's time is free again.
    expect((await book(p)).statusCode).toBe(201);
  });

  test('bad bookings are 4xx naming the field and store nothing', async () => {
    const p = await firstProposal();
    const before = await bookedCount();
    const cases: [Appointment, number, string | undefined][] = [
      [{ ...p, start: '2026-06-01T20:00:00Z', end: '2026-06-01T20:30:00Z' }, 400, 'Appointment.participant[1]'],
      [{ ...p, start: '2026-05-29T14:00:00Z', end: '2026-05-29T14:30:00Z' }, 400, 'Appointment.start'],
      [{ ...p, end: '2026-06-01T18:00:00Z' }, 400, 'Appointment.end'],
      [
        { ...p, supportingInformation: [{ reference: 'HealthcareService/nope' }] },
        400,
        'Appointment.supportingInformation',
      ],
      [{ ...p, start: 'tomorrow' }, 400, 'Appointment.start'],
      [
        { ...p, participant: p.participant.filter((x) => !x.actor?.reference?.startsWith('Patient/')) },
        400,
        'Appointment.participant',
      ],
    ];
    for (const [a, status, field] of cases) {
      const res = await book(a);
      expect(res.statusCode, `${field} ${res.body}`).toBe(status);
      expect(expression(res.body)).toBe(field);
    }
    const foreign = await book({
      ...p,
      participant: p.participant.map((x) =>
        x.actor?.reference === 'Patient/sch-pat' ? { ...x, actor: { reference: 'Patient/nobody' } } : x,
      ),
    });
    expect(foreign.statusCode).toBe(404);
    expect((await coord.request('POST', `${R4}/Appointment/$book`, { resourceType: 'Parameters' })).statusCode).toBe(
      400,
    );
    expect(await bookedCount()).toBe(before);
  });
});

describe('needs', () => {
  test('booking for a patient who needs a ride and an interpreter puts both on the worklist, linked to the visit', async () => {
    await t.store.putMany([
      {
        resourceType: 'Flag',
        id: 'sch-ride',
        status: 'active',
        subject: { reference: 'Patient/sch-pat' },
        code: { coding: [{ system: 'https://careloop.dev/fhir/CodeSystem/patient-need', code: 'transport' }] },
      },
    ]);
    const patient = await t.store.read<Patient>('Patient', 'sch-pat');
    await t.store.update({
      ...patient,
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired', valueBoolean: true }],
    });
    const all = await coord.request(
      'GET',
      `${R4}/Appointment/$find?service=HealthcareService/sch-cardio&patient=Patient/sch-pat&_count=20`,
    );
    const withB = (all.json<Bundle<Appointment>>().entry ?? [])
      .map((e) => e.resource as Appointment)
      .find((a) => practitionerOf(a) === 'Practitioner/sch-dr-b');
    const withInterpreter = (all.json<Bundle<Appointment>>().entry ?? [])
      .map((e) => e.resource as Appointment)
      .find((a) => a.participant.some((p) => p.actor?.reference === 'Practitioner/sch-int-es'));
    const kinds = async (a: Appointment | undefined) => {
      const res = await book(a as Appointment);
      expect(res.statusCode, res.body).toBe(201);
      const id = res.json<Appointment>().id;
      const tasks = await t.store.search('Task', new URLSearchParams({ focus: `Appointment/${id}` }));
      return (tasks.matches as Task[]).map((x) => x.code?.coding?.[0]?.code).sort();
    };
    // Dr B speaks Spanish but the patient needs an interpreter anyway (interpreterRequired): both tasks.
    expect(await kinds(withB)).toEqual(['interpreter', 'transport']);
    // An interpreter already booked into the visit: only the ride.
    expect(await kinds(withInterpreter)).toEqual(['transport']);
  });
});

describe('no-shows', () => {
  test('only after the start; then noshow, a follow-up call on the worklist, and the rate', async () => {
    const p = await firstProposal();
    const booked = (await book(p)).json<Appointment>();
    expect((await op(booked.id as string, 'no-show')).statusCode).toBe(400);
    clock.advance({ hours: 30 });
    try {
      // A day later the session has idled out: sign in again.
      coord = await signIn(t.anonymous, clock, 'sch-book', coord.secret);
      const res = await op(booked.id as string, 'no-show');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json<Appointment>().status).toBe('noshow');
      const tasks = await t.store.search('Task', new URLSearchParams({ focus: `Appointment/${booked.id}` }));
      const task = (tasks.matches as Task[]).find((x) => x.code?.coding?.[0]?.code === 'follow-up-call') as Task;
      expect(task.description).toBe('Missed appointment: call the patient and rebook');
      expect(task.for?.reference).toBe('Patient/sch-pat');
      const rate = await coord.request('GET', `${R4}/Appointment/$no-show-rate?patient=Patient/sch-pat`);
      expect(rate.statusCode, rate.body).toBe(200);
      const parts = Object.fromEntries(
        rate
          .json<{ parameter: { name: string; valueInteger?: number }[] }>()
          .parameter.map((x) => [x.name, x.valueInteger]),
      );
      expect(parts.noShows).toBe(1);
      expect(parts.appointments).toBeGreaterThanOrEqual(1);
    } finally {
      clock.advance({ hours: -30 });
    }
  });
});
