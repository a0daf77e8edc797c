import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { checkTimeZone, DAY_MS, localClock, parseLocalDate, parseWallTime } from './wall-clock.ts';

const day = (iso: string) =>
  Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8))) / DAY_MS;
const utc = (iso: string) => Date.parse(iso);

describe('parsing', () => {
  test.each([
    ['08:00', 480],
    ['00:00', 0],
    ['23:59', 1439],
  ])('%s is %i minutes after midnight', (text, minutes) => {
    expect(parseWallTime(text, 'f')).toBe(minutes);
  });

  test.each(['8:00', '24:00', '12:60', '0800', '08:00:00', ' 08:00', ''])('%j is refused, naming the field', (text) => {
    expect(() => parseWallTime(text, 'availability.weekly[0].start')).toThrow(
      /^availability\.weekly\[0\]\.start: .* is not a wall time HH:MM/,
    );
  });

  test('24:00 is the end of the day, allowed only as an end', () => {
    expect(parseWallTime('24:00', 'end', true)).toBe(1440);
    expect(() => parseWallTime('24:01', 'end', true)).toThrow(RangeError);
  });

  test.each([
    ['1970-01-01', 0],
    ['2026-03-08', 20520],
    ['2024-02-29', 19782],
  ])('date %s is day %i', (text, n) => {
    expect(parseLocalDate(text, 'f')).toBe(n);
    expect(Temporal.PlainDate.from('1970-01-01').add({ days: n }).toString()).toBe(text);
  });

  test.each(['2026-02-29', '2026-13-01', '2026-3-8', '2026-03-08T00:00', '20260308'])('date %j is refused', (text) => {
    expect(() => parseLocalDate(text, 'x.validFrom')).toThrow(/^x\.validFrom: .* is not a date YYYY-MM-DD$/);
  });

  test('time zones: canonical ids pass, unknown ones are refused', () => {
    expect(checkTimeZone('America/Chicago', 'tz')).toBe('America/Chicago');
    expect(() => checkTimeZone('America/Chikago', 'availability.timeZone')).toThrow(
      "availability.timeZone: 'America/Chikago' is not a known IANA time zone",
    );
  });
});

describe('local clock', () => {
  const chicago = localClock('America/Chicago', { start: utc('2026-01-01T00:00Z'), end: utc('2027-01-01T00:00Z') });

  test.each([
    ['an ordinary winter morning: 08:00 CST is 14:00Z', '2026-03-06', 8 * 60, '2026-03-06T14:00Z'],
    ['the same after spring forward: 08:00 CDT is 13:00Z', '2026-03-09', 8 * 60, '2026-03-09T13:00Z'],
    ['in the gap, 02:30 uses the offset before it: 03:30 CDT', '2026-03-08', 150, '2026-03-08T08:30Z'],
    ['02:00 does not exist either: 03:00 CDT', '2026-03-08', 120, '2026-03-08T08:00Z'],
    ['repeated 01:30 at fall-back means the first (CDT)', '2026-11-01', 90, '2026-11-01T06:30Z'],
    ['02:00 at fall-back happens once, in CST', '2026-11-01', 120, '2026-11-01T08:00Z'],
    ['minutes past 24 h reach into the next day', '2026-03-07', 24 * 60 + 6 * 60, '2026-03-08T11:00Z'],
  ])('%s', (_name, date, minute, expected) => {
    expect(chicago.toEpoch(day(date), minute)).toBe(utc(expected));
  });

  test('at the very start of its span, a repeated wall time still means its first occurrence', () => {
    // The span opens at the fall-back transition itself, so the first 01:30 (CDT) lies just before it.
    const clock = localClock('America/Chicago', { start: utc('2026-11-01T07:00Z'), end: utc('2026-12-01T00:00Z') });
    expect(clock.toEpoch(day('2026-11-01'), 90)).toBe(utc('2026-11-01T06:30Z'));
  });

  test.each([
    ['23:30 CST on 7 March is still 7 March locally', '2026-03-08T05:30Z', '2026-03-07'],
    ['after fall-back 05:30Z is 23:30 CST on 1 November', '2026-11-02T05:30Z', '2026-11-01'],
    ['and 06:30Z is 00:30 CST on 2 November', '2026-11-02T06:30Z', '2026-11-02'],
    ['outside the span it asks Temporal', '2031-06-01T03:00Z', '2031-05-31'],
  ])('dayOf: %s', (_name, instant, date) => {
    expect(chicago.dayOf(utc(instant))).toBe(day(date));
  });

  // The independent model is Temporal itself, with RFC 5545's disambiguation ('compatible').
  const zones = ['America/Chicago', 'Europe/London', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago'];
  test('property: agrees with Temporal for any wall time, inside and near the edges of its span', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: day('2025-01-01'), max: day('2027-12-31') }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 2 * 24 * 60 - 1 }),
        fc.integer({ min: -3, max: 30 }),
        (zone, spanStartDay, spanDays, minute, offsetDays) => {
          const span = { start: spanStartDay * DAY_MS, end: (spanStartDay + spanDays) * DAY_MS };
          const d = spanStartDay + offsetDays;
          const clock = localClock(zone, span);
          const local = Temporal.PlainDate.from('1970-01-01')
            .add({ days: d })
            .toPlainDateTime()
            .add({ minutes: minute });
          const expected = local.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds;
          expect(clock.toEpoch(d, minute)).toBe(expected);
          const back = Temporal.Instant.fromEpochMilliseconds(expected).toZonedDateTimeISO(zone).toPlainDate();
          expect(clock.dayOf(expected)).toBe(back.since('1970-01-01').days);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('property: dense sweep across each 2026 transition in the test zones', () => {
    for (const zone of zones) {
      const clock = localClock(zone, { start: utc('2026-01-01T00:00Z'), end: utc('2027-01-01T00:00Z') });
      let z = Temporal.ZonedDateTime.from(`2026-01-02T00:00[${zone}]`);
      for (
        let next = z.getTimeZoneTransition('next');
        next && next.year === 2026;
        next = z.getTimeZoneTransition('next')
      ) {
        z = next;
        const d = next.toPlainDate().since('1970-01-01').days;
        for (let minute = 0; minute < 24 * 60; minute += 15) {
          const local = next.toPlainDate().toPlainDateTime().add({ minutes: minute });
          expect(clock.toEpoch(d, minute), `${zone} ${local}`).toBe(
            local.toZonedDateTime(zone, { disambiguation: 'compatible' }).epochMilliseconds,
          );
        }
      }
    }
  });
});
