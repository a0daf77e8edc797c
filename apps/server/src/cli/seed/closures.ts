import { Temporal } from 'temporal-polyfill';
import { usFederalHolidays } from '../../modules/worklist/index.ts';
import { type HoursRule, type Interval, instantAt, isoDate, type Span, spansOn, weekdayOf } from './hours.ts';

/**
 * Days the clinics close or close early, and clinicians' leave. Everything here is a function of the calendar date,
 * never of the day the seed runs: re-seeding on a later day then writes the same exceptions, leave and appointments
 * for every date both runs cover, so it updates in place and never collides with what the earlier run booked.
 */

/** A date the outpatient clinics are closed, or close at noon. */
export type Closure = Readonly<{ day: number; kind: 'closed' | 'half-day'; why: string }>;

// Like most health systems, outpatient clinics close on the six major holidays and stay open on the other federal
// ones (MLK Day, Presidents' Day, Juneteenth, Columbus Day, Veterans Day).
const CLOSED = new Set([
  "New Year's Day",
  'Memorial Day',
  'Independence Day',
  'Labor Day',
  'Thanksgiving Day',
  'Christmas Day',
]);
const NOON = 12 * 60;

// Each holiday look-up builds that year's table, so each day's closure is worked out once and kept.
const closureByDay = new Map<number, Closure | null>();

function closureOn(day: number): Closure | undefined {
  const known = closureByDay.get(day);
  if (known !== undefined) return known ?? undefined;
  const date = isoDate(day);
  const weekday = weekdayOf(day);
  // Observed holidays are weekdays (Executive Order 11582 moves a Saturday's to Friday, a Sunday's to Monday).
  const isWeekend = weekday === 'SA' || weekday === 'SU';
  const holiday = isWeekend ? undefined : usFederalHolidays.holiday(Temporal.PlainDate.from(date));
  let closure: Closure | undefined;
  if (holiday && CLOSED.has(holiday)) closure = { day, kind: 'closed', why: holiday };
  else if (isWeekend) closure = undefined;
  else if (date.endsWith('-12-24')) closure = { day, kind: 'half-day', why: 'Christmas Eve' };
  else if (date.endsWith('-12-31')) closure = { day, kind: 'half-day', why: "New Year's Eve" };
  else if (weekday === 'FR' && closureOn(day - 1)?.why === 'Thanksgiving Day')
    closure = { day, kind: 'half-day', why: 'Day after Thanksgiving' };
  closureByDay.set(day, closure ?? null);
  return closure;
}

/** Closures from local day `first` to `last`, both inclusive. */
export function closuresBetween(first: number, last: number): Closure[] {
  const out: Closure[] = [];
  for (let day = first; day <= last; day++) {
    const c = closureOn(day);
    if (c) out.push(c);
  }
  return out;
}

/**
 * A resource's hours exceptions for the closures: none on a day it does not work anyway; no hours on a closed day;
 * its own morning hours on a half day. Keyed by local day.
 */
export function exceptionsFor(rules: readonly HoursRule[], closures: readonly Closure[]): Map<number, Span[]> {
  const out = new Map<number, Span[]>();
  for (const c of closures) {
    const normal = spansOn(rules, c.day);
    if (normal.length === 0) continue;
    const hours =
      c.kind === 'closed'
        ? []
        : normal.flatMap((s) => (s.start < NOON ? [{ start: s.start, end: Math.min(s.end, NOON) }] : []));
    const isSame = hours.length === normal.length && hours.every((h, i) => h.end === normal[i]?.end);
    if (!isSame) out.set(c.day, hours);
  }
  return out;
}

// Each outpatient clinician has one week of leave on record a year; spacing them three weeks apart in the 52-week
// rotation (3 and 52 share no factor) gives every week at most one clinician away, so a few are away in any month.
const LEAVE_CYCLE_WEEKS = 52;
const LEAVE_STEP_WEEKS = 3;

/**
 * The leave (Monday 00:00 to Saturday 00:00 local) of the `ordinal`-th outpatient clinician in weeks that overlap
 * local days `first` to `last`.
 */
export function leaveBetween(ordinal: number, first: number, last: number): Interval[] {
  const out: Interval[] = [];
  // Weeks counted from Monday 1969-12-29 (day -3), so a week index is a calendar fact.
  for (let week = Math.floor((first + 3) / 7); week <= Math.floor((last + 3) / 7); week++) {
    if ((week + ordinal * LEAVE_STEP_WEEKS) % LEAVE_CYCLE_WEEKS !== 0) continue;
    const monday = week * 7 - 3;
    out.push({ start: instantAt(monday, 0), end: instantAt(monday + 5, 0) });
  }
  return out;
}
