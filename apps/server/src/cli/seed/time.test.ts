import { describe, expect, test } from 'vitest';
import { atLocalTime, chicagoOffsetHours, formatDate, formatDateTime, toWeekday } from './time.ts';

const at = (iso: string): number => Date.parse(iso);

describe('America/Chicago arithmetic', () => {
  test.each([
    ['winter is CST', '2026-01-15T12:00:00Z', -6],
    ['summer is CDT', '2026-07-01T12:00:00Z', -5],
    ['just before DST starts (2026-03-08 02:00 CST)', '2026-03-08T07:59:59Z', -6],
    ['DST has started', '2026-03-08T08:00:00Z', -5],
    ['just before DST ends (2026-11-01 02:00 CDT)', '2026-11-01T06:59:59Z', -5],
    ['DST has ended', '2026-11-01T07:00:00Z', -6],
    ['2025 rule dates (9 March, 2 November)', '2025-03-09T08:30:00Z', -5],
  ])('%s', (_name, iso, offset) => {
    expect(chicagoOffsetHours(at(iso))).toBe(offset);
  });

  test('agrees with Intl for every hour of a year', () => {
    const intl = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Chicago', timeZoneName: 'shortOffset' });
    const mismatches: string[] = [];
    for (let ms = at('2026-01-01T00:00:00Z'); ms < at('2027-01-01T00:00:00Z'); ms += 3_600_000) {
      const name = intl.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value;
      if (name !== `GMT${chicagoOffsetHours(ms)}`) mismatches.push(new Date(ms).toISOString());
    }
    expect(mismatches).toEqual([]);
  });

  test('formats local date-times with their offset', () => {
    expect(formatDateTime(at('2026-01-15T15:30:00Z'))).toBe('2026-01-15T09:30:00-06:00');
    expect(formatDateTime(at('2026-07-01T15:30:00Z'))).toBe('2026-07-01T10:30:00-05:00');
    expect(formatDate(at('2026-01-16T03:00:00Z'))).toBe('2026-01-15');
  });

  test('matches toISOString-based formatting for instants from 1930 to 2030, fractions of a second included', () => {
    const mismatches: string[] = [];
    for (let ms = at('1930-01-01T00:00:00Z') + 0.37; ms < at('2030-01-01T00:00:00Z'); ms += 7_777_777_777.7) {
      const offset = chicagoOffsetHours(ms);
      const local = new Date(ms + offset * 3_600_000).toISOString();
      const expected = `${local.slice(0, 19)}${offset === -5 ? '-05:00' : '-06:00'}`;
      if (formatDateTime(ms) !== expected || formatDate(ms) !== local.slice(0, 10)) mismatches.push(expected);
    }
    expect(mismatches).toEqual([]);
  });

  test('local wall-clock times land on the right instant on both sides of a transition', () => {
    expect(formatDateTime(atLocalTime(at('2026-03-07T18:00:00Z'), 9, 15))).toBe('2026-03-07T09:15:00-06:00');
    expect(formatDateTime(atLocalTime(at('2026-03-09T18:00:00Z'), 9, 15))).toBe('2026-03-09T09:15:00-05:00');
  });

  test('weekends move back to Friday', () => {
    expect(formatDate(toWeekday(at('2026-03-14T18:00:00Z')))).toBe('2026-03-13');
    expect(formatDate(toWeekday(at('2026-03-15T18:00:00Z')))).toBe('2026-03-13');
    expect(formatDate(toWeekday(at('2026-03-16T18:00:00Z')))).toBe('2026-03-16');
  });
});
