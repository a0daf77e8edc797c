import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { type Availability, compileAvailability, openIntervals, type WeeklyHours } from './availability.ts';
import { type Interval, normalize, totalLength } from './intervals.ts';

const weekdays = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
/** A local wall time in a zone as an instant, by Temporal (independent of the code under test). */
const at = (local: string, zone: string) =>
  Temporal.PlainDateTime.from(local).toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
const window = (from: string, to: string, zone: string): Interval => ({ start: at(from, zone), end: at(to, zone) });
/** Intervals as UTC, `2026-03-06T14:00Z/23:00Z`: the expected values are worked out by hand from the zone's offset. */
const utc = (list: readonly Interval[]) =>
  list.map((i) => {
    const [s, e] = [new Date(i.start).toISOString(), new Date(i.end).toISOString()];
    return `${s.slice(0, 16)}Z/${e.slice(0, 10) === s.slice(0, 10) ? e.slice(11, 16) : e.slice(0, 16)}Z`;
  });
/** Intervals as local wall times, `2026-03-06 08:00–17:00`. */
const local = (list: readonly Interval[], zone: string) =>
  list.map((i) => {
    const [s, e] = [i.start, i.end].map((ms) =>
      Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(zone).toPlainDateTime().toString(),
    ) as [string, string];
    return `${s.slice(0, 10)} ${s.slice(11, 16)}–${e.slice(0, 10) === s.slice(0, 10) ? '' : `${e.slice(0, 10)} `}${e.slice(11, 16)}`;
  });
const open = (a: Availability, from: string, to: string) =>
  openIntervals(compileAvailability(a), window(from, to, a.timeZone));

describe('working hours across DST changes', () => {
  test.each([
    [
      'Chicago, spring forward (Sun 8 Mar 2026): 08:00 stays 08:00, an hour earlier in UTC',
      'America/Chicago',
      ['2026-03-06T00:00', '2026-03-10T00:00'],
      ['2026-03-06T14:00Z/23:00Z', '2026-03-09T13:00Z/22:00Z'],
    ],
    [
      'Chicago, fall back (Sun 1 Nov 2026): an hour later in UTC',
      'America/Chicago',
      ['2026-10-30T00:00', '2026-11-03T00:00'],
      ['2026-10-30T13:00Z/22:00Z', '2026-11-02T14:00Z/23:00Z'],
    ],
    [
      'London, BST begins (Sun 29 Mar 2026)',
      'Europe/London',
      ['2026-03-27T00:00', '2026-03-31T00:00'],
      ['2026-03-27T08:00Z/17:00Z', '2026-03-30T07:00Z/16:00Z'],
    ],
    [
      'London, BST ends (Sun 25 Oct 2026)',
      'Europe/London',
      ['2026-10-23T00:00', '2026-10-27T00:00'],
      ['2026-10-23T07:00Z/16:00Z', '2026-10-26T08:00Z/17:00Z'],
    ],
    [
      'Kolkata has no DST: 08:00 IST is 02:30Z on both sides of the US change',
      'Asia/Kolkata',
      ['2026-03-06T00:00', '2026-03-10T00:00'],
      ['2026-03-06T02:30Z/11:30Z', '2026-03-09T02:30Z/11:30Z'],
    ],
  ])('%s', (_name, zone, [from, to], expected) => {
    expect(
      utc(open({ timeZone: zone, weekly: [{ rrule: weekdays, start: '08:00', end: '17:00' }] }, from!, to!)),
    ).toEqual(expected);
  });

  test.each([
    // Spring forward: 02:00–03:00 does not exist; wall times in it are read with the offset before it (RFC 5545).
    ['spring: 00:00–06:00 lasts 5 h', '2026-03-08', '00:00', '06:00', ['2026-03-08T06:00Z/11:00Z']],
    ['spring: 01:00–03:00 lasts 1 h', '2026-03-08', '01:00', '03:00', ['2026-03-08T07:00Z/08:00Z']],
    ['spring: 02:15–02:45 moves to 03:15–03:45 CDT', '2026-03-08', '02:15', '02:45', ['2026-03-08T08:15Z/08:45Z']],
    ['spring: 02:30–03:00 gives nothing', '2026-03-08', '02:30', '03:00', []],
    ['spring: night shift Sat 22:00–06:00 lasts 7 h', '2026-03-07', '22:00', '06:00', ['2026-03-08T04:00Z/11:00Z']],
    // Fall back: 01:00–02:00 happens twice; a wall time in it means the first (CDT).
    ['fall: 00:00–06:00 lasts 7 h', '2026-11-01', '00:00', '06:00', ['2026-11-01T05:00Z/12:00Z']],
    ['fall: 01:30–02:30 lasts 2 h', '2026-11-01', '01:30', '02:30', ['2026-11-01T06:30Z/08:30Z']],
    ['fall: 01:15–01:45 is the first pass only', '2026-11-01', '01:15', '01:45', ['2026-11-01T06:15Z/06:45Z']],
    ['fall: night shift Sat 22:00–06:00 lasts 9 h', '2026-10-31', '22:00', '06:00', ['2026-11-01T03:00Z/12:00Z']],
  ])('Chicago, hours on the change itself — %s', (_name, date, start, end, expected) => {
    const a: Availability = {
      timeZone: 'America/Chicago',
      weekly: [{ rrule: 'FREQ=DAILY', start, end, validFrom: date, validTo: date }],
    };
    expect(utc(open(a, '2026-01-01T00:00', '2027-01-01T00:00'))).toEqual(expected);
  });
});

const chicago = (weekly: WeeklyHours[], rest: Partial<Availability> = {}): Availability => ({
  timeZone: 'America/Chicago',
  weekly,
  ...rest,
});
const nineToFive = { rrule: weekdays, start: '09:00', end: '17:00' };

describe('rules, exceptions, time off and windows', () => {
  test.each<[string, Availability, [string, string], string[]]>([
    [
      'a week window from Sunday noon to Sunday noon holds exactly the five weekdays',
      chicago([nineToFive]),
      ['2026-11-15T12:00', '2026-11-22T12:00'],
      ['16', '17', '18', '19', '20'].map((d) => `2026-11-${d} 09:00–17:00`),
    ],
    [
      'a window that starts and ends mid-shift clips the shifts',
      chicago([nineToFive]),
      ['2026-11-18T10:30', '2026-11-19T12:00'],
      ['2026-11-18 10:30–17:00', '2026-11-19 09:00–12:00'],
    ],
    [
      'an exception closes Thanksgiving and another opens late the day before',
      chicago([nineToFive], {
        exceptions: [
          { date: '2026-11-26', hours: [] },
          { date: '2026-11-25', hours: [{ start: '12:00', end: '20:00' }] },
        ],
      }),
      ['2026-11-24T00:00', '2026-11-28T00:00'],
      ['2026-11-24 09:00–17:00', '2026-11-25 12:00–20:00', '2026-11-27 09:00–17:00'],
    ],
    [
      'an exception can open a Saturday the rule does not cover',
      chicago([nineToFive], { exceptions: [{ date: '2026-11-21', hours: [{ start: '10:00', end: '14:00' }] }] }),
      ['2026-11-21T00:00', '2026-11-22T00:00'],
      ['2026-11-21 10:00–14:00'],
    ],
    [
      'time off from Monday noon to Tuesday noon',
      chicago([nineToFive], {
        timeOff: [window('2026-11-23T12:00', '2026-11-24T12:00', 'America/Chicago')],
      }),
      ['2026-11-23T00:00', '2026-11-25T00:00'],
      ['2026-11-23 09:00–12:00', '2026-11-24 12:00–17:00'],
    ],
    [
      'summer hours take over on validFrom; validTo is inclusive',
      chicago([
        { ...nineToFive, validTo: '2026-05-31' },
        { rrule: weekdays, start: '07:00', end: '15:00', validFrom: '2026-06-01' },
      ]),
      ['2026-05-29T00:00', '2026-06-03T00:00'],
      ['2026-05-29 09:00–17:00', '2026-06-01 07:00–15:00', '2026-06-02 07:00–15:00'],
    ],
    [
      'a split shift is two entries; overlapping entries merge',
      chicago([
        { rrule: weekdays, start: '08:00', end: '12:00' },
        { rrule: weekdays, start: '13:00', end: '17:00' },
        { rrule: 'FREQ=WEEKLY;BYDAY=WE', start: '11:00', end: '14:00' },
      ]),
      ['2026-11-17T00:00', '2026-11-19T00:00'],
      ['2026-11-17 08:00–12:00', '2026-11-17 13:00–17:00', '2026-11-18 08:00–17:00'],
    ],
    [
      'the first Monday of each month (1 Jan 2026 is a Thursday)',
      chicago([{ rrule: 'FREQ=MONTHLY;BYDAY=1MO', start: '13:00', end: '17:00' }]),
      ['2026-01-01T00:00', '2026-05-01T00:00'],
      ['2026-01-05 13:00–17:00', '2026-02-02 13:00–17:00', '2026-03-02 13:00–17:00', '2026-04-06 13:00–17:00'],
    ],
    [
      'COUNT counts from validFrom',
      chicago([{ rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3', start: '09:00', end: '10:00', validFrom: '2026-03-02' }]),
      ['2026-01-01T00:00', '2027-01-01T00:00'],
      ['2026-03-02 09:00–10:00', '2026-03-09 09:00–10:00', '2026-03-16 09:00–10:00'],
    ],
    [
      'UNTIL is a local date, inclusive',
      chicago([{ rrule: 'FREQ=DAILY;UNTIL=20260303', start: '09:00', end: '10:00', validFrom: '2026-03-02' }]),
      ['2026-01-01T00:00', '2027-01-01T00:00'],
      ['2026-03-02 09:00–10:00', '2026-03-03 09:00–10:00'],
    ],
    [
      'open until midnight (24:00)',
      chicago([{ rrule: 'FREQ=WEEKLY;BYDAY=FR', start: '18:00', end: '24:00' }]),
      ['2026-11-20T00:00', '2026-11-22T00:00'],
      ['2026-11-20 18:00–2026-11-21 00:00'],
    ],
    [
      "a night shift runs into the next day, even when that day's own hours are replaced by an exception",
      chicago([{ rrule: 'FREQ=WEEKLY;BYDAY=FR,SA', start: '22:00', end: '06:00' }], {
        exceptions: [{ date: '2026-11-21', hours: [] }],
      }),
      ['2026-11-20T00:00', '2026-11-23T00:00'],
      ['2026-11-20 22:00–2026-11-21 06:00'],
    ],
    [
      'a window starting at 03:00 still sees the night shift that began the evening before',
      chicago([{ rrule: 'FREQ=WEEKLY;BYDAY=FR', start: '22:00', end: '06:00' }]),
      ['2026-11-21T03:00', '2026-11-22T00:00'],
      ['2026-11-21 03:00–06:00'],
    ],
  ])('%s', (_name, a, [from, to], expected) => {
    expect(local(open(a, from, to), a.timeZone)).toEqual(expected);
  });

  test('every other Friday, years after validFrom (independent count: every 14th day from 2 Jan 2026)', () => {
    const a = chicago([
      { rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=FR', start: '09:00', end: '12:00', validFrom: '2026-01-02' },
    ]);
    const expected: string[] = [];
    for (let d = Temporal.PlainDate.from('2026-01-02'); d.year < 2031; d = d.add({ days: 14 }))
      if (d.year === 2030) expected.push(`${d} 09:00–12:00`);
    const got = local(open(a, '2030-01-01T00:00', '2031-01-01T00:00'), a.timeZone);
    expect(got).toEqual(expected);
    expect(got).toHaveLength(26);
  });

  test('an empty or backwards window is empty', () => {
    const c = compileAvailability(chicago([nineToFive]));
    expect(openIntervals(c, { start: 5, end: 5 })).toEqual([]);
    expect(openIntervals(c, { start: 10, end: 5 })).toEqual([]);
  });

  test('property: agrees with a model built from Temporal weekdays and conversions, in any zone and window', () => {
    const zones = ['America/Chicago', 'Europe/London', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Chatham'];
    const day = Temporal.PlainDate.from('2025-12-01');
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 0, max: 95 }),
        fc.integer({ min: 1, max: 95 }),
        fc.integer({ min: 0, max: 400 * 24 }),
        fc.integer({ min: 1, max: 40 * 24 }),
        (zone, days, startQ, lengthQ, fromH, lengthH) => {
          const hhmm = (q: number) =>
            `${String(Math.floor(q / 4) % 24).padStart(2, '0')}:${String((q % 4) * 15).padStart(2, '0')}`;
          const [start, end] = [hhmm(startQ), hhmm(startQ + lengthQ)];
          const names = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
          const rrule = `FREQ=WEEKLY;BYDAY=${days.map((d) => names[d - 1]).join(',')}`;
          const w = { start: at(`${day}T00:00`, 'UTC') + fromH * 3_600_000, end: 0 };
          w.end = w.start + lengthH * 3_600_000;
          const model: Interval[] = [];
          const last = day.add({ days: Math.ceil((fromH + lengthH) / 24) + 2 });
          for (
            let d = day.add({ days: Math.floor(fromH / 24) - 2 });
            Temporal.PlainDate.compare(d, last) < 0;
            d = d.add({ days: 1 })
          ) {
            if (!days.includes(d.dayOfWeek)) continue;
            const s = at(`${d}T${start}`, zone);
            const e = at(`${startQ + lengthQ >= 96 ? d.add({ days: 1 }) : d}T${end}`, zone);
            if (e > s) model.push({ start: Math.max(s, w.start), end: Math.min(e, w.end) });
          }
          const got = openIntervals(compileAvailability({ timeZone: zone, weekly: [{ rrule, start, end }] }), w);
          expect(got).toEqual(normalize(model));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('validation names the field', () => {
  test.each<[string, Partial<Availability>, RegExp]>([
    ['unknown zone', { timeZone: 'Mars/Olympus' }, /^availability\.timeZone: 'Mars\/Olympus' is not a known/],
    [
      'bad HH:MM',
      { weekly: [{ rrule: weekdays, start: '8:00', end: '17:00' }] },
      /^availability\.weekly\[0\]\.start: /,
    ],
    [
      'end = start',
      { weekly: [{ rrule: weekdays, start: '08:00', end: '08:00' }] },
      /^availability\.weekly\[0\]\.end: equals start/,
    ],
    [
      '24:00 as a start',
      { weekly: [{ rrule: weekdays, start: '24:00', end: '08:00' }] },
      /weekly\[0\]\.start: '24:00'/,
    ],
    [
      'malformed rule',
      { weekly: [{ rrule: 'FREQ=WEEKLY;BYDAY=XX', start: '08:00', end: '09:00' }] },
      /^availability\.weekly\[0\]\.rrule: 'BYDAY=XX' has a malformed value/,
    ],
    [
      'unknown rule part',
      { weekly: [{ rrule: 'FREQ=DAILY;FOO=1', start: '08:00', end: '09:00' }] },
      /rrule: 'FOO=1' is not an RFC 5545/,
    ],
    ['no FREQ', { weekly: [{ rrule: 'BYDAY=MO', start: '08:00', end: '09:00' }] }, /rrule: FREQ is required/],
    [
      'hourly',
      { weekly: [{ rrule: 'FREQ=HOURLY', start: '08:00', end: '09:00' }] },
      /rrule: 'FREQ=HOURLY' has a malformed value/,
    ],
    [
      'BYHOUR',
      { weekly: [{ rrule: 'FREQ=DAILY;BYHOUR=8', start: '08:00', end: '09:00' }] },
      /rrule: BYHOUR is not allowed here/,
    ],
    [
      'TZID',
      { weekly: [{ rrule: 'FREQ=DAILY;TZID=UTC', start: '08:00', end: '09:00' }] },
      /rrule: TZID is not allowed/,
    ],
    [
      'COUNT and UNTIL',
      {
        weekly: [{ rrule: 'FREQ=DAILY;COUNT=2;UNTIL=20260101', start: '08:00', end: '09:00', validFrom: '2025-01-01' }],
      },
      /COUNT and UNTIL/,
    ],
    [
      'INTERVAL without validFrom',
      { weekly: [{ rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO', start: '08:00', end: '09:00' }] },
      /rrule: needs validFrom/,
    ],
    [
      'WEEKLY without BYDAY or validFrom',
      { weekly: [{ rrule: 'FREQ=WEEKLY', start: '08:00', end: '09:00' }] },
      /rrule: needs validFrom/,
    ],
    [
      'validTo before validFrom',
      { weekly: [{ ...nineToFive, validFrom: '2026-06-01', validTo: '2026-05-01' }] },
      /weekly\[0\]\.validTo: 2026-05-01 is before/,
    ],
    [
      'bad date',
      { weekly: [{ ...nineToFive, validFrom: '2026-02-30' }] },
      /weekly\[0\]\.validFrom: '2026-02-30' is not a date/,
    ],
    [
      'bad exception hours',
      { exceptions: [{ date: '2026-11-26', hours: [{ start: '10:00', end: '25:00' }] }] },
      /^availability\.exceptions\[0\]\.hours\[0\]\.end: /,
    ],
    [
      'two exceptions for one date',
      {
        exceptions: [
          { date: '2026-11-26', hours: [] },
          { date: '2026-11-26', hours: [] },
        ],
      },
      /exceptions\[1\]\.date: 2026-11-26 has another/,
    ],
    [
      'backwards time off',
      { timeOff: [{ start: 10, end: 5 }] },
      /^availability\.timeOff\[0\]: end must be after start/,
    ],
  ])('%s', (_name, patch, message) => {
    const a: Availability = { timeZone: 'America/Chicago', weekly: [nineToFive], ...patch };
    expect(() => compileAvailability(a)).toThrow(RangeError);
    expect(() => compileAvailability(a)).toThrow(message);
  });

  test('a rule that needs no anchor works without validFrom; with it, the same days', () => {
    const a = chicago([{ rrule: 'RRULE:FREQ=WEEKLY;BYDAY=MO', start: '09:00', end: '10:00' }]);
    const b = chicago([{ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '09:00', end: '10:00', validFrom: '2020-01-01' }]);
    expect(open(a, '2026-11-01T00:00', '2026-12-01T00:00')).toEqual(open(b, '2026-11-01T00:00', '2026-12-01T00:00'));
    expect(totalLength(open(a, '2026-11-01T00:00', '2026-12-01T00:00'))).toBe(5 * 3_600_000);
  });
});
