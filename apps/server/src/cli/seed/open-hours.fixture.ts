import type { Extension, Schedule, Slot } from '@medplum/fhirtypes';
import { SCHEDULING_EXTENSIONS as EXT } from '../../modules/scheduling/index.ts';

/**
 * For the seed's tests: whether a Schedule is open for a whole period, read from the resources alone (working-hours
 * rules, hours exceptions, busy-unavailable Slots) with the platform's own time-zone data (Intl), independently of
 * the seed's arithmetic — so a test checks what was written, not the code that wrote it. Handles the rules the seed
 * writes (weekly BYDAY, optionally every other week from validFrom), which is all it needs to.
 */

type Local = { date: string; weekday: string; minutes: number };

const FORMAT = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/Chicago',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Local date, RFC 5545 weekday and minutes after midnight of an instant in Houston. */
export function chicago(iso: string): Local {
  const parts = Object.fromEntries(FORMAT.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: String(parts.weekday).slice(0, 2).toUpperCase(),
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const part = (e: Extension, url: string) => e.extension?.find((x) => x.url === url);
const minutesOf = (time: string | undefined) => Number(time?.slice(0, 2)) * 60 + Number(time?.slice(3, 5));
const days = (a: string, b: string) => (Date.parse(`${a}T00:00:00Z`) - Date.parse(`${b}T00:00:00Z`)) / 86_400_000;

/** The hours a Schedule gives on a local date: that date's exception if there is one, else its weekly rules. */
export function hoursOn(schedule: Schedule, date: string, weekday: string): { start: number; end: number }[] {
  const ext = schedule.extension ?? [];
  const exception = ext.find((e) => e.url === EXT.hoursException && part(e, 'date')?.valueDate === date);
  if (exception)
    return (exception.extension ?? [])
      .filter((h) => h.url === 'hours')
      .map((h) => ({ start: minutesOf(part(h, 'start')?.valueTime), end: minutesOf(part(h, 'end')?.valueTime) }));
  return ext
    .filter((e) => e.url === EXT.workingHours)
    .flatMap((e) => {
      const rule = part(e, 'rrule')?.valueString ?? '';
      const byDay = /BYDAY=([A-Z,]+)/.exec(rule)?.[1]?.split(',') ?? [];
      const from = part(e, 'validFrom')?.valueDate;
      const isOffWeek = rule.includes('INTERVAL=2') && (!from || Math.floor(days(date, from) / 7) % 2 !== 0);
      if (!byDay.includes(weekday) || isOffWeek || (from && date < from)) return [];
      return [{ start: minutesOf(part(e, 'start')?.valueTime), end: minutesOf(part(e, 'end')?.valueTime) }];
    });
}

/** Whether the Schedule is open for the whole of `[start, end)`: within one day's hours and not on leave. */
export function isOpen(schedule: Schedule, slots: readonly Slot[], start: string, end: string): boolean {
  const from = chicago(start);
  const to = chicago(end);
  if (from.date !== to.date) return false;
  const onLeave = slots.some(
    (s) =>
      s.schedule.reference === `Schedule/${schedule.id}` &&
      s.status === 'busy-unavailable' &&
      Date.parse(s.start) < Date.parse(end) &&
      Date.parse(start) < Date.parse(s.end),
  );
  return (
    !onLeave && hoursOn(schedule, from.date, from.weekday).some((h) => h.start <= from.minutes && to.minutes <= h.end)
  );
}
