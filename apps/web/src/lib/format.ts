import { locale } from './i18n.ts';

/** Dates and times in the user's own time zone (the browser's) and in the locale of the language they chose. */
export const formatDateTime = (iso: string | undefined) =>
  iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '';

/** A calendar day (`2026-06-01`, no time zone) as "Jun 1" / "1 jun": the same day wherever the reader is. */
export const formatDay = (day: string) =>
  day
    ? new Intl.DateTimeFormat(locale(), { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
        new Date(`${day}T00:00:00Z`),
      )
    : '';

/** A figure in the reader's locale, with at most two decimals (12.5, 12,5). */
export const formatNumber = (n: number) => new Intl.NumberFormat(locale(), { maximumFractionDigits: 2 }).format(n);

/** A calendar date (YYYY-MM-DD, as a birth date) in the user's locale: the same day wherever they are. */
export const formatDate = (date: string | undefined) =>
  date && /^\d{4}-\d{2}-\d{2}$/.test(date)
    ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`))
    : (date ?? '');

/** "in 3 hours", "hace 2 días": how far a moment is from now, in the largest whole unit. */
export function fromNow(iso: string, now = Date.now()): string {
  const relative = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return relative.format(hours, 'hour');
  return relative.format(Math.round(hours / 24), 'day');
}

/** The local day of an instant; `exclusiveEnd` for a period's end, which belongs to the day before when at midnight. */
export const formatDayOf = (iso: string | undefined, exclusiveEnd = false) =>
  iso
    ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium' }).format(
        new Date(Date.parse(iso) - (exclusiveEnd ? 1 : 0)),
      )
    : '';
