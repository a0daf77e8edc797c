import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { addMinutes, durationMinutes, formatV2, v2Date, v2Instant } from './timestamp.ts';

describe('v2Instant (DTM → FHIR instant, HL7 v2.8 §2A.3.22)', () => {
  test.each([
    ['seconds and an odd offset', '20210924093000+0215', '2021-09-24T09:30:00+02:15'],
    ['minutes only: seconds are 00', '202109141120+0215', '2021-09-14T11:20:00+02:15'],
    ['a fraction of a second', '20210817151943.4+0200', '2021-08-17T15:19:43.4+02:00'],
    ['four fraction digits', '20210817151943.1234-0500', '2021-08-17T15:19:43.1234-05:00'],
    ['UTC', '20260601120000+0000', '2026-06-01T12:00:00+00:00'],
    ['the widest offset FHIR allows', '20260601120000+1400', '2026-06-01T12:00:00+14:00'],
    ['a leap day', '20240229235959-0100', '2024-02-29T23:59:59-01:00'],
  ])('%s: %s → %s', (_name, text, instant) => {
    expect(v2Instant(text)).toEqual({ ok: true, value: instant });
  });

  test.each([
    ['no offset', '20210924093000', 'has no UTC offset'],
    ['date only', '20210924+0200', 'needs a time of day'],
    ['hour only', '2021092409+0200', 'needs a time of day'],
    ['not a date', 'tomorrow', 'is not an HL7 v2 date/time'],
    ['an odd digit', '2021092409301+0200', 'is not an HL7 v2 date/time'],
    ['a fraction without seconds', '202109240930.5+0200', 'is not an HL7 v2 date/time'],
    ['month 13', '20211324093000+0200', 'is not an HL7 v2 date/time'],
    ['February 30th', '20210230093000+0200', 'is not an HL7 v2 date/time'],
    ['hour 24', '20210924243000+0200', 'is not an HL7 v2 date/time'],
    ['offset minutes 60', '20210924093000+0260', 'is not an HL7 v2 date/time'],
    ['offset past 14:00', '20210924093000+1401', 'is not an HL7 v2 date/time'],
    ['empty', '', 'is not an HL7 v2 date/time'],
  ])('refuses %s (%s)', (_name, text, problem) => {
    const result = v2Instant(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problem).toContain(problem);
      // The problem text never repeats the value (it goes into ACKs and logs).
      if (text) expect(result.problem).not.toContain(text);
    }
  });
});

describe('v2Date (DTM → FHIR date at the precision sent)', () => {
  test.each([
    ['19880818', '1988-08-18'],
    ['198808181126+0215', '1988-08-18'],
    ['198808', '1988-08'],
    ['1988', '1988'],
  ])('%s → %s', (text, date) => {
    expect(v2Date(text)).toEqual({ ok: true, value: date });
  });

  test.each(['19881318', '1988081', 'unknown'])('refuses %s', (text) => {
    expect(v2Date(text).ok).toBe(false);
  });
});

describe('durations and arithmetic', () => {
  test.each([
    ['50', 'min', 50],
    ['50', '', 50],
    ['2', 'h', 120],
    ['2', 'HR', 120],
    ['1', 'd', 1440],
    ['90', 's', 2],
    ['1.5', 'h', 90],
    ['0', 'min', undefined],
    ['-5', 'min', undefined],
    ['ten', 'min', undefined],
    ['5', 'fortnights', undefined],
  ])('%s %s → %s minutes', (amount, unit, minutes) => {
    expect(durationMinutes(amount, unit)).toBe(minutes);
  });

  test.each([
    ['2021-09-24T09:30:00+02:15', 50, '2021-09-24T10:20:00+02:15'],
    ['2021-09-24T23:30:00-05:00', 60, '2021-09-25T00:30:00-05:00'],
    ['2026-06-01T12:00:00Z', 30, '2026-06-01T12:30:00Z'],
  ])('%s + %s min = %s (in the same offset)', (start, minutes, end) => {
    expect(addMinutes(start, minutes)).toBe(end);
  });

  test('formatV2 writes UTC DTMs for our ACKs', () => {
    expect(formatV2(Temporal.Instant.from('2026-06-01T10:05:09.5+02:00'))).toBe('20260601080509+0000');
  });
});
