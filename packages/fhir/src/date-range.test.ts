import { describe, expect, test } from 'vitest';
import { dateRange } from './date-range.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('dateRange', () => {
  test.each([
    ['year', '2026', '2026-01-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
    ['month', '2024-02', '2024-02-01T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['day', '2026-11-23', '2026-11-23T00:00:00.000Z', '2026-11-23T23:59:59.999Z'],
    ['minute with offset', '2026-11-23T10:30-06:00', '2026-11-23T16:30:00.000Z', '2026-11-23T16:30:59.999Z'],
    ['second, UTC', '2026-11-23T10:30:15Z', '2026-11-23T10:30:15.000Z', '2026-11-23T10:30:15.999Z'],
    ['a year before 100 stays itself', '0050', '0050-01-01T00:00:00.000Z', '0050-12-31T23:59:59.999Z'],
    ['milliseconds', '2026-11-23T10:30:15.250+01:00', '2026-11-23T09:30:15.250Z', '2026-11-23T09:30:15.250Z'],
  ])('%s: %s', (_name, value, lo, hi) => {
    const r = dateRange(value);
    expect(r && [iso(r[0]), iso(r[1])]).toEqual([lo, hi]);
  });

  test.each(['', '0000', '2026-13', '2026-02-30', '20261123', 'yesterday', '2026-11-23T25'])('rejects %j', (value) => {
    expect(dateRange(value)).toBeUndefined();
  });
});
