/** Milliseconds in one hour. */
export const HOUR_MS = 3_600_000;
/** Milliseconds in one day. */
export const DAY_MS = 86_400_000;
/** Milliseconds in an average Gregorian year. */
export const YEAR_MS = 365.2425 * DAY_MS;

/** A UTC calendar year with the instants its daylight-saving period starts and ends. */
type YearInfo = { start: number; end: number; dstStart: number; dstEnd: number };

const years = new Map<number, YearInfo>();
const ymdByDay = new Map<number, string>();
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** UTC midnight of the `nth` Sunday (1-based) of a month. */
function nthSunday(year: number, month: number, nth: number): number {
  const first = Date.UTC(year, month, 1);
  const firstSunday = first + ((7 - new Date(first).getUTCDay()) % 7) * DAY_MS;
  return firstSunday + (nth - 1) * 7 * DAY_MS;
}

function yearInfo(year: number): YearInfo {
  let info = years.get(year);
  if (!info) {
    // 02:00 CST is 08:00 UTC; 02:00 CDT is 07:00 UTC.
    info = {
      start: Date.UTC(year, 0, 1),
      end: Date.UTC(year + 1, 0, 1),
      dstStart: nthSunday(year, 2, 2) + 8 * HOUR_MS,
      dstEnd: nthSunday(year, 10, 1) + 7 * HOUR_MS,
    };
    years.set(year, info);
  }
  return info;
}

/**
 * UTC offset of America/Chicago at an instant, in hours. Computed from the US daylight-saving rule in force since 2007
 * (Energy Policy Act of 2005: second Sunday of March 02:00 to first Sunday of November 02:00 local time) rather than
 * through Intl or Temporal: the generator formats tens of millions of timestamps for a large population and this is
 * much faster. Only birth dates reach back before 2007, and they are formatted as dates, where the older rule's few
 * weeks of difference never move a day.
 */
export function chicagoOffsetHours(ms: number): -5 | -6 {
  const guess = 1970 + Math.floor(ms / YEAR_MS);
  let info = yearInfo(guess);
  if (ms < info.start) info = yearInfo(guess - 1);
  else if (ms >= info.end) info = yearInfo(guess + 1);
  return ms >= info.dstStart && ms < info.dstEnd ? -5 : -6;
}

/** `YYYY-MM-DD` of a UTC day number, memoised: the population shares a few tens of thousands of distinct days. */
function ymd(day: number): string {
  let text = ymdByDay.get(day);
  if (text === undefined) {
    text = new Date(day * DAY_MS).toISOString().slice(0, 10);
    ymdByDay.set(day, text);
  }
  return text;
}

/** FHIR `dateTime` in Chicago local time with its offset, e.g. `2026-03-02T09:15:00-06:00` (seconds truncated). */
export function formatDateTime(ms: number): string {
  const offset = chicagoOffsetHours(ms);
  // Date truncates fractional milliseconds toward zero; do the same so pre-1970 instants format identically.
  const local = Math.floor(Math.trunc(ms) / 1000) * 1000 + offset * HOUR_MS;
  const day = Math.floor(local / DAY_MS);
  const seconds = (local - day * DAY_MS) / 1000;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds - h * 3600) / 60);
  const s = seconds - h * 3600 - m * 60;
  return `${ymd(day)}T${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[s]}${offset === -5 ? '-05:00' : '-06:00'}`;
}

/** FHIR `date` (Chicago local calendar date) of an instant. */
export function formatDate(ms: number): string {
  return ymd(Math.floor((Math.trunc(ms) + chicagoOffsetHours(ms) * HOUR_MS) / DAY_MS));
}

/** The instant of a local Chicago wall-clock time on the local day containing `dayMs`. */
export function atLocalTime(dayMs: number, hour: number, minute: number): number {
  const offset = chicagoOffsetHours(dayMs);
  const local = new Date(dayMs + offset * HOUR_MS);
  const wall = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), hour, minute);
  return wall - chicagoOffsetHours(wall - offset * HOUR_MS) * HOUR_MS;
}

/** Moves a local day back to Friday when it falls on a weekend (clinics are closed); never moves into the future. */
export function toWeekday(dayMs: number): number {
  const local = new Date(dayMs + chicagoOffsetHours(dayMs) * HOUR_MS).getUTCDay();
  if (local === 6) return dayMs - DAY_MS;
  if (local === 0) return dayMs - 2 * DAY_MS;
  return dayMs;
}
