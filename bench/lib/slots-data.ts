import { Temporal } from 'temporal-polyfill';
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

/** Wall-clock hours on the ISO weekdays `days` (1 = Monday … 7 = Sunday). */
type Rule = Readonly<{ days: readonly number[]; start: string; end: string }>;
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

const SITES: readonly (Omit<Site, 'zone'> & { share: number })[] = [
  { id: 'bs-site-tmc', name: 'Medical Center Clinic', latitude: 29.7066, longitude: -95.398, share: 0.3 },
  { id: 'bs-site-heights', name: 'Heights Clinic', latitude: 29.7904, longitude: -95.3981, share: 0.18 },
  { id: 'bs-site-galleria', name: 'Galleria Clinic', latitude: 29.739, longitude: -95.464, share: 0.15 },
  { id: 'bs-site-memorial', name: 'Memorial City Clinic', latitude: 29.781, longitude: -95.542, share: 0.13 },
  { id: 'bs-site-clearlake', name: 'Clear Lake Clinic', latitude: 29.553, longitude: -95.1, share: 0.12 },
  { id: 'bs-site-cypress', name: 'Cypress Clinic', latitude: 29.969, longitude: -95.697, share: 0.12 },
];
export const PAYERS = [
  ['bs-payer-gulf', 'Gulf Health Plan', 0.35],
  ['bs-payer-lonestar', 'Lone Star Care', 0.25],
  ['bs-payer-bayou', 'Bayou Medicaid', 0.2],
  ['bs-payer-texan', 'Texan Medicare Advantage', 0.12],
] as const;
/**
 * Home ZIP codes in and around Houston with their centroids, as the `zipcodes` package (what `$find` looks homes up
 * in) has them: the baseline needs the same coordinates, and the bench must not depend on the server's packages.
 */
const ZIPS: readonly (readonly [string, number, number])[] = [
  ['77002', 29.7594, -95.3594],
  ['77003', 29.7489, -95.3391],
  ['77004', 29.7247, -95.3625],
  ['77005', 29.7179, -95.4263],
  ['77006', 29.7409, -95.3923],
  ['77007', 29.7736, -95.4034],
  ['77008', 29.7991, -95.4118],
  ['77009', 29.7936, -95.3675],
  ['77019', 29.7517, -95.4054],
  ['77021', 29.6954, -95.3562],
  ['77025', 29.6889, -95.4341],
  ['77027', 29.7396, -95.446],
  ['77030', 29.7041, -95.401],
  ['77033', 29.6686, -95.3382],
  ['77036', 29.6984, -95.5405],
  ['77040', 29.8744, -95.5278],
  ['77042', 29.7404, -95.5589],
  ['77054', 29.6852, -95.4017],
  ['77056', 29.7446, -95.4683],
  ['77057', 29.7422, -95.4903],
  ['77063', 29.7348, -95.522],
  ['77074', 29.6896, -95.5106],
  ['77077', 29.7477, -95.603],
  ['77079', 29.7738, -95.598],
  ['77081', 29.7119, -95.4845],
  ['77084', 29.844, -95.6623],
  ['77088', 29.8817, -95.4539],
  ['77089', 29.594, -95.2218],
  ['77095', 29.8941, -95.6481],
  ['77099', 29.6709, -95.5866],
  ['77338', 30.0041, -95.2825],
  ['77373', 30.0532, -95.3773],
  ['77388', 30.0505, -95.4695],
  ['77429', 29.9766, -95.6358],
  ['77433', 29.8836, -95.7025],
  ['77449', 29.8323, -95.736],
  ['77459', 29.5704, -95.5423],
  ['77494', 29.7404, -95.8304],
  ['77521', 29.7705, -94.9695],
  ['77546', 29.5224, -95.1879],
  ['77573', 29.5173, -95.0963],
  ['77581', 29.5617, -95.2721],
  ['77584', 29.5405, -95.3208],
  ['77598', 29.5564, -95.144],
  ['77062', 29.5721, -95.1303],
  ['77058', 29.5716, -95.0998],
];

const ALL_WEEK = [1, 2, 3, 4, 5];
/** Working-hour patterns and how common each is. */
const PATTERNS: readonly [number, (r: () => number) => Rule[]][] = [
  [0.6, () => [{ days: ALL_WEEK, start: '08:00', end: '17:00' }]],
  [
    0.1,
    () => [
      { days: [1, 2, 3, 4], start: '08:00', end: '17:00' },
      { days: [5], start: '08:00', end: '12:00' },
    ],
  ],
  [0.1, (r) => [{ days: ALL_WEEK.filter((d) => d !== 1 + Math.floor(r() * 5)), start: '08:00', end: '17:00' }]],
  [0.08, () => [{ days: ALL_WEEK, start: '07:00', end: '15:30' }]],
  [
    0.06,
    () => [
      { days: [1, 2, 4, 5], start: '08:00', end: '17:00' },
      { days: [3], start: '11:00', end: '19:00' },
    ],
  ],
  [
    0.06,
    () => [
      { days: [2, 3, 4, 5], start: '08:00', end: '17:00' },
      { days: [6], start: '08:00', end: '13:00' },
    ],
  ],
];
const ROOM_RULES: readonly Rule[] = [
  { days: ALL_WEEK, start: '07:00', end: '20:00' },
  { days: [6], start: '08:00', end: '14:00' },
];
const INTERPRETER_RULES: readonly Rule[] = [{ days: ALL_WEEK, start: '08:00', end: '17:00' }];

function pick<T>(table: readonly (readonly [number, T])[], r: number): T {
  let acc = 0;
  for (const [weight, value] of table) {
    acc += weight;
    if (r < acc) return value;
  }
  return (table[table.length - 1] as readonly [number, T])[1];
}

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
