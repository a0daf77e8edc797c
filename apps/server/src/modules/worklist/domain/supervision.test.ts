import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { usFederalHolidays } from './holidays.ts';
import { isAfterHours, overdueTrend, queueAge } from './supervision.ts';

const at = (s: string) => Temporal.Instant.from(s);
const NY = 'America/New_York';

describe('isAfterHours (Mon–Fri 08:00–18:00 local, US federal holidays off)', () => {
  test.each([
    ['2026-06-03T13:00:00Z', false], // Wednesday 09:00 EDT
    ['2026-06-03T11:59:00Z', true], // Wednesday 07:59 EDT
    ['2026-06-03T22:00:00Z', true], // Wednesday 18:00 EDT
    ['2026-06-06T15:00:00Z', true], // Saturday
    ['2026-07-03T15:00:00Z', true], // Friday, Independence Day observed
    ['2026-11-02T13:30:00Z', false], // Monday after the DST change: 08:30 EST
    ['2026-11-02T12:30:00Z', true], // 07:30 EST (would be 08:30 under EDT)
  ])('%s → %s', (when, expected) => {
    expect(isAfterHours(at(when), NY, usFederalHolidays)).toBe(expected);
  });
});

describe('queueAge', () => {
  test('median and oldest in hours; an empty queue is 0', () => {
    const now = at('2026-06-03T12:00:00Z');
    const authored = ['2026-06-03T10:00:00Z', '2026-06-02T12:00:00Z', '2026-06-01T12:00:00Z'].map(at);
    expect(queueAge(authored, now)).toEqual({ median: 24, max: 48 });
    expect(queueAge([...authored, at('2026-06-03T11:00:00Z')], now)).toEqual({ median: 13, max: 48 });
    expect(queueAge([], now)).toEqual({ median: 0, max: 0 });
  });
});

describe('overdueTrend', () => {
  test('counts, per local day, what was overdue at its end and not yet closed', () => {
    const now = at('2026-06-03T16:00:00Z'); // Wednesday noon EDT
    const tasks = [
      { authored: at('2026-05-30T12:00:00Z'), due: at('2026-06-01T12:00:00Z') }, // overdue from Monday on
      { authored: at('2026-05-30T12:00:00Z'), due: at('2026-06-01T12:00:00Z'), closed: at('2026-06-02T14:00:00Z') },
      { authored: at('2026-06-02T12:00:00Z'), due: at('2026-06-03T13:00:00Z') }, // overdue today, before noon
      { authored: at('2026-06-02T12:00:00Z') }, // no deadline
    ];
    expect(overdueTrend(tasks, 3, now, NY)).toEqual([
      { day: '2026-06-01', overdue: 2 },
      { day: '2026-06-02', overdue: 1 },
      { day: '2026-06-03', overdue: 2 },
    ]);
  });
});
