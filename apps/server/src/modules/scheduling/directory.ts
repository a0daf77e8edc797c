import type {
  Device,
  HealthcareService,
  Location,
  Practitioner,
  PractitionerRole,
  Schedule,
  Slot,
} from '@medplum/fhirtypes';
import type { StoreTx } from '../../platform/store/index.ts';
import { type CompiledAvailability, compileAvailability } from './domain/availability.ts';
import { availabilityOf, EXT, type Role, timeZoneOn } from './domain/fhir-mapping.ts';
import type { Interval } from './domain/intervals.ts';

/** A place where visits happen: a clinic or hospital site, with its clock and where it is. */
export type Site = Readonly<{
  id: string;
  name: string;
  timeZone: string;
  position?: { latitude: number; longitude: number };
}>;

/** Something bookable: a practitioner, room, device or interpreter with its Schedule, compiled. */
export type Bookable = Readonly<{
  schedule: string;
  /** `Practitioner/…`, `Location/…`, `Device/…` */
  actor: string;
  role: Role;
  /** The site it serves (a practitioner's Location actor, a room's or device's location); none for interpreters. */
  site: string | undefined;
  availability: CompiledAvailability;
  /** BCP-47 primary language subtags it works in (practitioners, interpreters). */
  languages: readonly string[];
  /** Payer networks (plan-net network-reference) it belongs to. */
  networks: readonly string[];
}>;

export const INTERPRETING = { system: 'https://careloop.dev/fhir/CodeSystem/service', code: 'interpreting' } as const;
const DEFAULT_ZONE = 'UTC';
const ROOM = 'ro';

/** Compiled availability by Schedule version: schedules change rarely and compiling rules costs more than using them. */
const compiled = new Map<string, CompiledAvailability>();
function compile(schedule: Schedule, zone: string, timeOff: readonly Interval[]): CompiledAvailability {
  if (timeOff.length) return compileAvailability(availabilityOf(schedule, zone, timeOff), 'Schedule');
  const key = `${schedule.id}/${schedule.meta?.versionId}/${zone}`;
  let c = compiled.get(key);
  if (!c) {
    c = compileAvailability(availabilityOf(schedule, zone, []), 'Schedule');
    if (compiled.size > 5000) compiled.clear();
    compiled.set(key, c);
  }
  return c;
}

const refId = (ref: string | undefined, type: string) =>
  ref?.startsWith(`${type}/`) ? ref.slice(type.length + 1) : undefined;
const language = (code: string | undefined) => code?.split('-')[0]?.toLowerCase();

type Loaded = Readonly<{ schedules: Schedule[]; byRef: Map<string, unknown> }>;

/** Active Schedules offering a service type, with the resources they are for (and rooms' sites) included. */
async function schedulesFor(store: StoreTx, serviceType: string): Promise<Loaded> {
  const page = await store.search(
    'Schedule',
    new URLSearchParams([
      ['service-type', serviceType],
      ['active', 'true'],
      ['_count', '1000'],
      ['_include', 'Schedule:actor'],
      ['_include:iterate', 'Location:partof'],
    ]),
  );
  const byRef = new Map<string, unknown>();
  for (const r of page.included) byRef.set(`${r.resourceType}/${r.id}`, r);
  return { schedules: page.matches as Schedule[], byRef };
}

/** Busy-unavailable Slots (time off) of the schedules overlapping the window, by Schedule id. */
async function timeOffOf(
  store: StoreTx,
  schedules: readonly string[],
  window: Interval,
): Promise<Map<string, Interval[]>> {
  const out = new Map<string, Interval[]>();
  for (let i = 0; i < schedules.length; i += 100) {
    const page = await store.search(
      'Slot',
      new URLSearchParams([
        [
          'schedule',
          schedules
            .slice(i, i + 100)
            .map((s) => `Schedule/${s}`)
            .join(','),
        ],
        ['status', 'busy-unavailable'],
        ['start', `lt${new Date(window.end).toISOString()}`],
        ['_count', '1000'],
      ]),
    );
    for (const slot of page.matches as Slot[]) {
      const start = Date.parse(slot.start);
      const end = Date.parse(slot.end);
      const id = refId(slot.schedule.reference, 'Schedule');
      if (!id || !(end > window.start) || !(end > start)) continue;
      out.set(id, [...(out.get(id) ?? []), { start, end }]);
    }
  }
  return out;
}

/** The payer networks of each practitioner, from their PractitionerRoles (plan-net network-reference extension). */
async function networksOf(store: StoreTx, practitioners: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < practitioners.length; i += 100) {
    const page = await store.search(
      'PractitionerRole',
      new URLSearchParams({ practitioner: practitioners.slice(i, i + 100).join(','), _count: '1000' }),
    );
    for (const role of page.matches as PractitionerRole[]) {
      const p = role.practitioner?.reference;
      if (!p || role.active === false) continue;
      const nets = (role.extension ?? []).flatMap((e) =>
        e.url === EXT.network && e.valueReference?.reference ? [e.valueReference.reference] : [],
      );
      out.set(p, [...(out.get(p) ?? []), ...nets]);
    }
  }
  return out;
}

function siteOf(loc: Location | undefined): Site | undefined {
  if (!loc?.id) return undefined;
  const p = loc.position;
  return {
    id: loc.id,
    name: loc.name ?? 'the clinic',
    timeZone: timeZoneOn(loc) ?? DEFAULT_ZONE,
    ...(p ? { position: { latitude: p.latitude, longitude: p.longitude } } : {}),
  };
}

/** Classifies one Schedule: who or what it is for, in which role, at which site. */
function classify(s: Schedule, byRef: Map<string, unknown>, interpreting: boolean) {
  const refs = s.actor.map((a) => a.reference ?? '');
  const practitioner = refs.find((r) => r.startsWith('Practitioner/'));
  const device = refs.find((r) => r.startsWith('Device/'));
  const location = refs.find((r) => r.startsWith('Location/'));
  const loc = location ? (byRef.get(location) as Location | undefined) : undefined;
  if (practitioner)
    return { actor: practitioner, role: interpreting ? 'interpreter' : 'practitioner', site: loc } as const;
  if (device) {
    const d = byRef.get(device) as Device | undefined;
    const at = d?.location?.reference ? (byRef.get(d.location.reference) as Location | undefined) : loc;
    return { actor: device, role: 'equipment', site: at } as const;
  }
  if (loc) {
    const isRoom = loc.physicalType?.coding?.some((c) => c.code === ROOM);
    const parent = isRoom && loc.partOf?.reference ? (byRef.get(loc.partOf.reference) as Location | undefined) : loc;
    return { actor: location as string, role: isRoom ? 'room' : 'practitioner', site: parent } as const;
  }
  return undefined;
}

/**
 * Everything bookable for a service (its HealthcareService.type) and, when `withInterpreters`, the interpreters:
 * their Schedules compiled with their time off, their sites, languages and networks.
 */
export async function loadBookables(
  store: StoreTx,
  service: HealthcareService,
  window: Interval,
  withInterpreters: boolean,
): Promise<{ bookables: Bookable[]; sites: Map<string, Site> }> {
  const types = (service.type ?? []).flatMap((t) => t.coding ?? []).filter((c) => c.code);
  const serviceType = types.map((c) => (c.system ? `${c.system}|${c.code}` : (c.code as string))).join(',');
  const loads = [{ loaded: await schedulesFor(store, serviceType), interpreting: false }];
  if (withInterpreters)
    loads.push({
      loaded: await schedulesFor(store, `${INTERPRETING.system}|${INTERPRETING.code}`),
      interpreting: true,
    });
  const sites = new Map<string, Site>();
  const found = loads.flatMap(({ loaded, interpreting }) =>
    loaded.schedules.flatMap((s) => {
      const c = classify(s, loaded.byRef, interpreting);
      const site = c?.site ? siteOf(c.site) : undefined;
      if (site) sites.set(site.id, site);
      const who = c ? (loaded.byRef.get(c.actor) as Practitioner | undefined) : undefined;
      return c ? [{ schedule: s, ...c, site, who }] : [];
    }),
  );
  const timeOff = await timeOffOf(
    store,
    found.map((f) => f.schedule.id as string),
    window,
  );
  const practitioners = [...new Set(found.filter((f) => f.actor.startsWith('Practitioner/')).map((f) => f.actor))];
  const networks = await networksOf(store, practitioners);
  const bookables = found.map(
    (f): Bookable => ({
      schedule: f.schedule.id as string,
      actor: f.actor,
      role: f.role,
      site: f.role === 'interpreter' ? undefined : f.site?.id,
      availability: compile(f.schedule, f.site?.timeZone ?? DEFAULT_ZONE, timeOff.get(f.schedule.id as string) ?? []),
      languages: [
        ...new Set((f.who?.communication ?? []).flatMap((c) => c.coding ?? []).flatMap((c) => language(c.code) ?? [])),
      ],
      networks: networks.get(f.actor) ?? [],
    }),
  );
  return { bookables, sites };
}
