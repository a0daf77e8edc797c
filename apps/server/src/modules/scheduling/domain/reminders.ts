import { Temporal } from 'temporal-polyfill';
import { type MessageKind, reminderTexts } from './reminder-texts.ts';
import { checkTimeZone } from './wall-clock.ts';

/**
 * Appointment reminders: when to send them, and what they say. A message says when and where, and gives the links;
 * nothing else. There is deliberately no input for the reason for the visit, the service or the practitioner's
 * specialty, any of which can reveal a condition to whoever glances at a phone's lock screen.
 */

/** How long before the start a reminder goes out. Days are calendar days at the place; hours and minutes exact. */
export type ReminderOffset = Temporal.Duration;

const UNITS = { d: 'days', h: 'hours', m: 'minutes' } as const;
const MAX_MINUTES = 90 * 24 * 60;

/**
 * Reads a schedule such as `7d,1d,2h,30m` (whole days, hours or minutes before the start, from 1 minute to 90 days,
 * at most 10, no two the same), or `none` for no reminders. Returns the offsets longest first; throws a RangeError
 * naming the part that is wrong.
 */
export function parseReminderSchedule(text: string): ReminderOffset[] {
  if (text.trim() === 'none') return [];
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length > 10) throw new RangeError(`reminder schedule: at most 10 reminders (got ${parts.length})`);
  const seen = new Map<number, string>();
  const offsets = parts.map((part) => {
    const m = /^(\d{1,6})([dhm])$/.exec(part);
    if (!m) throw new RangeError(`reminder schedule: '${part}' is not a whole number followed by d, h or m`);
    const amount = Number(m[1]);
    const unit = m[2] as keyof typeof UNITS;
    const minutes = amount * (unit === 'd' ? 1440 : unit === 'h' ? 60 : 1);
    if (minutes < 1 || minutes > MAX_MINUTES) throw new RangeError(`reminder schedule: '${part}' is not within 1m–90d`);
    const twin = seen.get(minutes);
    if (twin) throw new RangeError(`reminder schedule: '${part}' is the same as '${twin}'`);
    seen.set(minutes, part);
    return { minutes, offset: Temporal.Duration.from({ [UNITS[unit]]: amount }) };
  });
  return offsets.sort((a, b) => b.minutes - a.minutes).map((o) => o.offset);
}

/**
 * The instants at which to send the reminders for an appointment starting at `start` (in the place's zone), in
 * sending order. `7d` is the same wall-clock time seven calendar days earlier, so across a DST change it is 167 or
 * 169 hours; `2h` is always 120 minutes (a wall time in a DST gap moves forward, RFC 5545 §3.3.5's rule).
 *
 * A reminder whose time is at or before `now` is dropped, not sent late: an appointment booked two days ahead gets
 * no "in 7 days" reminder, because the booking message just sent says the same, and a burst of stale reminders after
 * a late booking would only confuse. Times that coincide are sent once; none is sent once the appointment has begun.
 */
export function reminderTimes(
  input: Readonly<{ start: Temporal.ZonedDateTime; offsets: readonly ReminderOffset[]; now: Temporal.Instant }>,
): Temporal.Instant[] {
  const times = new Map<bigint, Temporal.Instant>();
  for (const offset of input.offsets) {
    const at = input.start.subtract(offset).toInstant();
    if (Temporal.Instant.compare(at, input.now) > 0) times.set(at.epochNanoseconds, at);
  }
  return [...times.values()].sort(Temporal.Instant.compare);
}

/** Everything an appointment message may say. There is no field for anything clinical, by design. */
export type AppointmentMessageInput = Readonly<{
  /** The patient's preferred language (BCP 47: `es`, `es-MX`…); Spanish for `es`, English for anything else. */
  language: string;
  kind: MessageKind;
  start: Temporal.Instant;
  /** The place's IANA zone: the date and time are written as the clock there shows them. */
  timeZone: string;
  /** Where: the clinic's name and address (not a department that names a condition), or "Video visit". */
  place: string;
  /** The video link (at most 150 characters, so an SMS always has room for it). */
  joinUrl?: string | undefined;
  confirmUrl?: string | undefined;
  cancelUrl?: string | undefined;
}>;

/** An e-mail (subject and plain text) and an SMS of at most 320 characters. */
export type AppointmentMessage = Readonly<{ subject: string; text: string; sms: string }>;

const SMS_MAX = 320;

/**
 * The message for one appointment event in the patient's language, with the date and time as the place's clock shows
 * them, formatted the way that language writes them (Intl, through Temporal). Cancellations carry no links. The SMS
 * always fits in 320 characters: if the links do not fit, the confirm link goes first, then the cancel link (a missed
 * cancellation wastes a slot; an unconfirmed visit is still expected), then the place is shortened; the video link
 * always stays, since without it a virtual visit cannot happen.
 */
export function reminderMessage(input: AppointmentMessageInput): AppointmentMessage {
  const texts = reminderTexts(input.language);
  const timeZone = checkTimeZone(input.timeZone, 'timeZone');
  const place = cleanPlace(input.place);
  const links = input.kind === 'cancelled' ? {} : checkedLinks(input);
  const at = input.start.toZonedDateTimeISO(timeZone);
  const date = spaces(
    at.toLocaleString(texts.locale, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }),
  );
  const time = spaces(at.toLocaleString(texts.locale, { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' }));
  const when = texts.when(date, time, at.hour % 12 || 12);
  const kind = texts.kinds[input.kind];
  const actions = [
    links.joinUrl && texts.join(links.joinUrl),
    links.confirmUrl && texts.confirm(links.confirmUrl),
    links.cancelUrl && texts.cancel(links.cancelUrl),
    input.kind === 'cancelled' && texts.rebook(place),
  ].filter((a): a is string => typeof a === 'string');
  const text = [kind.lead(place, when), '', ...actions, ...(actions.length ? [''] : []), texts.footer].join('\n');
  const smsWith = (p: string, drop: number) => {
    const optional = [
      links.confirmUrl && `${texts.sms.confirm} ${links.confirmUrl}`,
      links.cancelUrl && `${texts.sms.cancel} ${links.cancelUrl}`,
    ].slice(drop);
    const parts = [kind.lead(p, when), links.joinUrl && `${texts.sms.join} ${links.joinUrl}`, ...optional];
    return parts.filter((s): s is string => typeof s === 'string').join(' ');
  };
  return { subject: kind.subject(date), text, sms: fitSms(place, smsWith) };
}

/** The longest SMS that fits: all links, then without confirm, then without cancel, then with the place shortened. */
function fitSms(place: string, smsWith: (place: string, drop: number) => string): string {
  for (const drop of [0, 1, 2]) {
    const sms = smsWith(place, drop);
    if (sms.length <= SMS_MAX) return sms;
  }
  const chars = Array.from(place);
  const excess = smsWith(place, 2).length - SMS_MAX;
  const keep = chars.length - excess - 1;
  if (keep < 10) throw new RangeError('the text message cannot fit in 320 characters');
  return smsWith(`${chars.slice(0, keep).join('')}…`, 2);
}

function cleanPlace(place: string): string {
  // One line of plain text: control characters and line breaks would break the SMS and the e-mail's layout.
  const clean = place
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (clean.length === 0 || clean.length > 200) throw new RangeError('place: 1 to 200 characters');
  return clean;
}

function checkedLinks(
  input: AppointmentMessageInput,
): Pick<AppointmentMessageInput, 'joinUrl' | 'confirmUrl' | 'cancelUrl'> {
  const limits = { joinUrl: 150, confirmUrl: 500, cancelUrl: 500 } as const;
  for (const [field, max] of Object.entries(limits) as [keyof typeof limits, number][]) {
    const url = input[field];
    // The URL is never echoed: a confirm or cancel link carries its token.
    if (url !== undefined && (!/^https?:\/\/[^\s]+$/.test(url) || url.length > max))
      throw new RangeError(`${field}: an http(s) URL without spaces, at most ${max} characters`);
  }
  return { joinUrl: input.joinUrl, confirmUrl: input.confirmUrl, cancelUrl: input.cancelUrl };
}

/** Intl writes some spaces as U+00A0 or U+202F (CLDR, ICU ≥ 72); plain spaces keep SMS in one encoding and mail plain. */
const spaces = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
