import { Temporal } from 'temporal-polyfill';

/** The only source of "now" (DESIGN.md §2): passed in, so tests can fix or advance time. */
export type Clock = Readonly<{ now(): Temporal.Instant }>;

export const systemClock: Clock = { now: () => Temporal.Now.instant() };

/** A clock that stands still at `start` until moved; for tests. */
export function fixedClock(start: string): Clock & { advance(duration: Temporal.DurationLike): void } {
  let now = Temporal.Instant.from(start);
  return {
    now: () => now,
    advance(duration) {
      now = now.add(duration);
    },
  };
}
