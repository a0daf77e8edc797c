import { type Bookable, openOn } from './bookables.ts';
import type { LanguageCode } from './codes.ts';
import { type Interval, instantAt, type Span, spansOn } from './hours.ts';
import type { VisitKind } from './visit-types.ts';

/**
 * One day's bookings of every bookable, filled one visit at a time: a visit takes its clinician, a free room at the
 * site and, when the patient needs one, an interpreter, for its whole busy period (buffers included), inside each
 * one's open hours — what `$book` checks, and the database's exclusion constraint enforces, for every booking.
 */

/** A visit to place: who, what kind, and when the patient would like it (minutes after local midnight). */
export type VisitRequest = Readonly<{
  practitioner: Bookable;
  kind: VisitKind;
  preferredMinute: number;
  /** The language an interpreter must speak, when the patient needs one the clinician cannot replace. */
  interpreterLanguage: LanguageCode | undefined;
}>;

/** Where a visit went. */
export type Placement = Readonly<{
  start: number;
  end: number;
  busy: Interval;
  room: Bookable;
  interpreter: Bookable | undefined;
}>;

// Booking only part of each clinician's open time keeps the coming weeks bookable in the demo, however many
// patients it has.
const MAX_LOAD = 0.6;

const within = (open: readonly Interval[], t: Interval) => open.some((o) => o.start <= t.start && o.end >= t.end);
const overlaps = (taken: readonly Interval[], t: Interval) => taken.some((b) => b.start < t.end && t.start < b.end);

/** The bookings of one local day. */
export class DayBook {
  private readonly taken = new Map<string, Interval[]>();
  private readonly open = new Map<string, Interval[]>();
  private readonly day: number;
  private readonly roomsBySite: ReadonlyMap<string, readonly Bookable[]>;
  private readonly interpreters: readonly Bookable[];

  constructor(day: number, roomsBySite: ReadonlyMap<string, readonly Bookable[]>, interpreters: readonly Bookable[]) {
    this.day = day;
    this.roomsBySite = roomsBySite;
    this.interpreters = interpreters;
  }

  /** Open instants of a bookable that day, computed once. */
  openOf(b: Bookable): Interval[] {
    let o = this.open.get(b.scheduleId);
    if (!o) {
      o = openOn(b, this.day);
      this.open.set(b.scheduleId, o);
    }
    return o;
  }

  private isFree(b: Bookable, t: Interval): boolean {
    return within(this.openOf(b), t) && !overlaps(this.taken.get(b.actor) ?? [], t);
  }

  private take(b: Bookable, t: Interval): void {
    this.taken.set(b.actor, [...(this.taken.get(b.actor) ?? []), t]);
  }

  /** Whether booking `extra` more milliseconds keeps the clinician within {@link MAX_LOAD} of their open time. */
  private hasRoom(b: Bookable, extra: number): boolean {
    const sum = (xs: readonly Interval[]) => xs.reduce((n, x) => n + x.end - x.start, 0);
    return sum(this.taken.get(b.actor) ?? []) + extra <= MAX_LOAD * sum(this.openOf(b));
  }

  /**
   * Places the visit at the first start, from the patient's preferred time onwards (then earlier that day), on the
   * visit kind's step, where the clinician, a room and any interpreter are all open and free; undefined when the day
   * has no such time. Without a free interpreter the visit is still booked: the coordinator's worklist arranges one.
   */
  place(r: VisitRequest): Placement | undefined {
    const { kind, practitioner } = r;
    const length = (kind.bufferBefore + kind.minutes + kind.bufferAfter) * 60_000;
    if (!this.hasRoom(practitioner, length)) return undefined;
    const spans = practitioner.exceptions.get(this.day) ?? spansOn(practitioner.week.rules, this.day);
    const starts = startsOf(spans, kind);
    const later = starts.filter((m) => m >= r.preferredMinute);
    const rooms = this.roomsBySite.get(practitioner.site ?? '') ?? [];
    for (const m of [...later, ...starts.filter((s) => s < r.preferredMinute)]) {
      const start = instantAt(this.day, m);
      const end = instantAt(this.day, m + kind.minutes);
      const busy = {
        start: instantAt(this.day, m - kind.bufferBefore),
        end: instantAt(this.day, m + kind.minutes + kind.bufferAfter),
      };
      if (!this.isFree(practitioner, busy)) continue;
      const room = rooms.find((b) => this.isFree(b, busy));
      if (!room) continue;
      const language = r.interpreterLanguage;
      const interpreter = language
        ? this.interpreters.find((b) => b.languages.includes(language) && this.isFree(b, busy))
        : undefined;
      for (const b of [practitioner, room, ...(interpreter ? [interpreter] : [])]) this.take(b, busy);
      return { start, end, busy, room, interpreter };
    }
    return undefined;
  }
}

/** Every start minute on the kind's step whose busy period fits inside one of the day's spans. */
function startsOf(spans: readonly Span[], kind: VisitKind): number[] {
  const out: number[] = [];
  for (const s of spans) {
    const first = Math.ceil((s.start + kind.bufferBefore) / kind.step) * kind.step;
    for (let m = first; m + kind.minutes + kind.bufferAfter <= s.end; m += kind.step) out.push(m);
  }
  return out;
}
