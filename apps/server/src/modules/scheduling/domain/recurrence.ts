import rrulePkg, { type Options } from 'rrule';
import { DAY_MS, parseLocalDate } from './wall-clock.ts';

// rrule ships CommonJS for Node (its ESM build has no "exports" map), so its named exports come through the default.
const { RRule } = rrulePkg;

/** The local dates on which a recurrence rule falls, as day numbers (days since 1970-01-01). */
export type DateRule = Readonly<{
  /** The rule's dates from `first` to `last`, both inclusive, in order. */
  datesBetween(first: number, last: number): number[];
}>;

const weekday = '(MO|TU|WE|TH|FR|SA|SU)';
const list = (item: string) => new RegExp(`^${item}(,${item})*$`);
const signed = (max: string) => `[+-]?(${max})`;

/**
 * The parts of an RFC 5545 §3.3.10 RECUR value a working-hours rule may use, with the grammar of each value. The
 * rule says only on which *dates* the hours apply: the times come from the hours themselves and the zone from the
 * schedule, so BYHOUR/BYMINUTE/BYSECOND, sub-daily frequencies, DTSTART and TZID are refused rather than ignored.
 */
const PARTS: Record<string, RegExp> = {
  FREQ: /^(DAILY|WEEKLY|MONTHLY|YEARLY)$/,
  INTERVAL: /^[1-9]\d{0,3}$/,
  COUNT: /^[1-9]\d{0,4}$/,
  UNTIL: /^\d{8}(T\d{6}Z?)?$/,
  BYDAY: list(`([+-]?([1-9]|[1-4]\\d|5[0-3]))?${weekday}`),
  BYMONTHDAY: list(signed('[1-9]|[12]\\d|3[01]')),
  BYYEARDAY: list(signed('[1-9]\\d?|[12]\\d\\d|3[0-5]\\d|36[0-6]')),
  BYWEEKNO: list(signed('[1-9]|[1-4]\\d|5[0-3]')),
  BYMONTH: list('([1-9]|1[0-2])'),
  BYSETPOS: list(signed('[1-9]\\d?|[12]\\d\\d|3[0-5]\\d|36[0-6]')),
  WKST: new RegExp(`^${weekday}$`),
};

/** Why a part that RFC 5545 allows is refused here. */
const REFUSED: Record<string, string> = {
  BYHOUR: 'the times come from start and end',
  BYMINUTE: 'the times come from start and end',
  BYSECOND: 'the times come from start and end',
  DTSTART: 'use validFrom',
  TZID: "the schedule's timeZone applies",
};

/** UNTIL's date as a day number (its time, if any, does not matter: see `simpleRule`); it must exist. */
function untilDay(until: string, field: string): number {
  try {
    return parseLocalDate(`${until.slice(0, 4)}-${until.slice(4, 6)}-${until.slice(6, 8)}`, field);
  } catch {
    throw new RangeError(`${field}: 'UNTIL=${until}' is not a date that exists`);
  }
}

/** Checks `text` against the grammar above; returns the parts by name. */
function checkGrammar(text: string, field: string): Map<string, string> {
  const parts = new Map<string, string>();
  for (const part of text.replace(/^RRULE:/i, '').split(';')) {
    const [name = '', value, ...rest] = part.split('=');
    const key = name.toUpperCase();
    if (REFUSED[key]) throw new RangeError(`${field}: ${key} is not allowed here (${REFUSED[key]})`);
    const grammar = PARTS[key];
    if (!grammar) throw new RangeError(`${field}: '${part}' is not an RFC 5545 recurrence rule part`);
    if (value === undefined || rest.length > 0 || !grammar.test(value.toUpperCase()))
      throw new RangeError(`${field}: '${part}' has a malformed value`);
    if (parts.has(key)) throw new RangeError(`${field}: ${key} appears twice`);
    parts.set(key, value.toUpperCase());
  }
  const until = parts.get('UNTIL');
  if (until) untilDay(until, field);
  if (!parts.has('FREQ')) throw new RangeError(`${field}: FREQ is required (DAILY, WEEKLY, MONTHLY or YEARLY)`);
  // RFC 5545 §3.3.10: "The UNTIL or COUNT rule parts are OPTIONAL, but they MUST NOT occur in the same 'recur'."
  if (parts.has('COUNT') && parts.has('UNTIL')) throw new RangeError(`${field}: COUNT and UNTIL cannot both be given`);
  return parts;
}

const ISO_WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/**
 * The commonest rules — DAILY, or WEEKLY on plain weekdays (`BYDAY=MO,WE`), every period, at most with an UNTIL or
 * WKST — are a weekday filter, computed here directly: rrule's iteration costs ~0.2 ms per rule per 90 days, which
 * across 200 schedules would take most of a search's budget. recurrence.test.ts checks this path against rrule
 * itself. Anything else (undefined here) goes to rrule.
 */
function simpleRule(parts: ReadonlyMap<string, string>, anchor: number | undefined): DateRule | undefined {
  const freq = parts.get('FREQ');
  const byDay = parts.get('BYDAY')?.split(',') ?? (freq === 'DAILY' ? ISO_WEEKDAYS : undefined);
  const isSimple =
    (freq === 'DAILY' || freq === 'WEEKLY') &&
    [...parts.keys()].every((k) => ['FREQ', 'BYDAY', 'UNTIL', 'WKST', 'INTERVAL'].includes(k)) &&
    (parts.get('INTERVAL') ?? '1') === '1' &&
    byDay?.every((d) => ISO_WEEKDAYS.includes(d));
  if (!isSimple || !byDay) return undefined;
  const weekdays = new Set(byDay.map((d) => ISO_WEEKDAYS.indexOf(d)));
  const until = parts.get('UNTIL');
  // UNTIL is read as a local date, inclusive (its time, if any, is at or after the date's 00:00).
  const lastDay = until ? untilDay(until, '') : Number.POSITIVE_INFINITY;
  return {
    datesBetween(first, last) {
      const out: number[] = [];
      // Day 0, 1970-01-01, was a Thursday: index 3 counting from Monday.
      for (let d = Math.max(first, anchor ?? first); d <= Math.min(last, lastDay); d++)
        if (weekdays.has((((d + 3) % 7) + 7) % 7)) out.push(d);
      return out;
    },
  };
}

/**
 * Parses a working-hours recurrence rule (`FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR`) that applies from local day `anchor`
 * (its validFrom), or from whenever it is asked when there is none.
 *
 * rrule computes on JavaScript Dates, in UTC or in the process's own zone depending on the method; the safe use is to
 * give it only midnight-UTC Dates that stand for local *dates* (`Date.UTC(y, m, d)`) and to read its answers' UTC
 * fields back as local dates. Nothing here then depends on the machine's TZ, and turning those dates into instants is
 * left to the schedule's zone (wall-clock.ts), so 08:00 stays 08:00 local across a DST change.
 *
 * RFC 5545 §3.3.10 takes what a rule leaves out from its DTSTART: with COUNT, INTERVAL > 1, or a WEEKLY, MONTHLY or
 * YEARLY rule with no BYDAY, BYMONTHDAY, BYYEARDAY or BYWEEKNO, the dates depend on where the rule starts, so such a
 * rule needs `anchor`; otherwise the answer would change with the search window. The commonest rules skip rrule
 * (`simpleRule`).
 */
export function parseDateRule(text: string, field: string, anchor?: number): DateRule {
  const parts = checkGrammar(text, field);
  const interval = Number(parts.get('INTERVAL') ?? 1);
  const freq = parts.get('FREQ');
  const hasCount = parts.has('COUNT');
  const hasDays = ['BYDAY', 'BYMONTHDAY', 'BYYEARDAY', 'BYWEEKNO'].some((p) => parts.has(p));
  const isPhaseFree = !hasCount && interval === 1 && (freq === 'DAILY' || hasDays);
  if (!isPhaseFree && anchor === undefined)
    throw new RangeError(
      `${field}: needs validFrom, because with COUNT, INTERVAL > 1 or no BYDAY/BYMONTHDAY/BYYEARDAY/BYWEEKNO its ` +
        'dates depend on where it starts (RFC 5545 §3.3.10)',
    );
  const simple = simpleRule(parts, anchor);
  if (simple) return simple;
  let options: Partial<Options>;
  try {
    options = RRule.parseString([...parts].map(([k, v]) => `${k}=${v}`).join(';'));
  } catch (e) {
    throw new RangeError(`${field}: ${e instanceof Error ? e.message : 'not a recurrence rule'}`);
  }
  // A whole number of periods later the rule repeats itself exactly, so a DAILY or WEEKLY rule (without COUNT, which
  // counts from the true start) may start iterating from the last period boundary before the window: rrule iterates
  // from DTSTART, and a rule valid since years ago would otherwise cost milliseconds per search.
  const period = hasCount ? undefined : freq === 'DAILY' ? interval : freq === 'WEEKLY' ? 7 * interval : undefined;

  return {
    datesBetween(first, last) {
      let start = anchor ?? first;
      if (isPhaseFree) start = Math.max(start, first);
      else if (period && first > start) start += Math.floor((first - start) / period) * period;
      if (last < Math.max(start, first)) return [];
      const rule = new RRule({ ...options, dtstart: new Date(start * DAY_MS) }, true);
      const dates = rule.between(new Date(Math.max(start, first) * DAY_MS), new Date(last * DAY_MS), true);
      return dates.map((d) => Math.round(d.getTime() / DAY_MS));
    },
  };
}
