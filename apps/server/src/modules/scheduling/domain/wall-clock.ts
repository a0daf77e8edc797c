import { Temporal } from 'temporal-polyfill';
import type { Interval } from './intervals.ts';

/** Milliseconds in a minute and in a 24-hour day (a *local* day may be 23 or 25 hours; see `LocalClock`). */
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/**
 * A wall time `HH:MM` (24-hour clock, ISO 8601 §4.2.2.2 extended format) as minutes after local midnight. `24:00`
 * (ISO 8601's end of the day) is accepted only where `isEnd` is set: "open until midnight".
 */
export function parseWallTime(text: string, field: string, isEnd = false): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  if (m) return Number(m[1]) * 60 + Number(m[2]);
  if (isEnd && text === '24:00') return 24 * 60;
  throw new RangeError(`${field}: '${text}' is not a wall time HH:MM (00:00–23:59${isEnd ? ' or 24:00' : ''})`);
}

/** A calendar date `YYYY-MM-DD` as a day number: days since 1970-01-01 (the date itself, in no time zone). */
export function parseLocalDate(text: string, field: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    // Date.UTC rolls 2026-02-30 over to 2 March; reading the fields back catches dates that do not exist.
    const back = new Date(ms);
    if (back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) return ms / DAY_MS;
  }
  throw new RangeError(`${field}: '${text}' is not a date YYYY-MM-DD`);
}

/** The IANA time zone's canonical id; a RangeError naming `field` when the zone is unknown. */
export function checkTimeZone(timeZone: string, field: string): string {
  try {
    return Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone).timeZoneId;
  } catch {
    throw new RangeError(`${field}: '${timeZone}' is not a known IANA time zone`);
  }
}

/** Converts between instants and local wall-clock times in one time zone. */
export type LocalClock = Readonly<{
  /**
   * The instant at which the wall clock shows `minute` minutes after midnight of local day `day` (days since
   * 1970-01-01; `minute` may pass 1440 to reach into the next day). A wall time in a spring-forward gap uses the UTC
   * offset from before the gap (so 02:30 becomes 03:30 after the clocks jump from 02:00 to 03:00); a wall time that
   * occurs twice at fall-back means its first occurrence. Both are RFC 5545 §3.3.5's rules for DATE-TIME with a
   * TZID, and Temporal's `disambiguation: 'compatible'`.
   */
  toEpoch(day: number, minute: number): number;
  /** The local day (days since 1970-01-01) on which the instant falls. */
  dayOf(epochMs: number): number;
}>;

type Segment = Readonly<{ from: number; offset: number }>;

/**
 * A `LocalClock` for `timeZone` that is fast for instants within `span`: it reads the zone's UTC offsets and
 * transitions there once (a handful of Temporal calls) and then converts with arithmetic, because a Temporal
 * conversion costs ~20 µs and a 90-day search over 200 schedules needs tens of thousands of them. Outside `span` it
 * falls back to Temporal, so it is always right, only slower.
 */
export function localClock(timeZone: string, span: Interval): LocalClock {
  let zdt = Temporal.Instant.fromEpochMilliseconds(span.start).toZonedDateTimeISO(timeZone);
  // Offsets in ms; segment i holds from segments[i].from until segments[i + 1].from.
  const segments: Segment[] = [{ from: span.start, offset: zdt.offsetNanoseconds / 1e6 }];
  for (;;) {
    const next = zdt.getTimeZoneTransition('next');
    if (!next || next.epochMilliseconds >= span.end) break;
    segments.push({ from: next.epochMilliseconds, offset: next.offsetNanoseconds / 1e6 });
    zdt = next;
  }
  const segmentEnd = (i: number) => segments[i + 1]?.from ?? span.end;

  /** The conversion from the offsets known in `span`; NaN when the instant would fall outside it. */
  const fastToEpoch = (wall: number): number => {
    let found = Number.NaN;
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      const t = wall - s.offset;
      if (t >= s.from && t < segmentEnd(i) && (Number.isNaN(found) || t < found)) found = t; // twice at fall-back: keep the first
    }
    if (!Number.isNaN(found)) return found;
    // In a gap: the wall time is past the transition by the old offset and before it by the new one.
    for (let i = 1; i < segments.length; i++) {
      const t = wall - segments[i - 1]!.offset;
      if (t >= segments[i]!.from && wall - segments[i]!.offset < segments[i]!.from) return t;
    }
    return Number.NaN;
  };

  return {
    toEpoch(day, minute) {
      const t = fastToEpoch(day * DAY_MS + minute * MINUTE_MS); // the wall time read as if it were UTC
      // Near the edges of `span` the other reading of an ambiguous wall time, or the transition that makes a gap,
      // may lie outside it; offsets change by at most a day, so a day's margin makes the fast answer safe.
      return t >= span.start + DAY_MS && t < span.end - DAY_MS ? t : slowToEpoch(timeZone, day, minute);
    },
    dayOf(epochMs) {
      if (!(epochMs >= span.start && epochMs < span.end)) return slowDayOf(timeZone, epochMs);
      let offset = segments[0]!.offset;
      for (const s of segments) if (s.from <= epochMs) offset = s.offset;
      return Math.floor((epochMs + offset) / DAY_MS);
    },
  };
}

function slowToEpoch(timeZone: string, day: number, minute: number): number {
  const d = new Date(day * DAY_MS + minute * MINUTE_MS);
  return Temporal.PlainDateTime.from({
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
  })
    .toZonedDateTime(timeZone, { disambiguation: 'compatible' })
    .toInstant().epochMilliseconds;
}

function slowDayOf(timeZone: string, epochMs: number): number {
  const local = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(timeZone);
  return Date.UTC(local.year, local.month - 1, local.day) / DAY_MS;
}
