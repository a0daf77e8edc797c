import type { Language } from '@careloop/fhir';
import type { Appointment, Bundle, HealthcareService } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { invalid } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/index.ts';
import { type Bookable, loadBookables, type Site } from './directory.ts';
import { openIntervals } from './domain/availability.ts';
import { type Role, type VisitType, visitTypesOf } from './domain/fhir-mapping.ts';
import { distanceKm } from './domain/geo.ts';
import { type Interval, normalize, subtract } from './domain/intervals.ts';
import { PATIENT_WINDOW_PRESETS, patientIntervals } from './domain/patient-windows.ts';
import { rankSlots, type SlotRank } from './domain/rank.ts';
import { findSlots } from './domain/slots.ts';
import { type PatientContext, patientContext } from './patient-context.ts';
import { type Candidate, proposal } from './proposal.ts';

export type WindowPreset = keyof typeof PATIENT_WINDOW_PRESETS;

/** What `Appointment/$find` is asked (docs/scheduling.md); instants as epoch ms. */
export type FindInput = Readonly<{
  service: string;
  appointmentType?: string | undefined;
  patient: string;
  start: number;
  end: number;
  windows: readonly WindowPreset[];
  /** The patient's time zone for `windows` (default: the site's). */
  timeZone?: string | undefined;
  isVirtual: boolean;
  inNetworkOnly: boolean;
  language?: string | undefined;
  maxDistanceKm?: number | undefined;
  count: number;
}>;

const DAY = 86_400_000;
/** Each practitioner's earliest slots considered; then the best are picked among all. */
const PER_PRACTITIONER = 3;

/** The visit kind asked for, or the service's first; a service with none cannot be booked. */
export function visitTypeOf(service: HealthcareService, code: string | undefined): VisitType {
  let types: VisitType[];
  try {
    types = visitTypesOf(service);
  } catch (e) {
    throw invalid(`The service's visit definition is invalid: ${(e as Error).message}`, 'service');
  }
  const type = code ? types.find((t) => t.code.code === code) : types[0];
  if (!type)
    throw invalid(
      code ? `The service offers no visit of type ${code.slice(0, 40)}` : 'The service has no bookable visit types',
      code ? 'appointment-type' : 'service',
    );
  return type;
}

const busyByActor = (busy: readonly { actor: string; start: number; end: number }[]) => {
  const out = new Map<string, Interval[]>();
  for (const b of busy) {
    const list = out.get(b.actor);
    if (list) list.push({ start: b.start, end: b.end });
    else out.set(b.actor, [{ start: b.start, end: b.end }]);
  }
  return out;
};

/** Free time of every bookable in the window: open hours minus time off minus bookings (with their buffers). */
function freeTime(bookables: readonly Bookable[], busy: Map<string, Interval[]>, window: Interval) {
  return new Map(
    bookables.map((b) => [
      b.schedule,
      subtract(openIntervals(b.availability, window), normalize(busy.get(b.actor) ?? [])),
    ]),
  );
}

type Search = Readonly<{
  input: FindInput;
  type: VisitType;
  patient: PatientContext;
  bookables: readonly Bookable[];
  sites: ReadonlyMap<string, Site>;
  free: ReadonlyMap<string, Interval[]>;
  /** Schedule id → its bookable. */
  bySchedule: ReadonlyMap<string, Bookable>;
  /** The candidates of a role at a site (or in a language), built once per search. */
  pools: Map<string, { id: string; free: Interval[] }[]>;
  window: Interval;
}>;

/** The slots one practitioner can offer: with the rooms and equipment of their site, and an interpreter if needed. */
function practitionerSlots(s: Search, p: Bookable, language: string | undefined): Candidate[] {
  const { input, type, patient } = s;
  const site = p.site ? s.sites.get(p.site) : undefined;
  if (input.inNetworkOnly && !p.networks.some((n) => patient.payers.includes(n))) return [];
  const distance =
    !input.isVirtual && site?.position && patient.home ? distanceKm(patient.home, site.position) : undefined;
  if (
    input.maxDistanceKm !== undefined &&
    !input.isVirtual &&
    (distance === undefined || distance > input.maxDistanceKm)
  )
    return [];
  // A video visit needs no room or equipment at the site.
  const roles: Role[] = ['practitioner', ...(input.isVirtual ? [] : type.roles.filter((r) => r !== 'practitioner'))];
  if (language && !p.languages.includes(language)) roles.push('interpreter');
  const of = (b: Bookable) => ({ id: b.schedule, free: s.free.get(b.schedule) ?? [] });
  const candidates: Record<string, { id: string; free: Interval[] }[]> = { practitioner: [of(p)] };
  // The same list for every practitioner of a site (or every interpreter of a language): findSlots derives its
  // starts once per list.
  for (const role of roles.slice(1)) {
    const key = `${role}|${role === 'interpreter' ? language : p.site}`;
    let pool = s.pools.get(key);
    if (!pool) {
      pool = s.bookables
        .filter(
          (b) => b.role === role && (role === 'interpreter' ? b.languages.includes(language ?? '') : b.site === p.site),
        )
        .map(of);
      s.pools.set(key, pool);
    }
    candidates[role] = pool;
  }
  if (roles.some((r) => (candidates[r]?.length ?? 0) === 0)) return [];
  const zone = site?.timeZone ?? 'UTC';
  const windows = input.windows.length
    ? patientIntervals(
        { timeZone: input.timeZone ?? zone, weekly: input.windows.map((w) => PATIENT_WINDOW_PRESETS[w]) },
        s.window,
      )
    : undefined;
  const slots = findSlots({
    type: {
      durationMinutes: type.durationMinutes,
      bufferBeforeMinutes: type.bufferBeforeMinutes,
      bufferAfterMinutes: type.bufferAfterMinutes,
      stepMinutes: type.stepMinutes,
      roles,
    },
    candidates,
    ...(windows ? { patientWindows: windows } : {}),
    earliest: s.window.start,
    horizonEnd: s.window.end,
    limit: PER_PRACTITIONER,
  });
  const isInNetwork = patient.payers.length ? p.networks.some((n) => patient.payers.includes(n)) : undefined;
  return slots.map((slot) => ({
    ...slot,
    resourceId: p.actor,
    actors: Object.fromEntries(
      Object.entries(slot.resources).map(([role, id]) => [role, s.bySchedule.get(id)?.actor ?? '']),
    ),
    site,
    ...(distance !== undefined ? { distanceKm: distance } : {}),
    isVirtual: input.isVirtual,
    hasSeenBefore: patient.seen.has(p.actor),
    ...(isInNetwork !== undefined ? { isInNetwork } : {}),
  }));
}

/**
 * `Appointment/$find` (issue #5): the best times for a visit of a service for a patient — every resource the visit
 * needs free at once (with buffers), inside the patient's windows and the horizon, within reach and network when
 * asked, with an interpreter when the practitioner does not speak the patient's language — ranked by how soon, how
 * near and whether the patient knows the practitioner, each with its reasons. Answers a searchset of proposed
 * Appointments, each ready to pass to `$book`. Looks two weeks ahead first, then to the horizon if that found too few.
 */
export async function findAppointments(
  store: Store,
  input: FindInput,
  now: Temporal.Instant,
  answerIn: Language = 'en',
): Promise<Bundle<Appointment>> {
  const service = await store.read<HealthcareService>('HealthcareService', input.service);
  const type = visitTypeOf(service, input.appointmentType);
  if (input.isVirtual && !type.canBeVirtual) throw invalid('This visit cannot be held by video', 'virtual');
  const patient = await patientContext(store, input.patient);
  const language = input.language ?? patient.interpreterLanguage;
  const start = Math.max(input.start, now.epochMilliseconds);
  if (!(input.end > start)) throw invalid('end must be after start and after now', 'end');
  let picked: (Candidate & { rank: SlotRank })[] = [];
  for (const end of [Math.min(input.end, start + 14 * DAY), input.end]) {
    const window = { start, end };
    const { bookables, sites } = await loadBookables(store, service, window, language !== undefined);
    const busy = busyByActor(
      await store.bookings([...new Set(bookables.map((b) => b.actor))], {
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
      }),
    );
    const search: Search = {
      input,
      type,
      patient,
      bookables,
      sites,
      free: freeTime(bookables, busy, window),
      bySchedule: new Map(bookables.map((b) => [b.schedule, b])),
      pools: new Map(),
      window,
    };
    const candidates = bookables
      .filter((b) => b.role === 'practitioner')
      .flatMap((p) => practitionerSlots(search, p, language));
    picked = rankSlots(candidates).slice(0, input.count);
    if (picked.length >= input.count || end >= input.end) break;
  }
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: picked.length,
    entry: picked.map((c) => ({
      resource: proposal(service, type, input.patient, c),
      search: {
        mode: 'match',
        score: c.rank.score,
        extension: c.rank.reasons.map((r) => ({
          url: 'https://careloop.dev/fhir/StructureDefinition/rank-reason',
          valueString: `${r.why[answerIn]} (${r.points >= 0 ? '+' : ''}${r.points})`,
        })),
      },
    })),
  };
}
