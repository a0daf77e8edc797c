import { Temporal } from 'temporal-polyfill';

/** A set of non-working days. Business-day arithmetic skips them, and weekends. */
export type HolidayCalendar = Readonly<{
  name: string;
  /** The holiday's name when `date` is one, else undefined. */
  holiday(date: Temporal.PlainDate): string | undefined;
}>;

const nthWeekday = (year: number, month: number, weekday: number, n: number) => {
  const first = Temporal.PlainDate.from({ year, month, day: 1 });
  return first.add({ days: ((weekday - first.dayOfWeek + 7) % 7) + (n - 1) * 7 });
};
const lastWeekday = (year: number, month: number, weekday: number) => {
  const last = Temporal.PlainDate.from({ year, month, day: 1 }).add({ months: 1 }).subtract({ days: 1 });
  return last.subtract({ days: (last.dayOfWeek - weekday + 7) % 7 });
};
/** A fixed-date holiday falling on a Saturday is observed the Friday before, on a Sunday the Monday after. */
const observed = (date: Temporal.PlainDate) =>
  date.dayOfWeek === 6 ? date.subtract({ days: 1 }) : date.dayOfWeek === 7 ? date.add({ days: 1 }) : date;

const MON = 1;
const THU = 4;

/**
 * The US federal holidays observed in `year` (5 U.S.C. § 6103(a); Juneteenth from 2021, Pub. L. 117-17), with the
 * Saturday → Friday / Sunday → Monday rule of Executive Order 11582 for fixed-date holidays.
 */
export function usFederalHolidaysOf(year: number): ReadonlyMap<string, string> {
  const fixed = (month: number, day: number) => observed(Temporal.PlainDate.from({ year, month, day }));
  const days: [Temporal.PlainDate, string][] = [
    [fixed(1, 1), "New Year's Day"],
    [nthWeekday(year, 1, MON, 3), 'Birthday of Martin Luther King, Jr.'],
    [nthWeekday(year, 2, MON, 3), "Washington's Birthday"],
    [lastWeekday(year, 5, MON), 'Memorial Day'],
    ...(year >= 2021 ? [[fixed(6, 19), 'Juneteenth National Independence Day'] as [Temporal.PlainDate, string]] : []),
    [fixed(7, 4), 'Independence Day'],
    [nthWeekday(year, 9, MON, 1), 'Labor Day'],
    [nthWeekday(year, 10, MON, 2), 'Columbus Day'],
    [fixed(11, 11), 'Veterans Day'],
    [nthWeekday(year, 11, THU, 4), 'Thanksgiving Day'],
    [fixed(12, 25), 'Christmas Day'],
  ];
  return new Map(days.map(([d, name]) => [d.toString(), name]));
}

/** The US federal calendar (the default for every organization). */
export const usFederalHolidays: HolidayCalendar = {
  name: 'US federal',
  holiday(date) {
    // New Year's Day on a Saturday is observed on 31 December of the year before.
    return (
      usFederalHolidaysOf(date.year).get(date.toString()) ?? usFederalHolidaysOf(date.year + 1).get(date.toString())
    );
  },
};

/**
 * An organization's calendar: a base calendar plus its own closures (e.g. the day after Thanksgiving) minus the base
 * holidays it works through. Dates are ISO `YYYY-MM-DD`.
 */
export function organizationCalendar(
  name: string,
  options: { base?: HolidayCalendar; closed?: Readonly<Record<string, string>>; open?: readonly string[] } = {},
): HolidayCalendar {
  const base = options.base ?? usFederalHolidays;
  const open = new Set(options.open ?? []);
  return {
    name,
    holiday(date) {
      const iso = date.toString();
      if (open.has(iso)) return undefined;
      return options.closed?.[iso] ?? base.holiday(date);
    },
  };
}
