import { locale } from './i18n.ts';

/** Dates and times in the user's own time zone (the browser's) and in the locale of the language they chose. */
export const formatDateTime = (iso: string | undefined) =>
  iso ? new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '';

/** "in 3 hours", "hace 2 días": how far a moment is from now, in the largest whole unit. */
export function fromNow(iso: string, now = Date.now()): string {
  const relative = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const minutes = Math.round((Date.parse(iso) - now) / 60_000);
  if (Math.abs(minutes) < 60) return relative.format(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (Math.abs(hours) < 48) return relative.format(hours, 'hour');
  return relative.format(Math.round(hours / 24), 'day');
}
