import { clip, type Interval, normalize, subtract } from './intervals.ts';
import { type DateRule, parseDateRule } from './recurrence.ts';
import { checkTimeZone, DAY_MS, localClock, parseLocalDate, parseWallTime } from './wall-clock.ts';

/** Wall-clock hours on one day, `HH:MM` to `HH:MM` local. */
export type DayHours = Readonly<{ start: string; end: string }>;

/**
 * Recurring hours: on the dates of an RFC 5545 rule (`FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR`), optionally only from
 * `validFrom` to `validTo` (local dates, both inclusive).
 *
 * `end` before `start` is a night shift that ends the next morning (`19:00`–`07:00`); `end` may be `24:00` ("until
 * midnight"); `end` equal to `start` is refused, since it could mean nothing or the whole day.
 */
export type WeeklyHours = DayHours & Readonly<{ rrule: string; validFrom?: string; validTo?: string }>;

/** One date's hours in place of the recurring ones; no hours (`[]`) means closed that day. */
export type DateException = Readonly<{ date: string; hours: readonly DayHours[] }>;

/**
 * When a resource (practitioner, room, equipment) can be booked, as it is stored: recurring hours in its location's
 * IANA time zone, dated exceptions (holidays, a late clinic) and time off as instants (a week's leave, a repair).
 */
export type Availability = Readonly<{
  timeZone: string;
  weekly: readonly WeeklyHours[];
  exceptions?: readonly DateException[];
  timeOff?: readonly Interval[];
}>;

/** Hours as minutes after the local midnight of the day they start; `end` may pass 1440 (a night shift). */
type Minutes = Readonly<{ start: number; end: number }>;

/** An `Availability` checked and parsed once (rules compiled), ready to expand over any window. */
export type CompiledAvailability = Readonly<{
  timeZone: string;
  weekly: readonly Readonly<{ rule: DateRule; hours: Minutes; from: number; to: number }>[];
  exceptions: ReadonlyMap<number, readonly Minutes[]>;
  timeOff: readonly Interval[];
}>;

function parseHours(h: DayHours, field: string): Minutes {
  const start = parseWallTime(h.start, `${field}.start`);
  const end = parseWallTime(h.end, `${field}.end`, true);
  if (end === start) throw new RangeError(`${field}.end: equals start; hours must last more than zero and under 24 h`);
  // Before start: the hours end the next day (a night shift).
  return { start, end: end < start ? end + 24 * 60 : end };
}

function compileWeekly(w: WeeklyHours, field: string): CompiledAvailability['weekly'][number] {
  const from = w.validFrom === undefined ? Number.NEGATIVE_INFINITY : parseLocalDate(w.validFrom, `${field}.validFrom`);
  const to = w.validTo === undefined ? Number.POSITIVE_INFINITY : parseLocalDate(w.validTo, `${field}.validTo`);
  if (to < from) throw new RangeError(`${field}.validTo: ${w.validTo} is before validFrom ${w.validFrom}`);
  const rule = parseDateRule(w.rrule, `${field}.rrule`, w.validFrom === undefined ? undefined : from);
  return { rule, hours: parseHours(w, field), from, to };
}

/**
 * Checks and parses an `Availability`; a RangeError names the offending field (`availability.weekly[0].end`), so
 * the API can answer with an OperationOutcome pointing at it. `path` prefixes the field names.
 */
export function compileAvailability(a: Availability, path = 'availability'): CompiledAvailability {
  const timeZone = checkTimeZone(a.timeZone, `${path}.timeZone`);
  const weekly = a.weekly.map((w, i) => compileWeekly(w, `${path}.weekly[${i}]`));
  const exceptions = new Map<number, Minutes[]>();
  (a.exceptions ?? []).forEach((e, i) => {
    const field = `${path}.exceptions[${i}]`;
    const date = parseLocalDate(e.date, `${field}.date`);
    if (exceptions.has(date)) throw new RangeError(`${field}.date: ${e.date} has another exception already`);
    exceptions.set(
      date,
      e.hours.map((h, j) => parseHours(h, `${field}.hours[${j}]`)),
    );
  });
  (a.timeOff ?? []).forEach((t, i) => {
    if (!(Number.isFinite(t.start) && Number.isFinite(t.end) && t.end > t.start))
      throw new RangeError(`${path}.timeOff[${i}]: end must be after start (epoch milliseconds)`);
  });
  return { timeZone, weekly, exceptions, timeOff: normalize(a.timeOff ?? []) };
}

/**
 * The instants within `window` when the resource is open: each date's recurring hours (or that date's exception
 * instead), made instants in the resource's time zone, minus time off. Sorted, disjoint (normalized).
 *
 * Dates come from the rules (recurrence.ts); wall times become instants by RFC 5545 §3.3.5 (wall-clock.ts): hours
 * that start or end in a spring-forward gap are read with the offset from before it, an hour late by the clock after
 * it (02:30 → 03:30), so 01:00–03:00 that night lasts one hour, 22:00–06:00 seven, 02:15–02:45 becomes 03:15–03:45,
 * and 02:30–03:00 gives nothing; at fall-back a repeated wall time means its first occurrence, so 00:00–03:00 lasts
 * four hours.
 * An exception replaces only the hours that start on its date: a night shift from the day before still runs into it.
 */
export function openIntervals(a: CompiledAvailability, window: Interval): Interval[] {
  if (!(window.end > window.start)) return [];
  // Margins: a night shift starts the local day before, and the clock is exact only a day inside its span.
  const clock = localClock(a.timeZone, { start: window.start - 3 * DAY_MS, end: window.end + 3 * DAY_MS });
  const first = clock.dayOf(window.start) - 1;
  const last = clock.dayOf(window.end - 1);
  const open: Interval[] = [];
  const add = (day: number, h: Minutes) => {
    const start = clock.toEpoch(day, h.start);
    const end = clock.toEpoch(day, h.end);
    if (end > start) open.push({ start, end });
  };
  for (const w of a.weekly) {
    if (w.to < first || w.from > last) continue;
    for (const day of w.rule.datesBetween(Math.max(first, w.from), Math.min(last, w.to)))
      if (!a.exceptions.has(day)) add(day, w.hours);
  }
  for (const [day, hours] of a.exceptions) if (day >= first && day <= last) for (const h of hours) add(day, h);
  return clip(subtract(normalize(open), a.timeOff), window);
}
