import fc from 'fast-check';
import rrulePkg from 'rrule';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { parseDateRule } from './recurrence.ts';

const { RRule } = rrulePkg;
const DAY_MS = 86_400_000;
const day = (iso: string) => Temporal.PlainDate.from(iso).since('1970-01-01').days;
const iso = (n: number) => Temporal.PlainDate.from('1970-01-01').add({ days: n }).toString();

/** The model: rrule used plainly, from the true start (no fast path, no skipping ahead). */
const viaRrule = (text: string, start: number, first: number, last: number) =>
  new RRule({ ...RRule.parseString(text), dtstart: new Date(start * DAY_MS) }, true)
    .between(new Date(Math.max(start, first) * DAY_MS), new Date(last * DAY_MS), true)
    .map((d) => d.getTime() / DAY_MS);

describe('recurrence rules as dates', () => {
  test.each([
    [
      'last weekday of the month',
      'FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR',
      '2026-03-31',
      ['2026-01-30', '2026-02-27', '2026-03-31'],
    ],
    ['Christmas Eve', 'FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=24', '2026-12-31', ['2026-12-24']],
    [
      'second and fourth Tuesday',
      'FREQ=MONTHLY;BYDAY=2TU,4TU',
      '2026-02-28',
      ['2026-01-13', '2026-01-27', '2026-02-10', '2026-02-24'],
    ],
    [
      'weekends until 11 January',
      'FREQ=WEEKLY;BYDAY=SA,SU;UNTIL=20260111',
      '2026-12-31',
      ['2026-01-03', '2026-01-04', '2026-01-10', '2026-01-11'],
    ],
  ])('%s (1 January 2026 is a Thursday)', (_name, text, last, expected) => {
    expect(parseDateRule(text, 'r').datesBetween(day('2026-01-01'), day(last)).map(iso)).toEqual(expected);
  });

  const names = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

  test('property: the direct weekday path agrees with rrule for DAILY and WEEKLY;BYDAY rules', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('DAILY', 'WEEKLY'),
        fc.subarray(names, { minLength: 1 }),
        fc.integer({ min: day('1965-01-01'), max: day('2035-01-01') }),
        fc.integer({ min: 0, max: 120 }),
        fc.option(fc.integer({ min: -400, max: 200 }), { nil: undefined }),
        fc.option(fc.integer({ min: -30, max: 200 }), { nil: undefined }),
        (freq, days, first, length, anchorAt, untilAt) => {
          // validFrom and UNTIL near the window: before it, inside it and after it.
          const [last, anchor] = [first + length, anchorAt === undefined ? undefined : first + anchorAt];
          const until = untilAt === undefined ? '' : `;UNTIL=${iso(first + untilAt).replaceAll('-', '')}`;
          const text = `FREQ=${freq};BYDAY=${days.join(',')}${until}`;
          expect(parseDateRule(text, 'r', anchor).datesBetween(first, last)).toEqual(
            viaRrule(text, anchor ?? first, first, last),
          );
        },
      ),
    );
  });

  test('property: skipping whole periods ahead of a far-back validFrom changes nothing (INTERVAL > 1)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('DAILY', 'WEEKLY'),
        fc.integer({ min: 2, max: 5 }),
        fc.option(fc.subarray(names, { minLength: 1 }), { nil: undefined }),
        fc.integer({ min: day('2015-01-01'), max: day('2026-01-01') }),
        fc.integer({ min: 0, max: 900 }),
        fc.integer({ min: 0, max: 60 }),
        (freq, interval, days, anchor, after, length) => {
          const text = `FREQ=${freq};INTERVAL=${interval}${days ? `;BYDAY=${days.join(',')}` : ''}`;
          const first = anchor + after;
          expect(parseDateRule(text, 'r', anchor).datesBetween(first, first + length)).toEqual(
            viaRrule(text, anchor, first, first + length),
          );
        },
      ),
      { numRuns: 60 },
    );
  });

  test('UNTIL must be a date that exists', () => {
    expect(() => parseDateRule('FREQ=DAILY;UNTIL=20260230', 'weekly[0].rrule')).toThrow(
      "weekly[0].rrule: 'UNTIL=20260230' is not a date that exists",
    );
  });
});
