import { describe, expect, test } from 'vitest';
import {
  type AppointmentSummary,
  actionsFor,
  byDay,
  calendarQuery,
  dayKey,
  rescheduleBody,
  splitAppointments,
  summarize,
  waitlistBody,
  weekDays,
  weekStart,
} from './model.ts';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const at = (iso: string, status = 'booked', id = iso): AppointmentSummary => ({
  id,
  status,
  start: iso,
  virtual: false,
});

describe('summarize', () => {
  test('patient, primary performer, site, service, video and version of a stored Appointment', () => {
    const s = summarize({
      resourceType: 'Appointment',
      id: 'a1',
      status: 'booked',
      start: '2026-12-10T15:00:00Z',
      end: '2026-12-10T15:30:00Z',
      meta: { versionId: '3' },
      supportingInformation: [{ reference: 'Condition/c' }, { reference: 'HealthcareService/cardio' }],
      extension: [{ url: 'https://careloop.dev/fhir/StructureDefinition/virtual-visit', valueBoolean: true }],
      participant: [
        { actor: { reference: 'Practitioner/int' }, type: [{ coding: [{ code: 'translator' }] }] },
        { actor: { reference: 'Patient/p' } },
        { actor: { reference: 'Practitioner/dr' }, type: [{ coding: [{ code: 'PPRF' }] }] },
        { actor: { reference: 'Location/site', display: 'Heights Clinic' }, required: 'information-only' },
      ],
    });
    expect(s).toEqual({
      id: 'a1',
      status: 'booked',
      start: '2026-12-10T15:00:00Z',
      end: '2026-12-10T15:30:00Z',
      patient: 'Patient/p',
      practitioner: 'Practitioner/dr',
      site: 'Heights Clinic',
      service: 'HealthcareService/cardio',
      virtual: true,
      requested: undefined,
      version: '3',
    });
  });

  test('a waitlist entry: no time, its requested period; a practitioner without a performer type still counts', () => {
    const s = summarize({
      resourceType: 'Appointment',
      id: 'w',
      status: 'waitlist',
      requestedPeriod: [{ start: '2026-12-04T00:00:00Z', end: '2027-01-04T00:00:00Z' }],
      participant: [{ actor: { reference: 'Patient/p' } }, { actor: { reference: 'Practitioner/x' } }],
    });
    expect(s).toMatchObject({ status: 'waitlist', start: undefined, practitioner: 'Practitioner/x', virtual: false });
    expect(s.requested).toEqual({ start: '2026-12-04T00:00:00Z', end: '2027-01-04T00:00:00Z' });
  });
});

describe('splitAppointments and actionsFor', () => {
  const list = [
    at('2026-12-20T09:00:00Z'),
    at('2026-12-05T09:00:00Z'),
    at('2026-11-20T09:00:00Z', 'fulfilled'),
    at('2026-12-01T09:00:00Z'),
    { id: 'w', status: 'waitlist', virtual: false },
  ];

  test('upcoming soonest first, past latest first, the waitlist apart', () => {
    const s = splitAppointments(list, NOW);
    expect(s.upcoming.map((a) => a.start)).toEqual(['2026-12-05T09:00:00Z', '2026-12-20T09:00:00Z']);
    expect(s.past.map((a) => a.start)).toEqual(['2026-12-01T09:00:00Z', '2026-11-20T09:00:00Z']);
    expect(s.waitlist.map((a) => a.id)).toEqual(['w']);
  });

  test.each([
    ['booked, ahead', at('2026-12-05T09:00:00Z'), { reschedule: true, cancel: true, noShow: false }],
    ['held, ahead', at('2026-12-05T09:00:00Z', 'pending'), { reschedule: true, cancel: true, noShow: false }],
    ['booked, started', at('2026-12-03T11:00:00Z'), { reschedule: false, cancel: false, noShow: true }],
    ['arrived', at('2026-12-03T11:00:00Z', 'arrived'), { reschedule: false, cancel: false, noShow: false }],
    ['seen', at('2026-11-20T09:00:00Z', 'fulfilled'), { reschedule: false, cancel: false, noShow: false }],
    ['cancelled, ahead', at('2026-12-05T09:00:00Z', 'cancelled'), { reschedule: false, cancel: false, noShow: false }],
    ['waitlist', { id: 'w', status: 'waitlist', virtual: false }, { reschedule: false, cancel: true, noShow: false }],
  ])('%s', (_, a, may) => {
    expect(actionsFor(a, NOW)).toEqual(may);
  });
});

describe('request bodies', () => {
  test('$reschedule: the new start as a dateTime, the proposal, the reason', () => {
    const proposal = { resourceType: 'Appointment' as const, start: '2026-12-11T10:00:00Z', participant: [] };
    expect(rescheduleBody(proposal, 'Patient asked for a morning')).toEqual({
      resourceType: 'Parameters',
      parameter: [
        { name: 'start', valueDateTime: '2026-12-11T10:00:00Z' },
        { name: 'appointment', resource: proposal },
        { name: 'reason', valueString: 'Patient asked for a morning' },
      ],
    });
  });

  test('$waitlist: from the first day’s local midnight to the end of the last day', () => {
    const body = waitlistBody('p', 's', ['2026-12-04', '2026-12-10']);
    const value = (name: string) => body.parameter.find((p) => p.name === name);
    expect(value('patient')).toEqual({ name: 'patient', valueReference: { reference: 'Patient/p' } });
    expect(value('service')).toEqual({ name: 'service', valueReference: { reference: 'HealthcareService/s' } });
    expect(value('from')).toEqual({ name: 'from', valueDateTime: new Date(2026, 11, 4).toISOString() });
    expect(value('to')).toEqual({ name: 'to', valueDateTime: new Date(2026, 11, 11).toISOString() });
    expect(waitlistBody('p', 's', [null, null]).parameter.map((p) => p.name)).toEqual(['patient', 'service']);
  });
});

describe('the week', () => {
  test('starts on the Monday at local midnight, whatever the day and hour', () => {
    // 2026-12-07 is a Monday; the 13th the Sunday ending its week.
    for (const day of [7, 8, 10, 13]) expect(weekStart(new Date(2026, 11, day, 23, 30))).toEqual(new Date(2026, 11, 7));
    expect(weekStart(new Date(2026, 11, 6, 8))).toEqual(new Date(2026, 10, 30));
    expect(weekStart(new Date(2027, 0, 1))).toEqual(new Date(2026, 11, 28));
  });

  test('has seven local days, midnight to midnight, also across a daylight-saving change', () => {
    // In zones that observe it, 2027-03-14 (US) or 2027-03-28 (EU) moves the clocks within these weeks.
    for (const start of [new Date(2027, 2, 8), new Date(2027, 2, 22)]) {
      const days = weekDays(start);
      expect(days).toHaveLength(7);
      expect(days.every((d) => d.getHours() === 0)).toBe(true);
      expect(days.map((d) => d.getDate())).toEqual(Array.from({ length: 7 }, (_, i) => start.getDate() + i));
    }
  });

  test("the practitioner's search covers the week, and its answer is grouped by local day in time order", () => {
    const start = new Date(2026, 11, 7);
    const q = new URLSearchParams(calendarQuery('Practitioner/dr', start));
    expect(q.get('practitioner')).toBe('Practitioner/dr');
    expect(q.getAll('date')).toEqual([`ge${start.toISOString()}`, `lt${new Date(2026, 11, 14).toISOString()}`]);
    expect(q.get('status')?.split(',')).not.toContain('cancelled');
    const late = new Date(2026, 11, 8, 16).toISOString();
    const early = new Date(2026, 11, 8, 9).toISOString();
    const next = new Date(2026, 11, 9, 9).toISOString();
    const days = byDay([at(late), at(next), at(early), { id: 'w', status: 'waitlist', virtual: false }]);
    expect([...days.keys()]).toEqual([dayKey(new Date(2026, 11, 8)), dayKey(new Date(2026, 11, 9))]);
    expect(days.get('2026-12-08')?.map((a) => a.start)).toEqual([early, late]);
  });
});
