import type { Extension, Resource, Schedule, Slot } from '@medplum/fhirtypes';
import { SCHEDULING_EXTENSIONS as EXT } from '../../modules/scheduling/index.ts';
import { type Bookable, type BookableWorld, buildBookableWorld } from './bookables.ts';
import type { Closure } from './closures.ts';
import { demoMeta, specialtyConcept, TIME_ZONE } from './codes.ts';
import { fhirTime, isoDate, localDay, rruleOf, type Span } from './hours.ts';
import { formatDateTime } from './time.ts';

/** Options of {@link generateSchedules}. */
export type ScheduleOptions = {
  /** Seed for names (displays); hours, rooms and ids are the same for every seed. */
  seed: number;
  /** The day the data is "as of": holiday exceptions and leave are written for the weeks after it. */
  now: Date;
};

const part = (url: string, value: Omit<Extension, 'url'>): Extension => ({ url, ...value });

function hoursExtension(day: number, spans: readonly Span[]): Extension {
  return {
    url: EXT.hoursException,
    extension: [
      part('date', { valueDate: isoDate(day) }),
      // No hours: closed all day.
      ...spans.map((s) =>
        part('hours', {
          extension: [part('start', { valueTime: fhirTime(s.start) }), part('end', { valueTime: fhirTime(s.end) })],
        }),
      ),
    ],
  };
}

function workingHours(b: Bookable): Extension[] {
  return b.week.rules.map((r) => ({
    url: EXT.workingHours,
    extension: [
      part('rrule', { valueString: rruleOf(r) }),
      part('start', { valueTime: `${r.start}:00` }),
      part('end', { valueTime: `${r.end}:00` }),
      // An every-other-week rule needs where it starts (RFC 5545 §3.3.10 takes the phase from DTSTART).
      ...(r.fortnightFrom ? [part('validFrom', { valueDate: r.fortnightFrom })] : []),
    ],
  }));
}

/** What the hours and the closures that change them say in words, for the coordinator reading the Schedule. */
function comment(b: Bookable, closures: readonly Closure[]): string {
  const notes = closures.flatMap((c) => {
    const hours = b.exceptions.get(c.day);
    if (!hours) return [];
    return [`${hours.length ? 'mornings only' : 'closed'} ${isoDate(c.day)} (${c.why})`];
  });
  return notes.length ? `${b.week.label}; ${notes.join('; ')}` : b.week.label;
}

function actors(b: Bookable): Schedule['actor'] {
  const who = b.clinician;
  const display = who ? `${who.given.join(' ')} ${who.family}, ${who.credential}` : undefined;
  return [
    { reference: b.actor, ...(display ? { display } : {}) },
    // A clinician's Schedule names where they see patients; scheduling reads the site from it.
    ...(b.kind === 'practitioner' && b.site ? [{ reference: `Location/${b.site}` }] : []),
  ];
}

function schedule(b: Bookable, world: BookableWorld): Schedule {
  // Past closures only steer where the seed's visits fall; the Schedule says what is ahead.
  const ahead = [...b.exceptions].filter(([day]) => day >= world.today);
  const closures = world.closures.filter((c) => c.day >= world.today);
  return {
    resourceType: 'Schedule',
    id: b.scheduleId,
    meta: demoMeta(),
    extension: [
      { url: EXT.timeZone, valueCode: TIME_ZONE },
      ...workingHours(b),
      ...ahead.map(([day, spans]) => hoursExtension(day, spans)),
    ],
    active: true,
    serviceType: [...b.serviceTypes],
    ...(b.clinician ? { specialty: [specialtyConcept(b.clinician.specialty)] } : {}),
    actor: actors(b),
    comment: comment(b, closures),
  };
}

/** Leave as busy-unavailable Slots of each of the clinician's Schedules, as R4 means time off to be recorded. */
function leaveSlots(b: Bookable): Slot[] {
  return b.timeOff.map((off) => ({
    resourceType: 'Slot',
    id: `demo-slot-${b.scheduleId.slice('demo-sched-'.length)}-${isoDate(localDay(off.start)).replaceAll('-', '')}`,
    meta: demoMeta(),
    serviceType: [...b.serviceTypes],
    schedule: { reference: `Schedule/${b.scheduleId}` },
    status: 'busy-unavailable',
    start: formatDateTime(off.start),
    end: formatDateTime(off.end),
    comment: 'Annual leave',
  }));
}

/** The Schedules and time-off Slots of a bookable world. */
function scheduleResources(world: BookableWorld): Resource[] {
  const all = [...world.practitioners, ...world.rooms, ...world.interpreters];
  return [...all.map((b) => schedule(b, world)), ...world.practitioners.flatMap(leaveSlots)];
}

/**
 * The demo's Schedules: one per outpatient clinician and site (actor: the Practitioner and the site Location; their
 * service's type; working hours as RFC 5545 rules in America/Chicago, with exceptions on the coming holidays), one
 * per exam room and one per interpreter; and a week of leave for a few clinicians as busy-unavailable Slots.
 * Deterministic: the same seed and day give the same resources, and the dates depend on the calendar only.
 */
export function generateSchedules(options: ScheduleOptions): Resource[] {
  if (Number.isNaN(options.now.getTime())) throw new RangeError('now must be a valid date');
  return scheduleResources(buildBookableWorld(options.seed, options.now));
}
