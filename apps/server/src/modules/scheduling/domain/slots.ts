import { type Interval, intersect, normalize, unionAll } from './intervals.ts';
import { MINUTE_MS } from './wall-clock.ts';

/**
 * What an appointment needs: how long it lasts, the set-up and clean-up time around it (buffers, during which its
 * resources are taken but the patient is not), the granularity of start times, and the roles it needs one resource
 * each of (`['practitioner', 'room']`). Whole minutes.
 */
export type AppointmentType = Readonly<{
  durationMinutes: number;
  bufferBeforeMinutes?: number;
  bufferAfterMinutes?: number;
  /** Start times are `gridOrigin + k × stepMinutes` (15 when not given). */
  stepMinutes?: number;
  roles: readonly string[];
}>;

/** A resource that could fill a role, with the instants it is free (its open hours minus its busy time). */
export type CandidateResource = Readonly<{ id: string; free: readonly Interval[] }>;

export type SlotSearch = Readonly<{
  type: AppointmentType;
  /**
   * For each of the type's roles, the resources that can fill it, most preferred first (the first one free at a
   * start is chosen; the others free then are its alternatives). A resource fills at most one role.
   */
  candidates: Readonly<Record<string, readonly CandidateResource[]>>;
  /** When the patient can attend; the appointment itself must lie inside one window. None given: any time. */
  patientWindows?: readonly Interval[];
  /** The appointment starts at or after `earliest` and ends by `horizonEnd` (epoch ms). */
  earliest: number;
  horizonEnd: number;
  /** At most this many slots, the earliest ones. */
  limit: number;
  /**
   * An instant the start-time grid passes through; epoch 0 (UTC) when not given, which is a local :00/:15/:30/:45
   * in every zone whose offset is a whole number of quarter hours (all current zones). Pass a local midnight for
   * steps that do not divide an hour, or for hourly steps in a half-hour zone such as Asia/Kolkata.
   */
  gridOrigin?: number;
}>;

/** A bookable time: the appointment `[start, end)`, the resource chosen for each role and the others free then. */
export type Slot = Readonly<{
  start: number;
  end: number;
  resources: Readonly<Record<string, string>>;
  alternatives: Readonly<Record<string, readonly string[]>>;
}>;

const minutes = (value: number | undefined, fallback: number, min: number, field: string): number => {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${field}: must be a whole number of minutes ≥ ${min}`);
  return v * MINUTE_MS;
};

/**
 * The time a booked appointment takes from each of its resources: the appointment widened by its type's buffers.
 * Subtract it from the resource's open hours to get the free time a new slot must fit into with its own buffers.
 */
export function busyInterval(
  appointment: Interval,
  type: Pick<AppointmentType, 'bufferBeforeMinutes' | 'bufferAfterMinutes'>,
): Interval {
  return {
    start: appointment.start - minutes(type.bufferBeforeMinutes, 0, 0, 'bufferBeforeMinutes'),
    end: appointment.end + minutes(type.bufferAfterMinutes, 0, 0, 'bufferAfterMinutes'),
  };
}

/**
 * Start times `t` at which `[t − before, t + length + after)` lies inside one of the `inside` intervals: each
 * `[s, e)` allows `s + before ≤ t ≤ e − length − after`. The right end is closed; instants are whole milliseconds,
 * so it is the half-open `[…, e − length − after + 1)`. Shrinking keeps the list sorted and disjoint.
 */
function startsInside(inside: readonly Interval[], length: number, before: number, after: number): Interval[] {
  const out: Interval[] = [];
  for (const i of inside) {
    const start = i.start + before;
    const end = i.end - length - after + 1;
    if (end > start) out.push({ start, end });
  }
  return out;
}

/**
 * Searches for many practitioners share their rooms, equipment and interpreters (the same candidate lists, the same
 * free-time arrays): what is derived from them — a resource's possible starts, a role's union — is computed once per
 * array and kept while the array lives. The inputs are readonly, so a cached answer stays right.
 */
const startsMemo = new WeakMap<readonly Interval[], Map<string, Interval[]>>();
const unionMemo = new WeakMap<readonly CandidateResource[], Map<string, Interval[]>>();

function memo<K extends object>(
  cache: WeakMap<K, Map<string, Interval[]>>,
  of: K,
  key: string,
  make: () => Interval[],
) {
  let byKey = cache.get(of);
  if (!byKey) {
    byKey = new Map();
    cache.set(of, byKey);
  }
  let value = byKey.get(key);
  if (!value) {
    value = make();
    byKey.set(key, value);
  }
  return value;
}

/** Moves `cursor[k]` past the start sets that end before `t` and says whether the next one holds `t`: O(1) amortized. */
function holds(starts: readonly Interval[], cursor: number[], k: number, t: number): boolean {
  let c = cursor[k]!;
  while (c < starts.length && starts[c]!.end <= t) c++;
  cursor[k] = c;
  return c < starts.length && starts[c]!.start <= t;
}

type RoleStarts = Readonly<{
  role: string;
  ids: readonly string[];
  starts: readonly (readonly Interval[])[];
  list: readonly CandidateResource[];
}>;

function checkSearch(s: SlotSearch) {
  const { type } = s;
  const length = minutes(type.durationMinutes, 0, 1, 'type.durationMinutes');
  const before = minutes(type.bufferBeforeMinutes, 0, 0, 'type.bufferBeforeMinutes');
  const after = minutes(type.bufferAfterMinutes, 0, 0, 'type.bufferAfterMinutes');
  const step = minutes(type.stepMinutes, 15, 1, 'type.stepMinutes');
  for (const [name, v] of Object.entries({ earliest: s.earliest, horizonEnd: s.horizonEnd, gridOrigin: s.gridOrigin }))
    if (v !== undefined && !Number.isSafeInteger(v)) throw new RangeError(`${name}: must be epoch milliseconds`);
  if (!Number.isInteger(s.limit) || s.limit < 1) throw new RangeError('limit: must be a whole number ≥ 1');
  if (type.roles.length === 0) throw new RangeError('type.roles: an appointment needs at least one role');
  if (new Set(type.roles).size !== type.roles.length) throw new RangeError('type.roles: a role is listed twice');
  const seen = new Set<string>();
  for (const role of type.roles) {
    if (!Object.hasOwn(s.candidates, role)) throw new RangeError(`candidates.${role}: no candidate list for the role`);
    for (const c of s.candidates[role]!) {
      // One resource per role, each a different resource: then "every role has someone free" is the whole test.
      if (seen.has(c.id)) throw new RangeError(`candidates.${role}: ${c.id} is listed twice`);
      seen.add(c.id);
    }
  }
  return { length, before, after, step };
}

/**
 * The earliest `limit` slots, in time order, at which every role has a resource free for the appointment and its
 * buffers, and the appointment lies in the patient's windows and within `[earliest, horizonEnd)`.
 *
 * It never scans minute by minute: each resource's free intervals are shrunk to the set of start times that fit
 * (`startsInside`), a role's sets are united, and the roles, the patient's windows and the horizon are intersected
 * (intervals.ts, linear merges); only the grid points of the result become slots. Cost is the intervals' count (a
 * sort per role) plus, per slot returned, one step per candidate; not the length of the horizon.
 */
export function findSlots(search: SlotSearch): Slot[] {
  const { length, before, after, step } = checkSearch(search);
  const roles: RoleStarts[] = search.type.roles.map((role) => {
    const list = search.candidates[role]!;
    return {
      role,
      ids: list.map((c) => c.id),
      starts: list.map((c) =>
        memo(startsMemo, c.free, `${length}/${before}/${after}`, () =>
          startsInside(normalize(c.free), length, before, after),
        ),
      ),
      list,
    };
  });
  let feasible: Interval[] = startsInside([{ start: search.earliest, end: search.horizonEnd }], length, 0, 0);
  if (search.patientWindows)
    feasible = intersect(feasible, startsInside(normalize(search.patientWindows), length, 0, 0));
  for (const r of roles)
    feasible = intersect(
      feasible,
      memo(unionMemo, r.list, `${length}/${before}/${after}`, () => unionAll(r.starts)),
    );

  const origin = search.gridOrigin ?? 0;
  const cursors = roles.map((r) => r.starts.map(() => 0));
  const slots: Slot[] = [];
  for (const f of feasible) {
    const offset = (((f.start - origin) % step) + step) % step;
    for (let t = offset === 0 ? f.start : f.start + step - offset; t < f.end; t += step) {
      if (slots.length === search.limit) return slots;
      const resources: Record<string, string> = {};
      const alternatives: Record<string, string[]> = {};
      roles.forEach((r, ri) => {
        const free = r.ids.filter((_, k) => holds(r.starts[k]!, cursors[ri]!, k, t));
        // The role's union held t, so someone is free.
        resources[r.role] = free[0]!;
        alternatives[r.role] = free.slice(1);
      });
      slots.push({ start: t, end: t + length, resources, alternatives });
    }
  }
  return slots;
}
