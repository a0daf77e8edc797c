import type { Temporal } from 'temporal-polyfill';
import type { HolidayCalendar } from './holidays.ts';

/** Saturday and Sunday are not business days; neither are the calendar's holidays. */
export function isBusinessDay(date: Temporal.PlainDate, calendar: HolidayCalendar): boolean {
  return date.dayOfWeek <= 5 && calendar.holiday(date) === undefined;
}

/** The `n`th business day after `date` (n ≥ 1; `date` itself never counts). */
export function addBusinessDays(date: Temporal.PlainDate, n: number, calendar: HolidayCalendar): Temporal.PlainDate {
  if (!Number.isInteger(n) || n < 1) throw new RangeError('n must be a positive whole number of business days');
  let d = date;
  for (let counted = 0; counted < n; ) {
    d = d.add({ days: 1 });
    if (isBusinessDay(d, calendar)) counted++;
  }
  return d;
}

/**
 * The last instant of `date` in `timeZone` (23:59:59.999 local): a deadline "within N days" ends there. Computed as
 * the start of the next day minus a millisecond, so it is right on days that are 23 or 25 hours long.
 */
export function endOfDay(date: Temporal.PlainDate, timeZone: string): Temporal.ZonedDateTime {
  return date.add({ days: 1 }).toZonedDateTime({ timeZone }).subtract({ milliseconds: 1 });
}
