import { Temporal } from 'temporal-polyfill';
import { INTERPRETER_RULES, PATTERNS, PAYERS, pick, ROOM_RULES, type Rule, SITES, ZIPS } from './slots-tables.ts';
import { rng } from './tasks.ts';

/**
 * The population of `npm run bench:slots`, deterministic in its sizes and first day: a handful of sites around
 * Houston (America/Chicago), practitioners with varied working hours (half days, a day off, early and late clinics,
 * Saturday mornings), some dated exceptions and a week of time off; exam rooms per site; Spanish interpreters; payer
 * networks; one primary-care service whose follow-up visit takes 30 minutes plus 10 to clean the room and needs a
 * practitioner and a room; patients with home ZIP codes, languages, coverage, past encounters and a coordinator; and
 * booked Appointments over `days` days in 45-minute template slots, the near weeks fullest: about two thirds of
 * practitioner hours in all (`densityOn`).
 */
export type SlotsPopulation = Readonly<{
  providers: number;
  days: number;
  patients: number;
  coordinators: number;
  /** Day 0, a local date `YYYY-MM-DD` in ZONE: the first day of availability, bookings and every search. */
  firstDay: string;
}>;

const ZONE = 'America/Chicago';
export const SERVICE_ID = 'bs-service';
/** The visit `$find` is asked for (the service's first appointment type): 30 minutes, 10 after, 15-minute grid. */
export const VISIT = { minutes: 30, bufferAfter: 10, step: 15 } as const;

export const SERVICE_TYPE = { system: 'http://terminology.hl7.org/CodeSystem/service-type', code: '124' } as const;
/** The service type of interpreters' Schedules, as `directory.ts` (scheduling) looks them up. */
export const INTERPRETING = { system: 'https://careloop.dev/fhir/CodeSystem/service', code: 'interpreting' } as const;
export const VISIT_CODES = { FOLLOWUP: 'FOLLOWUP', NEW: 'NEW' } as const;
const MINUTE = 60_000;
const _DAY = 86_400_000;
export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

export type Site = Readonly<{ id: string; name: string; latitude: number; longitude: number; zone: string }>;

type Exception = Readonly<{ date: string; hours: readonly Readonly<{ start: string; end: string }>[] }>;

/** Something with a Schedule: a practitioner, a room or an interpreter. */
export type Bookable = Readonly<{
  /** `Practitioner/…` or `Location/…` (what appointment_booking.actor holds). */
  actor: string;
  schedule: string;
  kind: 'practitioner' | 'room' | 'interpreter';
  /** The site's id; none for interpreters. */
  site: string | undefined;
  zone: string;
  rules: readonly Rule[];
  exceptions: readonly Exception[];
  /** A week of leave (a busy-unavailable Slot), epoch ms. */
  timeOff: readonly Readonly<{ start: number; end: number }>[];
  languages: readonly string[];
  /** `Organization/…` payers whose network the practitioner is in. */
  networks: readonly string[];
}>;

export type BenchPatient = Readonly<{
  id: string;
  zip: string;
  latitude: number;
  longitude: number;
  language: 'en' | 'es' | undefined;
  payer: string | undefined;
  coordinator: string;
  /** Practitioners the patient had encounters with. */
  seen: readonly string[];
}>;

export type World = Readonly<{
  population: SlotsPopulation;
  sites: readonly Site[];
  payers: readonly string[];
  practitioners: readonly Bookable[];
  rooms: readonly Bookable[];
  interpreters: readonly Bookable[];
  patients: readonly BenchPatient[];
  /** Patients who prefer Spanish (the interpreter-aware mix picks among them). */
  spanish: readonly BenchPatient[];
  coordinators: readonly string[];
  /** Day 0's local midnight, epoch ms: where every search starts. */
  start: number;
}>;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** One local date of the span: its ISO weekday and how its wall times become instants. */
type LocalDay = Readonly<{ date: string; isoDay: number; at(minute: number): number }>;

/** The local days from `firstDay`, `count` of them, in `zone` (wall times away from 02:00 use the day's noon offset). */
function localDays(firstDay: string, count: number, zone = ZONE): LocalDay[] {
  const first = Temporal.PlainDate.from(firstDay);
  return Array.from({ length: count }, (_, k) => {
    const d = first.add({ days: k });
    const noon = d.toZonedDateTime({ timeZone: zone, plainTime: '12:00' });
    const utcMidnight = Date.UTC(d.year, d.month - 1, d.day);
    const offset = noon.offsetNanoseconds / 1e6;
    return { date: d.toString(), isoDay: d.dayOfWeek, at: (minute: number) => utcMidnight + minute * MINUTE - offset };
  });
}

/** The first day of a benchmark started now: the day after tomorrow in ZONE, so every search starts in the future. */
export const firstDayFromNow = (): string =>
  Temporal.Now.zonedDateTimeISO(ZONE).toPlainDate().add({ days: 2 }).toString();

/** When a bookable is open on one local day (its rules or that date's exception, minus time off), epoch ms. */
function openOn(b: Bookable, day: LocalDay): { start: number; end: number }[] {
  const exception = b.exceptions.find((e) => e.date === day.date);
  const hours = exception ? exception.hours : b.rules.filter((r) => r.days.includes(day.isoDay));
  const out: { start: number; end: number }[] = [];
  for (const h of hours) {
    let pieces = [{ start: day.at(minutesOf(h.start)), end: day.at(minutesOf(h.end)) }];
    for (const off of b.timeOff)
      pieces = pieces.flatMap((p) =>
        off.end <= p.start || off.start >= p.end
          ? [p]
          : [
              ...(off.start > p.start ? [{ start: p.start, end: off.start }] : []),
              ...(off.end < p.end ? [{ start: off.end, end: p.end }] : []),
            ],
      );
    out.push(...pieces);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The whole world of one population, without the bookings (those are generated day by day). */
export function buildWorld(p: SlotsPopulation): World {
  const days = localDays(p.firstDay, p.days);
  const start = (days[0] as LocalDay).at(0);
  const sites: Site[] = SITES.map(({ share: _, ...s }) => ({ ...s, zone: ZONE }));
  // Sites get practitioners in proportion to their share, in a fixed order.
  const siteOf = (n: number) => {
    const x = (n + 0.5) / p.providers;
    let acc = 0;
    for (const s of SITES) {
      acc += s.share;
      if (x < acc) return s.id;
    }
    return (SITES[SITES.length - 1] as (typeof SITES)[number]).id;
  };
  const weekdays = days.filter((d) => d.isoDay <= 5);
  const mondays = days.filter((d, k) => d.isoDay === 1 && k + 7 <= days.length);
  const practitioners: Bookable[] = Array.from({ length: p.providers }, (_, n) => {
    const r = rng(n * 7_919 + 101);
    const rules = pick(PATTERNS, r())(r);
    const exceptions: Exception[] = [];
    if (r() < 0.1 && weekdays.length >= 2) {
      const closed = weekdays[Math.floor(r() * weekdays.length)] as LocalDay;
      const late = weekdays[Math.floor(r() * weekdays.length)] as LocalDay;
      exceptions.push({ date: closed.date, hours: [] });
      if (late.date !== closed.date) exceptions.push({ date: late.date, hours: [{ start: '12:00', end: '19:00' }] });
    }
    const timeOff: { start: number; end: number }[] = [];
    if (r() < 0.1 && mondays.length) {
      const k = days.indexOf(mondays[Math.floor(r() * mondays.length)] as LocalDay);
      timeOff.push({
        start: (days[k] as LocalDay).at(0),
        end: localDays((days[k] as LocalDay).date, 8)[7]?.at(0) ?? 0,
      });
    }
    const networks = PAYERS.filter(() => r() < 0.55).map(([id]) => `Organization/${id}`);
    return {
      actor: `Practitioner/bs-dr-${n}`,
      schedule: `bs-s-dr-${n}`,
      kind: 'practitioner',
      site: siteOf(n),
      zone: ZONE,
      rules,
      exceptions,
      timeOff,
      languages: r() < 0.25 ? ['en', 'es'] : ['en'],
      networks,
    };
  });
  const rooms: Bookable[] = sites.flatMap((s) => {
    const here = practitioners.filter((x) => x.site === s.id).length;
    const count = here ? Math.ceil(here * 0.75) + 1 : 0;
    return Array.from({ length: count }, (_, k) => ({
      actor: `Location/${s.id}-room-${k}`,
      schedule: `bs-s-${s.id}-room-${k}`,
      kind: 'room' as const,
      site: s.id,
      zone: ZONE,
      rules: ROOM_RULES,
      exceptions: [],
      timeOff: [],
      languages: [],
      networks: [],
    }));
  });
  const interpreters: Bookable[] = Array.from({ length: Math.max(2, Math.round(p.providers / 25)) }, (_, k) => ({
    actor: `Practitioner/bs-int-${k}`,
    schedule: `bs-s-int-${k}`,
    kind: 'interpreter',
    site: undefined,
    zone: ZONE,
    rules: INTERPRETER_RULES,
    exceptions: [],
    timeOff: [],
    languages: ['es', 'en'],
    networks: [],
  }));
  const coordinators = Array.from({ length: p.coordinators }, (_, k) => `Practitioner/bs-coord-${k}`);
  const patients: BenchPatient[] = Array.from({ length: p.patients }, (_, i) => {
    const r = rng(i * 104_729 + 7);
    const [zip, latitude, longitude] = ZIPS[Math.floor(r() * ZIPS.length)] as (typeof ZIPS)[number];
    const lang = r();
    const covered = r() < 0.92;
    const payer = pick(
      PAYERS.map(([id, , w]) => [w / 0.92, id] as const),
      r(),
    );
    const seen = Array.from(
      { length: Math.floor(r() * 4) },
      () => (practitioners[Math.floor(r() * practitioners.length)] as Bookable).actor,
    );
    return {
      id: `bs-p${i}`,
      zip,
      latitude,
      longitude,
      language: lang < 0.6 ? 'en' : lang < 0.85 ? 'es' : undefined,
      payer: covered ? `Organization/${payer}` : undefined,
      coordinator: coordinators[i % p.coordinators] as string,
      seen,
    };
  });
  return {
    population: p,
    sites,
    payers: PAYERS.map(([id]) => `Organization/${id}`),
    practitioners,
    rooms,
    interpreters,
    patients,
    spanish: patients.filter((x) => x.language === 'es'),
    coordinators,
    start,
  };
}

/** One booked visit: the appointment `[start, end)`, its busy period (with the buffer) and who takes part. */
export type Booking = Readonly<{
  id: string;
  start: number;
  end: number;
  busyEnd: number;
  type: keyof typeof VISIT_CODES;
  patient: BenchPatient;
  practitioner: Bookable;
  room: Bookable;
  interpreter: Bookable | undefined;
}>;

/**
 * The share of a practitioner's template slots booked on day k of n: 95 % on the first day, 65 % on the last (the near
 * weeks fill first). Visits that find no room free, buffers and the ends of the hours make the booked share of hours
 * lower: about two thirds over the span (the benchmark prints it).
 */
const densityOn = (k: number, n: number) => 0.95 - (0.3 * k) / Math.max(1, n - 1);

/**
 * The bookings of day k, deterministic. Each practitioner's hours are cut into template slots as a clinic does — 45
 * minutes, a 30-minute visit and its 10 minutes after it rounded up to the 15-minute grid — from the start of their
 * hours; each is booked at the day's density with a follow-up (30 + 10), or one time in five a new-patient visit (60 +
 * 10) taking two slots, or left free. Each visit gets the first room of the site free for its busy period (none free:
 * not booked), and a Spanish-speaking patient seeing a practitioner who speaks no Spanish gets the first interpreter
 * free (none free: another patient, who needs none).
 */
function bookingsOn(world: World, k: number, day: LocalDay): Booking[] {
  const f = densityOn(k, world.population.days);
  const r = rng(k * 2_654_435 + 3);
  const slot = 45 * MINUTE;
  type Draft = { start: number; end: number; busyEnd: number; type: 'FOLLOWUP' | 'NEW'; practitioner: Bookable };
  const drafts: Draft[] = [];
  for (const p of world.practitioners)
    for (const open of openOn(p, day))
      for (let t = open.start; t + slot <= open.end; t += slot) {
        if (r() >= f) continue;
        const type = r() < 0.2 && t + 2 * slot <= open.end ? 'NEW' : 'FOLLOWUP';
        const end = t + (type === 'FOLLOWUP' ? VISIT.minutes : 60) * MINUTE;
        drafts.push({ start: t, end, busyEnd: end + VISIT.bufferAfter * MINUTE, type, practitioner: p });
        if (type === 'NEW') t += slot;
      }
  drafts.sort((a, b) => a.start - b.start || (a.practitioner.actor < b.practitioner.actor ? -1 : 1));
  const roomFree = new Map<string, number>();
  const roomsAt = new Map<string, Bookable[]>();
  for (const room of world.rooms) roomsAt.set(room.site as string, [...(roomsAt.get(room.site as string) ?? []), room]);
  const interpreterFree = new Map<string, number>();
  const interpreterHours = (b: Draft) =>
    day.isoDay <= 5 && b.start >= day.at(minutesOf('08:00')) && b.busyEnd <= day.at(minutesOf('17:00'));
  const others = world.patients.filter((x) => x.language !== 'es');
  const out: Booking[] = [];
  for (const d of drafts) {
    const room = (roomsAt.get(d.practitioner.site as string) ?? []).find(
      (x) => (roomFree.get(x.actor) ?? 0) <= d.start,
    );
    if (!room) continue;
    let patient = world.patients[Math.floor(r() * world.patients.length)] as BenchPatient;
    let interpreter: Bookable | undefined;
    if (patient.language === 'es' && !d.practitioner.languages.includes('es')) {
      interpreter = interpreterHours(d)
        ? world.interpreters.find((x) => (interpreterFree.get(x.actor) ?? 0) <= d.start)
        : undefined;
      if (!interpreter) patient = others[Math.floor(r() * others.length)] ?? patient;
    }
    roomFree.set(room.actor, d.busyEnd);
    if (interpreter) interpreterFree.set(interpreter.actor, d.busyEnd);
    out.push({ ...d, id: `bs-appt-${k}-${out.length}`, patient, room, interpreter });
  }
  return out;
}

/** Every booking of the population, day by day. */
export function* allBookings(world: World): Generator<Booking[]> {
  const days = localDays(world.population.firstDay, world.population.days);
  for (const [k, day] of days.entries()) yield bookingsOn(world, k, day);
}

/** The hours a bookable is open over the whole span, in ms (to report how much of it is booked). */
export function openMs(world: World, b: Bookable): number {
  let sum = 0;
  for (const day of localDays(world.population.firstDay, world.population.days))
    for (const o of openOn(b, day)) sum += o.end - o.start;
  return sum;
}
