/**
 * Half-open interval algebra over epoch milliseconds, the currency of the scheduling hot paths: a slot search over
 * 200 resources × 90 days handles tens of thousands of intervals, so they are plain numbers, not Temporal objects.
 *
 * An interval `[start, end)` contains `start` and not `end`, so back-to-back appointments 09:00–09:30 and 09:30–10:00
 * do not overlap. A *normalized* list is sorted by start, every interval is non-empty, and no two intervals overlap or
 * touch (touching ones are merged): the one canonical form of a set of instants. Every function here takes and
 * returns normalized lists and runs in time linear in its inputs (a two-pointer merge), except `normalize`, which
 * sorts.
 */

/** `[start, end)` in epoch milliseconds; empty when `end <= start`. */
export type Interval = Readonly<{ start: number; end: number }>;

/** The normalized form of any list of intervals: empty ones dropped, sorted, overlapping and touching ones merged. */
export function normalize(list: readonly Interval[]): Interval[] {
  if (isNormalized(list)) return list as Interval[];
  const sorted = list.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) pushMerged(out, i);
  return out;
}

/** Whether a list is already normalized (one linear pass; most lists handed around are). */
function isNormalized(list: readonly Interval[]): boolean {
  for (let k = 0; k < list.length; k++) {
    const i = list[k] as Interval;
    if (!(i.end > i.start)) return false;
    if (k > 0 && i.start <= (list[k - 1] as Interval).end) return false;
  }
  return true;
}

/** Appends `i` to a normalized list being built in start order, merging it with the last interval when they meet. */
function pushMerged(out: Interval[], i: Interval): void {
  const last = out[out.length - 1];
  if (last && i.start <= last.end) {
    if (i.end > last.end) out[out.length - 1] = { start: last.start, end: i.end };
  } else out.push(i);
}

/** The instants in `a` or `b`. */
export function union(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x && (!y || x.start <= y.start)) {
      pushMerged(out, x);
      i++;
    } else if (y) {
      pushMerged(out, y);
      j++;
    }
  }
  return out;
}

/** The instants in `a` and in `b`. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (start < end) out.push({ start, end });
    // The interval that ends first cannot meet anything later in the other list.
    if (x.end <= y.end) i++;
    else j++;
  }
  return out;
}

/** The instants in `a` and not in `b`. */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const x of a) {
    let start = x.start;
    // Skip the holes that end before this interval starts; they cannot cut any later interval of `a` either.
    while (j < b.length && b[j]!.end <= start) j++;
    let k = j;
    for (; k < b.length && b[k]!.start < x.end; k++) {
      const hole = b[k]!;
      if (hole.start > start) out.push({ start, end: hole.start });
      start = Math.max(start, hole.end);
    }
    if (start < x.end) out.push({ start, end: x.end });
    // The last hole may reach into the next interval of `a`; keep it.
    j = Math.max(j, k - 1);
  }
  return out;
}

/** The part of `list` inside `window`. */
export function clip(list: readonly Interval[], window: Interval): Interval[] {
  return window.end > window.start ? intersect(list, [window]) : [];
}

/** The union of many normalized lists (e.g. "some room is free"): one sort, which is linear-ish on sorted runs. */
export function unionAll(lists: readonly (readonly Interval[])[]): Interval[] {
  return normalize(lists.flat());
}

/** How long the list lasts in total, in milliseconds. */
export function totalLength(list: readonly Interval[]): number {
  let sum = 0;
  for (const i of list) sum += i.end - i.start;
  return sum;
}
