import { Temporal } from 'temporal-polyfill';
import { endOfDay, isBusinessDay } from './business-days.ts';
import type { HolidayCalendar } from './holidays.ts';

/** Business hours: Monday to Friday, 08:00 to 18:00 local time, except holidays. */
const OPEN_HOUR = 8;
const CLOSE_HOUR = 18;

/** True when `at` falls outside business hours in `timeZone` (evenings, nights, weekends, holidays). */
export function isAfterHours(at: Temporal.Instant, timeZone: string, calendar: HolidayCalendar): boolean {
  const local = at.toZonedDateTimeISO(timeZone);
  if (!isBusinessDay(local.toPlainDate(), calendar)) return true;
  return local.hour < OPEN_HOUR || local.hour >= CLOSE_HOUR;
}

const hours = (ms: number) => Math.round((ms / 3600_000) * 10) / 10;

/** How long open work has waited (since authored): median and oldest, in hours; zeros for an empty queue. */
export function queueAge(
  authored: readonly Temporal.Instant[],
  now: Temporal.Instant,
): { median: number; max: number } {
  if (authored.length === 0) return { median: 0, max: 0 };
  const ages = authored.map((a) => now.epochMilliseconds - a.epochMilliseconds).sort((a, b) => a - b);
  const mid = Math.floor(ages.length / 2);
  const median = ages.length % 2 ? (ages[mid] as number) : ((ages[mid - 1] as number) + (ages[mid] as number)) / 2;
  return { median: hours(median), max: hours(ages[ages.length - 1] as number) };
}

export type TaskTimes = Readonly<{
  authored: Temporal.Instant;
  due?: Temporal.Instant | undefined;
  /** When it was completed or cancelled; undefined while open. */
  closed?: Temporal.Instant | undefined;
}>;

/**
 * Tasks overdue at the end of each of the last `days` days (local time), oldest day first: authored by then, due
 * before then, and not closed by then. Today counts up to `now`.
 */
export function overdueTrend(
  tasks: readonly TaskTimes[],
  days: number,
  now: Temporal.Instant,
  timeZone: string,
): { day: string; overdue: number }[] {
  const today = now.toZonedDateTimeISO(timeZone).toPlainDate();
  return Array.from({ length: days }, (_, i) => {
    const day = today.subtract({ days: days - 1 - i });
    const end = i === days - 1 ? now : endOfDay(day, timeZone).toInstant();
    const at = end.epochMilliseconds;
    const overdue = tasks.filter(
      (t) =>
        t.authored.epochMilliseconds <= at &&
        t.due !== undefined &&
        t.due.epochMilliseconds < at &&
        (t.closed === undefined || t.closed.epochMilliseconds > at),
    ).length;
    return { day: day.toString(), overdue };
  });
}

export const instant = (s: string | undefined): Temporal.Instant | undefined => {
  if (!s) return undefined;
  try {
    return Temporal.Instant.from(s);
  } catch {
    return undefined;
  }
};
