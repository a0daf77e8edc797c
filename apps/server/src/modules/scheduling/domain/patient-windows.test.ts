import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { compileAvailability } from './availability.ts';
import type { Interval } from './intervals.ts';
import { PATIENT_WINDOW_PRESETS, patientIntervals } from './patient-windows.ts';

const at = (local: string, zone: string) => Temporal.PlainDateTime.from(local).toZonedDateTime(zone).epochMilliseconds;
const iso = (list: readonly Interval[]) =>
  list.map((i) => `${new Date(i.start).toISOString().slice(0, 16)}/${new Date(i.end).toISOString().slice(11, 16)}`);

describe('patient availability windows', () => {
  test('weekday mornings in New York keep 08:00–12:00 local across spring forward (8 Mar 2026)', () => {
    const got = patientIntervals(
      { timeZone: 'America/New_York', weekly: [PATIENT_WINDOW_PRESETS['weekday-mornings']] },
      { start: at('2026-03-06T00:00', 'America/New_York'), end: at('2026-03-10T00:00', 'America/New_York') },
    );
    // EST is UTC−5 before the change, EDT UTC−4 after it.
    expect(iso(got)).toEqual(['2026-03-06T13:00/17:00', '2026-03-09T12:00/16:00']);
  });

  test('several windows, one date off, and an appointment the patient already has', () => {
    const zone = 'Europe/London';
    const got = patientIntervals(
      {
        timeZone: zone,
        weekly: [PATIENT_WINDOW_PRESETS['weekday-mornings'], PATIENT_WINDOW_PRESETS['weekday-evenings']],
        exceptions: [{ date: '2026-11-18', hours: [] }],
        unavailable: [{ start: at('2026-11-17T09:00', zone), end: at('2026-11-17T10:00', zone) }],
      },
      { start: at('2026-11-17T00:00', zone), end: at('2026-11-19T00:00', zone) },
    );
    // London is on GMT (UTC+0) in November, so local and UTC agree.
    expect(iso(got)).toEqual(['2026-11-17T08:00/09:00', '2026-11-17T10:00/12:00', '2026-11-17T17:00/20:00']);
  });

  test('weekends only', () => {
    const zone = 'Asia/Kolkata';
    const got = patientIntervals(
      { timeZone: zone, weekly: [PATIENT_WINDOW_PRESETS.weekends] },
      { start: at('2026-11-16T00:00', zone), end: at('2026-11-23T00:00', zone) },
    );
    // Sat 21 and Sun 22 November, 09:00–17:00 IST (UTC+05:30).
    expect(iso(got)).toEqual(['2026-11-21T03:30/11:30', '2026-11-22T03:30/11:30']);
  });

  test('errors name the patient field', () => {
    expect(() =>
      patientIntervals(
        { timeZone: 'America/Chicago', weekly: [{ rrule: 'FREQ=DAILY', start: '9', end: '12:00' }] },
        {
          start: 0,
          end: 1,
        },
      ),
    ).toThrow(/^patientWindows\.weekly\[0\]\.start: '9' is not a wall time/);
  });

  test('every preset is a valid window', () => {
    for (const [name, w] of Object.entries(PATIENT_WINDOW_PRESETS))
      expect(() => compileAvailability({ timeZone: 'UTC', weekly: [w] }), name).not.toThrow();
  });
});
