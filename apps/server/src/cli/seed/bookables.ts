import type { CodeableConcept } from '@medplum/fhirtypes';
import { type Closure, closuresBetween, exceptionsFor, leaveBetween } from './closures.ts';
import { concept, type LanguageCode, SYSTEM } from './codes.ts';
import type { SiteKey } from './geography.ts';
import {
  type Interval,
  instantAt,
  localDay,
  type Span,
  SUPPORT_WEEKS,
  spansOn,
  splitWeek,
  type Weekday,
  type WorkWeek,
  workWeekOf,
} from './hours.ts';
import { INTERPRETERS } from './interpreters.ts';
import { clinicianServiceType, isOutpatient, type OutpatientDepartment, siteLocationOf } from './outpatient.ts';
import { ROOMS } from './rooms.ts';
import { buildRoster, type RosterMember } from './roster.ts';

/**
 * Everything with a Schedule in the demo — outpatient clinicians at each of their sites, exam rooms, interpreters —
 * with its hours, holiday exceptions and leave, as of a day. Schedules are written from it, and the seeded
 * appointments are placed in its free time.
 */

/** An outpatient clinician. */
export type Clinician = RosterMember & { department: OutpatientDepartment };

/** One Schedule's resource and its hours. */
export type Bookable = Readonly<{
  scheduleId: string;
  kind: 'practitioner' | 'room' | 'interpreter';
  /** `Practitioner/…` or `Location/…`. */
  actor: string;
  /** The site Location: where a clinician sees patients, the room's clinic or wing; none for interpreters. */
  site: string | undefined;
  serviceTypes: readonly CodeableConcept[];
  week: WorkWeek;
  /** Hours replacing the week's on closure days, by local day. */
  exceptions: ReadonlyMap<number, readonly Span[]>;
  /** Leave, whole days. */
  timeOff: readonly Interval[];
  languages: readonly LanguageCode[];
  clinician?: Clinician;
}>;

/** The bookable world as of a day. */
export type BookableWorld = Readonly<{
  /** Local day of `now`. */
  today: number;
  closures: readonly Closure[];
  practitioners: readonly Bookable[];
  rooms: readonly Bookable[];
  interpreters: readonly Bookable[];
}>;

/**
 * Holiday exceptions are written up to 90 days ahead (`$find`'s longest horizon), and from a week back: a visit due
 * on a closed day moves to the next open one, so the days just past must close in every run as they did before.
 */
const EXCEPTION_DAYS = { before: 7, after: 90 } as const;
/** Leave is written for the weeks around now to eight weeks ahead. */
const LEAVE_DAYS = { before: 7, after: 56 } as const;

// Specialists who also hold a clinic at a neighbourhood site do so one day a week.
const SATELLITE_DAYS: readonly Weekday[] = ['TH', 'WE', 'TU'];

function clinicianBookables(roster: readonly RosterMember[], today: number, closures: readonly Closure[]): Bookable[] {
  let twoSite = 0;
  return roster.filter(isOutpatient).flatMap((clinician, ordinal) => {
    const week = workWeekOf(ordinal);
    const timeOff = leaveBetween(ordinal, today - LEAVE_DAYS.before, today + LEAVE_DAYS.after);
    const [main, satellite] = clinician.sites;
    const weeks: [SiteKey, WorkWeek][] = [];
    if (main && satellite) {
      const split = splitWeek(week, SATELLITE_DAYS[twoSite++ % SATELLITE_DAYS.length] as Weekday);
      weeks.push([main, split.main], [satellite, split.satellite]);
    } else if (main) weeks.push([main, week]);
    return weeks.map(
      ([site, w]): Bookable => ({
        scheduleId: `demo-sched-${clinician.practitionerId.slice('demo-'.length)}-${site}`,
        kind: 'practitioner',
        actor: `Practitioner/${clinician.practitionerId}`,
        site: siteLocationOf(clinician, site),
        serviceTypes: [clinicianServiceType(clinician)],
        week: w,
        exceptions: exceptionsFor(w.rules, closures),
        timeOff,
        languages: clinician.languages,
        clinician,
      }),
    );
  });
}

/** Rooms serve every service whose clinicians see patients at their site. */
function roomBookables(practitioners: readonly Bookable[], closures: readonly Closure[]): Bookable[] {
  const week = SUPPORT_WEEKS.room;
  const exceptions = exceptionsFor(week.rules, closures);
  return ROOMS.map((room) => {
    const types = new Map<string, CodeableConcept>();
    for (const p of practitioners)
      if (p.site === room.partOf)
        for (const t of p.serviceTypes) types.set(`${t.coding?.[0]?.system}|${t.coding?.[0]?.code}`, t);
    return {
      scheduleId: `demo-sched-${room.id.slice('demo-loc-'.length)}`,
      kind: 'room',
      actor: `Location/${room.id}`,
      site: room.partOf,
      serviceTypes: [...types.values()],
      week,
      exceptions,
      timeOff: [],
      languages: [],
    };
  });
}

const INTERPRETING = concept(SYSTEM.careloopService, 'interpreting', 'Interpreting');

function interpreterBookables(closures: readonly Closure[]): Bookable[] {
  return INTERPRETERS.map((i) => ({
    scheduleId: i.scheduleId,
    kind: 'interpreter',
    actor: `Practitioner/${i.practitionerId}`,
    site: undefined,
    serviceTypes: [INTERPRETING],
    week: i.week,
    exceptions: exceptionsFor(i.week.rules, closures),
    timeOff: [],
    languages: [i.language, 'en'],
  }));
}

/** The bookable world as of `now`; only names depend on the seed, and dates only on the calendar. */
export function buildBookableWorld(seed: number, now: Date): BookableWorld {
  const today = localDay(now.getTime());
  const closures = closuresBetween(today - EXCEPTION_DAYS.before, today + EXCEPTION_DAYS.after);
  const practitioners = clinicianBookables(buildRoster(seed).clinicians, today, closures);
  return {
    today,
    closures,
    practitioners,
    rooms: roomBookables(practitioners, closures),
    interpreters: interpreterBookables(closures),
  };
}

/** The instants a bookable is open on a local day: its hours (or that day's exception) minus leave. */
export function openOn(b: Bookable, day: number): Interval[] {
  const spans = b.exceptions.get(day) ?? spansOn(b.week.rules, day);
  let open: Interval[] = spans.map((s) => ({ start: instantAt(day, s.start), end: instantAt(day, s.end) }));
  for (const off of b.timeOff)
    open = open.flatMap((o) =>
      off.end <= o.start || off.start >= o.end
        ? [o]
        : [
            ...(o.start < off.start ? [{ start: o.start, end: off.start }] : []),
            ...(off.end < o.end ? [{ start: off.end, end: o.end }] : []),
          ],
    );
  return open;
}
