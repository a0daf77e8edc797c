import { type Availability, compileAvailability, openIntervals, type WeeklyHours } from './availability.ts';
import type { Interval } from './intervals.ts';

/**
 * When the patient can come, in the patient's own time zone (which may differ from the clinic's, e.g. for a virtual
 * visit): recurring windows ("weekday mornings"), dated exceptions, and instants they cannot make (`unavailable`).
 * The same shape and rules as a resource's `Availability`, so a window behaves the same across DST changes.
 */
export type PatientWindows = Readonly<{
  timeZone: string;
  weekly: readonly WeeklyHours[];
  exceptions?: Availability['exceptions'];
  unavailable?: readonly Interval[];
}>;

const weekdays = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';

/** The windows a patient picks from in the portal; a patient may pick several. */
export const PATIENT_WINDOW_PRESETS = {
  'weekday-mornings': { rrule: weekdays, start: '08:00', end: '12:00' },
  'weekday-afternoons': { rrule: weekdays, start: '12:00', end: '17:00' },
  'weekday-evenings': { rrule: weekdays, start: '17:00', end: '20:00' },
  weekends: { rrule: 'FREQ=WEEKLY;BYDAY=SA,SU', start: '09:00', end: '17:00' },
} as const satisfies Record<string, WeeklyHours>;

/**
 * The instants within `window` when the patient can attend, normalized; a RangeError names the offending field
 * (`patientWindows.weekly[0].start`).
 */
export function patientIntervals(p: PatientWindows, window: Interval): Interval[] {
  const availability: Availability = {
    timeZone: p.timeZone,
    weekly: p.weekly,
    exceptions: p.exceptions ?? [],
    timeOff: p.unavailable ?? [],
  };
  return openIntervals(compileAvailability(availability, 'patientWindows'), window);
}
