import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { type AppointmentCalendarInput, appointmentCalendar, practitionerFeed } from './calendar.ts';

const utc = (iso: string) => Temporal.Instant.from(iso);
const base: AppointmentCalendarInput = {
  method: 'REQUEST',
  uid: '8f14e45f-ceea-467f-a0e6-8a3b5c1d2e3f@careloop.test',
  sequence: 0,
  stamp: utc('2026-03-01T12:00:00Z'),
  // 14:00Z is 09:00 in Chicago on 9 March 2026: CDT (UTC-5) began on Sunday 8 March.
  start: utc('2026-03-09T14:00:00Z'),
  end: utc('2026-03-09T14:30:00Z'),
  timeZone: 'America/Chicago',
  summary: 'Appointment at Heights Clinic',
  location: 'Heights Clinic, 123 Main St',
  organizer: { name: 'Heights Clinic', email: 'no-reply@careloop.test' },
  attendees: [{ name: 'Pat Doe', email: 'pat@example.org' }],
  status: 'CONFIRMED',
};

/** Content lines, unfolded (RFC 5545 §3.1: CRLF followed by one space or tab continues the line). */
const lines = (ics: string) => ics.replace(/\r\n[ \t]/g, '').split('\r\n');
/** The lines of the first `BEGIN:name` … `END:name` block after `from`. */
function block(all: string[], name: string, from = 0): string[] {
  const start = all.indexOf(`BEGIN:${name}`, from);
  return all.slice(start, all.indexOf(`END:${name}`, start) + 1);
}
const prop = (all: string[], name: string) => all.find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));

/**
 * The UTC instant of a local DTSTART under the VTIMEZONE's two yearly rules, computed from the rules alone (an n-th
 * weekday of a month: the BYDAY=nSU form the Chicago zone uses), to check that DTSTART and VTIMEZONE agree.
 */
function instantUnder(vtimezone: string[], local: string): Temporal.Instant {
  const at = Temporal.PlainDateTime.from(local);
  const rule = (kind: string) => {
    const b = block(vtimezone, kind);
    const [, month, n] = /BYMONTH=(\d+);BYDAY=(\d)SU/.exec(prop(b, 'RRULE') ?? '') ?? [];
    const first = Temporal.PlainDate.from({ year: at.year, month: Number(month), day: 1 });
    const day = first.add({ days: ((7 - first.dayOfWeek) % 7) + 7 * (Number(n) - 1) });
    const time = (prop(b, 'DTSTART') ?? '').slice(-6);
    const when = day.toPlainDateTime({ hour: Number(time.slice(0, 2)), minute: Number(time.slice(2, 4)) });
    return { when, offset: (prop(b, 'TZOFFSETTO') ?? '').slice('TZOFFSETTO:'.length) };
  };
  const summer = rule('DAYLIGHT');
  const winter = rule('STANDARD');
  const isSummer =
    Temporal.PlainDateTime.compare(at, summer.when) >= 0 && Temporal.PlainDateTime.compare(at, winter.when) < 0;
  const offset = isSummer ? summer.offset : winter.offset;
  return Temporal.Instant.from(`${at.toString()}${offset.slice(0, 3)}:${offset.slice(3)}`);
}

describe('appointmentCalendar', () => {
  test('an iTIP REQUEST with the America/Chicago VTIMEZONE and both of its DST rules', () => {
    const all = lines(appointmentCalendar(base));
    expect(all.slice(0, 4)).toEqual([
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//CareLoop//CareLoop//EN',
      'METHOD:REQUEST',
    ]);
    const tz = block(all, 'VTIMEZONE');
    expect(prop(tz, 'TZID')).toBe('TZID:America/Chicago');
    expect(block(tz, 'DAYLIGHT')).toEqual(
      expect.arrayContaining(['TZOFFSETFROM:-0600', 'TZOFFSETTO:-0500', 'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU']),
    );
    expect(block(tz, 'STANDARD')).toEqual(
      expect.arrayContaining(['TZOFFSETFROM:-0500', 'TZOFFSETTO:-0600', 'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU']),
    );
    expect(all.indexOf('BEGIN:VTIMEZONE')).toBeLessThan(all.indexOf('BEGIN:VEVENT'));
  });

  test('09:00 local on 2026-03-09 is DTSTART;TZID=America/Chicago:20260309T090000, which the VTIMEZONE makes 14:00Z', () => {
    const all = lines(appointmentCalendar(base));
    const event = block(all, 'VEVENT');
    expect(prop(event, 'DTSTART')).toBe('DTSTART;TZID=America/Chicago:20260309T090000');
    expect(prop(event, 'DTEND')).toBe('DTEND;TZID=America/Chicago:20260309T093000');
    const tz = block(all, 'VTIMEZONE');
    expect(instantUnder(tz, '2026-03-09T09:00').toString()).toBe('2026-03-09T14:00:00Z');
    expect(instantUnder(tz, '2026-03-09T09:00').equals(base.start)).toBe(true);
  });

  test('the Friday before the change, 09:00 local is still CST (15:00Z)', () => {
    const ics = appointmentCalendar({ ...base, start: utc('2026-03-06T15:00:00Z'), end: utc('2026-03-06T15:30:00Z') });
    const all = lines(ics);
    expect(prop(block(all, 'VEVENT'), 'DTSTART')).toBe('DTSTART;TZID=America/Chicago:20260306T090000');
    expect(instantUnder(block(all, 'VTIMEZONE'), '2026-03-06T09:00').toString()).toBe('2026-03-06T15:00:00Z');
  });

  test('UID, SEQUENCE, DTSTAMP in UTC, organizer, attendee asked to reply, the join link, status', () => {
    const event = block(lines(appointmentCalendar({ ...base, joinUrl: 'https://meet.jit.si/careloop-abc' })), 'VEVENT');
    expect(event).toEqual(
      expect.arrayContaining([
        `UID:${base.uid}`,
        'SEQUENCE:0',
        'DTSTAMP:20260301T120000Z',
        'SUMMARY:Appointment at Heights Clinic',
        'LOCATION:Heights Clinic\\, 123 Main St',
        'ORGANIZER;CN="Heights Clinic":mailto:no-reply@careloop.test',
        'DESCRIPTION:https://meet.jit.si/careloop-abc',
        'URL;VALUE=URI:https://meet.jit.si/careloop-abc',
        'STATUS:CONFIRMED',
      ]),
    );
    expect(prop(event, 'ATTENDEE')).toMatch(
      /^ATTENDEE;.*PARTSTAT=NEEDS-ACTION;RSVP=TRUE;CN="Pat Doe":mailto:pat@example\.org$/i,
    );
    expect(prop(event, 'DESCRIPTION')).toBe('DESCRIPTION:https://meet.jit.si/careloop-abc');
  });

  test('CANCEL: same UID, a higher SEQUENCE, STATUS:CANCELLED, no reply asked', () => {
    const all = lines(appointmentCalendar({ ...base, method: 'CANCEL', sequence: 2, status: 'CANCELLED' }));
    expect(prop(all, 'METHOD')).toBe('METHOD:CANCEL');
    const event = block(all, 'VEVENT');
    expect(event).toEqual(expect.arrayContaining([`UID:${base.uid}`, 'SEQUENCE:2', 'STATUS:CANCELLED']));
    expect(prop(event, 'ATTENDEE')).not.toContain('RSVP');
  });

  test('CRLF line ends and lines folded at 75 octets, even with non-ASCII text', () => {
    const ics = appointmentCalendar({ ...base, location: `Clínica de la Comunidad Hispana, ${'Señorío '.repeat(12)}` });
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(ics.replace(/\r\n/g, '')).not.toContain('\n');
    expect(prop(lines(ics), 'LOCATION')).toContain('Señorío Señorío');
  });

  test.each([
    ['an unknown zone', { timeZone: 'Mars/Olympus' }, /no VTIMEZONE .*Mars\/Olympus/],
    ['end before start', { end: utc('2026-03-09T13:00:00Z') }, /end: must be after start/],
    ['CANCEL with a live status', { method: 'CANCEL' as const }, /CANCELLED goes with method CANCEL/],
    ['a REQUEST that is cancelled', { status: 'CANCELLED' as const }, /CANCELLED goes with method CANCEL/],
    ['no attendee', { attendees: [] }, /at least one/],
    ['a negative sequence', { sequence: -1 }, /sequence/],
  ])('refuses %s', (_name, change, message) => {
    expect(() => appointmentCalendar({ ...base, ...change })).toThrow(message);
  });
});

describe('practitionerFeed', () => {
  const events = [
    { ...base, uid: 'a@careloop.test', sequence: 3, timeZone: undefined },
    {
      ...base,
      uid: 'b@careloop.test',
      timeZone: 'Europe/Madrid',
      start: utc('2026-07-01T07:00:00Z'),
      end: utc('2026-07-01T08:00:00Z'),
    },
  ];
  const feed = lines(practitionerFeed({ name: 'Dr. Rivera', timeZone: 'America/Chicago', stamp: base.stamp, events }));

  test('METHOD:PUBLISH with its name and refresh interval before any component', () => {
    expect(prop(feed, 'METHOD')).toBe('METHOD:PUBLISH');
    expect(feed).toEqual(expect.arrayContaining(['X-WR-CALNAME:Dr. Rivera', 'REFRESH-INTERVAL;VALUE=DURATION:PT15M']));
    expect(feed.indexOf('REFRESH-INTERVAL;VALUE=DURATION:PT15M')).toBeLessThan(feed.indexOf('BEGIN:VTIMEZONE'));
    expect(feed.indexOf('X-PUBLISHED-TTL:PT15M')).toBeLessThan(feed.indexOf('BEGIN:VTIMEZONE'));
  });

  test("one VTIMEZONE per zone used; an event without a zone takes the feed's; Madrid in summer is CEST", () => {
    expect(feed.filter((l) => l.startsWith('TZID:'))).toEqual(['TZID:America/Chicago', 'TZID:Europe/Madrid']);
    const first = block(feed, 'VEVENT');
    const second = block(feed, 'VEVENT', feed.indexOf('END:VEVENT'));
    expect(prop(first, 'DTSTART')).toBe('DTSTART;TZID=America/Chicago:20260309T090000');
    expect(prop(first, 'SEQUENCE')).toBe('SEQUENCE:3');
    expect(prop(second, 'DTSTART')).toBe('DTSTART;TZID=Europe/Madrid:20260701T090000');
  });

  test('feed events list no organizer or attendees: the feed leaves CareLoop for the calendar provider', () => {
    expect(feed.some((l) => l.startsWith('ATTENDEE') || l.startsWith('ORGANIZER'))).toBe(false);
    expect(feed.join('\n')).not.toContain('pat@example.org');
  });
});
