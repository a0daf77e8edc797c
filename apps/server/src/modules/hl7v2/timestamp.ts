import { Temporal } from 'temporal-polyfill';

/**
 * HL7 v2 date/time values (DTM, HL7 v2.8 §2A.3.22: `YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]`) as FHIR
 * values. An instant needs the offset: the standard says a value without one is in "the local time zone of the
 * sender", which CareLoop cannot know across daylight-saving changes, so such a value is refused rather than guessed
 * (docs/hl7v2.md, "Times").
 */

/** A converted value, or why it could not be converted (a phrase to follow the field's name; never the value). */
export type Converted<T> = { ok: true; value: T } | { ok: false; problem: string };

const dtm = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.(\d{1,4}))?([+-]\d{4})?$/;

type Parts = Readonly<{
  year: number;
  month?: number;
  day?: number;
  hour?: number;
  minute?: number;
  second?: number;
  fraction?: string;
  offset?: string;
}>;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function split(text: string): Parts | undefined {
  const m = dtm.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, fraction, offset] = m;
  // A fraction belongs to seconds; digits must fill the components in order.
  if (fraction !== undefined && s === undefined) return undefined;
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const parts: Parts = {
    year: Number(y),
    ...(mo ? { month: num(mo) } : {}),
    ...(d ? { day: num(d) } : {}),
    ...(h ? { hour: num(h) } : {}),
    ...(mi ? { minute: num(mi) } : {}),
    ...(s ? { second: num(s) } : {}),
    ...(fraction ? { fraction } : {}),
    ...(offset ? { offset } : {}),
  };
  return isReal(parts) ? parts : undefined;
}

function isReal(p: Parts): boolean {
  try {
    Temporal.PlainDateTime.from(
      {
        year: p.year,
        month: p.month ?? 1,
        day: p.day ?? 1,
        hour: p.hour ?? 0,
        minute: p.minute ?? 0,
        second: p.second ?? 0,
      },
      { overflow: 'reject' },
    );
  } catch {
    return false;
  }
  if (p.offset === undefined) return true;
  const hours = Number(p.offset.slice(1, 3));
  const minutes = Number(p.offset.slice(3));
  // FHIR's dateTime pattern allows offsets up to ±14:00.
  return minutes < 60 && (hours < 14 || (hours === 14 && minutes === 0));
}

const formatOffset = (offset: string) => `${offset.slice(0, 3)}:${offset.slice(3)}`;

/**
 * A DTM as a FHIR `instant` keeping the sender's offset (`20210924093000+0215` → `2021-09-24T09:30:00+02:15`). Needs
 * minutes at least (seconds default to 00) and an offset.
 */
export function v2Instant(text: string): Converted<string> {
  const p = split(text);
  if (!p) return { ok: false, problem: 'is not an HL7 v2 date/time (YYYYMMDDHHMM[SS[.SSSS]]+ZZZZ)' };
  if (p.minute === undefined) return { ok: false, problem: 'needs a time of day to the minute' };
  if (p.offset === undefined) {
    return { ok: false, problem: 'has no UTC offset (+ZZZZ); CareLoop does not guess the sender’s time zone' };
  }
  const date = `${pad(p.year, 4)}-${pad(p.month ?? 1)}-${pad(p.day ?? 1)}`;
  const time = `${pad(p.hour ?? 0)}:${pad(p.minute)}:${pad(p.second ?? 0)}${p.fraction ? `.${p.fraction}` : ''}`;
  return { ok: true, value: `${date}T${time}${formatOffset(p.offset)}` };
}

/**
 * A DTM's date as a FHIR `date` at the precision sent (`1988`, `1988-08`, `1988-08-18`); a time of day, if any, is
 * dropped (a birth time is not needed to coordinate care).
 */
export function v2Date(text: string): Converted<string> {
  const p = split(text);
  if (!p) return { ok: false, problem: 'is not an HL7 v2 date (YYYY[MM[DD]])' };
  const parts = [pad(p.year, 4), p.month === undefined ? '' : pad(p.month), p.day === undefined ? '' : pad(p.day)];
  return { ok: true, value: parts.filter(Boolean).join('-') };
}

/** Duration units of AIS-8/AIG-12/AIL-10/AIP-10 (ISO+/UCUM spellings), in minutes. */
const unitMinutes: Record<string, number> = {
  s: 1 / 60,
  sec: 1 / 60,
  min: 1,
  h: 60,
  hr: 60,
  d: 1440,
  wk: 10080,
};

/**
 * `amount` of `unit` in whole minutes. An empty unit is minutes: the AIS-8 default (HL7 v2.8 §10.6.4.8). Undefined
 * for an amount that is not a positive number or a unit not in the table.
 */
export function durationMinutes(amount: string, unit: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(amount.trim())) return undefined;
  const factor = unitMinutes[(unit.trim() || 'min').toLowerCase()];
  if (factor === undefined) return undefined;
  const minutes = Math.round(Number(amount) * factor);
  return minutes > 0 ? minutes : undefined;
}

/** `instant` plus `minutes`, written in the instant's own offset (`…09:30:00+02:15` + 50 → `…10:20:00+02:15`). */
export function addMinutes(instant: string, minutes: number): string {
  const offset = /([+-]\d{2}:\d{2}|Z)$/.exec(instant)?.[1] ?? 'Z';
  const zoned = Temporal.Instant.from(instant).toZonedDateTimeISO(offset === 'Z' ? 'UTC' : offset);
  const later = zoned.add({ minutes }).toString({ timeZoneName: 'never', smallestUnit: 'second' });
  return offset === 'Z' ? later.replace(/\+00:00$/, 'Z') : later;
}

/** The v2 DTM of an instant in UTC, for MSH-7 of our ACKs (`20260601120000+0000`). */
export function formatV2(instant: Temporal.Instant): string {
  const t = instant.toZonedDateTimeISO('UTC');
  return `${pad(t.year, 4)}${pad(t.month)}${pad(t.day)}${pad(t.hour)}${pad(t.minute)}${pad(t.second)}+0000`;
}

/** Orders two FHIR instants (negative when `a` is earlier). */
export const compareInstants = (a: string, b: string): number =>
  Temporal.Instant.compare(Temporal.Instant.from(a), Temporal.Instant.from(b));
