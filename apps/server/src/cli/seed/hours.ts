import type { PractitionerRoleAvailableTime } from '@medplum/fhirtypes';
import { atLocalTime, chicagoOffsetHours, DAY_MS, HOUR_MS } from './time.ts';

/**
 * Working hours of the demo's bookable resources, as plain data the seed can both write onto Schedules (RFC 5545
 * rules, scheduling's working-hours extension) and compute with (where the seeded appointments may go). Both read the
 * same rules, so an appointment the seed books is always inside the hours `$book` would check.
 */

/** RFC 5545 weekday codes, Monday first (ISO 8601). */
export type Weekday = 'MO' | 'TU' | 'WE' | 'TH' | 'FR' | 'SA' | 'SU';
const WEEKDAYS: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/**
 * Hours on some weekdays, local wall time `HH:MM`. `fortnightFrom` (a local date on one of `days`) makes it every
 * other week counting from that date: RFC 5545 `INTERVAL=2`, anchored by the extension's validFrom.
 */
export type HoursRule = Readonly<{ days: readonly Weekday[]; start: string; end: string; fortnightFrom?: string }>;

/** A resource's working week and how a person would say it (Schedule.comment). */
export type WorkWeek = Readonly<{ label: string; rules: readonly HoursRule[] }>;

/** Minutes after local midnight, end exclusive. */
export type Span = Readonly<{ start: number; end: number }>;

/** Instants (epoch ms), end exclusive. */
export type Interval = Readonly<{ start: number; end: number }>;

const MON_FRI: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH', 'FR'];
const MON_THU: readonly Weekday[] = ['MO', 'TU', 'WE', 'TH'];

// A lunch break splits each clinic day, as clinic templates do, so nothing is booked through it.
const split = (days: readonly Weekday[], morning: string, afternoon: string, fortnightFrom?: string): HoursRule[] =>
  [morning, afternoon].map((range) => {
    const [start = '', end = ''] = range.split('-');
    return { days, start, end, ...(fortnightFrom ? { fortnightFrom } : {}) };
  });

// Alternate Fridays count from a fixed Friday, so which Fridays are worked never depends on the day the seed runs.
const FORTNIGHT_ANCHOR = '2024-01-05';

/** The working weeks clinicians keep; varied, as real clinics are. */
const WORK_WEEKS = {
  full: { label: 'Mon–Fri 08:00–17:00', rules: split(MON_FRI, '08:00-12:00', '13:00-17:00') },
  fourDay: { label: 'Four-day week: Mon–Thu 07:30–17:30', rules: split(MON_THU, '07:30-12:00', '12:30-17:30') },
  halfFriday: {
    label: 'Mon–Thu 08:00–17:00, Friday mornings',
    rules: [...split(MON_THU, '08:00-12:00', '13:00-17:00'), { days: ['FR'], start: '08:00', end: '12:00' }],
  },
  eveningClinic: {
    label: 'Mon–Fri 08:00–17:00, evening clinic on Tuesdays until 19:30',
    rules: [
      ...split(['MO', 'WE', 'TH', 'FR'], '08:00-12:00', '13:00-17:00'),
      ...split(['TU'], '11:00-15:00', '15:30-19:30'),
    ],
  },
  alternateFridays: {
    label: 'Mon–Thu 08:00–17:00, and every other Friday',
    rules: [
      ...split(MON_THU, '08:00-12:00', '13:00-17:00'),
      ...split(['FR'], '08:00-12:00', '13:00-17:00', FORTNIGHT_ANCHOR),
    ],
  },
  partTime: { label: 'Part time: Tue–Thu 08:30–16:30', rules: split(['TU', 'WE', 'TH'], '08:30-12:00', '13:00-16:30') },
} as const satisfies Record<string, WorkWeek>;

// Most clinicians work a full week; the others cover the variations a coordinator meets.
const ROTATION: readonly (keyof typeof WORK_WEEKS)[] = [
  'full',
  'fourDay',
  'full',
  'halfFriday',
  'eveningClinic',
  'full',
  'alternateFridays',
  'partTime',
];

/** The working week of the `ordinal`-th outpatient clinician (a fixed rotation: the roster's shape is fixed too). */
export function workWeekOf(ordinal: number): WorkWeek {
  return WORK_WEEKS[ROTATION[ordinal % ROTATION.length] ?? 'full'];
}

/**
 * Outpatient sites' opening hours (Location.hoursOfOperation, HealthcareService.availableTime, exam rooms'
 * Schedules): from before the earliest clinic to after the latest evening clinic.
 */
export const OUTPATIENT_HOURS = { days: MON_FRI, open: '07:00', close: '20:00' } as const;

/** Hours of exam rooms and interpreters. */
export const SUPPORT_WEEKS = {
  room: {
    label: 'Clinic hours: Mon–Fri 07:00–20:00',
    rules: [{ days: OUTPATIENT_HOURS.days, start: OUTPATIENT_HOURS.open, end: OUTPATIENT_HOURS.close }],
  },
  interpreterDays: { label: 'Mon–Fri 08:00–17:00', rules: [{ days: MON_FRI, start: '08:00', end: '17:00' }] },
  interpreterLate: { label: 'Mon–Fri 11:00–20:00', rules: [{ days: MON_FRI, start: '11:00', end: '20:00' }] },
  interpreterPartTime: {
    label: 'Mon, Wed, Fri 08:00–16:30',
    rules: [{ days: ['MO', 'WE', 'FR'], start: '08:00', end: '16:30' }],
  },
} as const satisfies Record<string, WorkWeek>;

const DAY_NAMES: Record<Weekday, string> = {
  MO: 'Mondays',
  TU: 'Tuesdays',
  WE: 'Wednesdays',
  TH: 'Thursdays',
  FR: 'Fridays',
  SA: 'Saturdays',
  SU: 'Sundays',
};

/** The week split between two sites: the satellite clinic gets `day`, the main site the rest. */
export function splitWeek(week: WorkWeek, day: Weekday): { main: WorkWeek; satellite: WorkWeek } {
  const only = (keep: (d: Weekday) => boolean) =>
    week.rules.flatMap((r) => {
      const days = r.days.filter(keep);
      return days.length ? [{ ...r, days }] : [];
    });
  const name = DAY_NAMES[day];
  return {
    main: { label: `${week.label}; ${name} at the satellite clinic`, rules: only((d) => d !== day) },
    satellite: { label: `${name} (satellite clinic)`, rules: only((d) => d === day) },
  };
}

/** `HH:MM` as minutes after midnight. */
function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Minutes after midnight as FHIR `time` (`HH:MM:SS`). */
export function fhirTime(minutes: number): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}:00`;
}

/** Local (America/Chicago) calendar day of an instant, as days since 1970-01-01. */
export function localDay(ms: number): number {
  return Math.floor((ms + chicagoOffsetHours(ms) * HOUR_MS) / DAY_MS);
}

/** The instant of a local wall time on a local day; DST is the time module's business. */
export function instantAt(day: number, minutes: number): number {
  // Noon UTC is early morning in Houston: a moment inside the local day, whatever the offset.
  return atLocalTime(day * DAY_MS + 12 * HOUR_MS, Math.floor(minutes / 60), minutes % 60);
}

/** `YYYY-MM-DD` of a local day. */
export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Day number of a `YYYY-MM-DD` date. */
function dayOf(date: string): number {
  return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

/** Weekday of a local day (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): Weekday {
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7] as Weekday;
}

/** The spans a week's rules give on a local day, in order. */
export function spansOn(rules: readonly HoursRule[], day: number): Span[] {
  const weekday = weekdayOf(day);
  const spans: Span[] = [];
  for (const r of rules) {
    if (!r.days.includes(weekday)) continue;
    if (r.fortnightFrom !== undefined) {
      const anchor = dayOf(r.fortnightFrom);
      if (day < anchor || Math.floor((day - anchor) / 7) % 2 !== 0) continue;
    }
    spans.push({ start: minutesOf(r.start), end: minutesOf(r.end) });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** The RFC 5545 rule of a rule's weekdays (`FREQ=WEEKLY;BYDAY=MO,TU`), every other week when it is fortnightly. */
export function rruleOf(rule: HoursRule): string {
  return `FREQ=WEEKLY;${rule.fortnightFrom ? 'INTERVAL=2;' : ''}BYDAY=${rule.days.join(',')}`;
}

const FHIR_DAY: Record<Weekday, NonNullable<PractitionerRoleAvailableTime['daysOfWeek']>[number]> = {
  MO: 'mon',
  TU: 'tue',
  WE: 'wed',
  TH: 'thu',
  FR: 'fri',
  SA: 'sat',
  SU: 'sun',
};

/**
 * A week as FHIR `availableTime` (PractitionerRole, HealthcareService): R4 has no every-other-week there, so a
 * fortnightly rule is listed as weekly and the directory's availabilityExceptions says it in words.
 */
export function availableTimeOf(week: WorkWeek): PractitionerRoleAvailableTime[] {
  return week.rules.map((r) => ({
    daysOfWeek: r.days.map((d) => FHIR_DAY[d]),
    availableStartTime: fhirTime(minutesOf(r.start)),
    availableEndTime: fhirTime(minutesOf(r.end)),
  }));
}
