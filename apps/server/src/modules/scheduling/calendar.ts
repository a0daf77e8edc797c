import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import {
  ICalAttendeeRole,
  ICalAttendeeStatus,
  ICalCalendar,
  ICalCalendarMethod,
  type ICalEventData,
  ICalEventStatus,
} from 'ical-generator';
import { Temporal } from 'temporal-polyfill';

/**
 * iCalendar (RFC 5545) for appointments: one event as an iTIP invitation or cancellation (RFC 5546) sent with the
 * booking e-mail, and a practitioner's subscription feed. Times are written as local time with the location's TZID
 * plus that zone's VTIMEZONE (RFC 5545 §3.2.19, §3.6.5), so calendar apps keep 09:00 at 09:00 across DST changes.
 *
 * Nothing clinical goes in: the summary is the caller's fixed text ("Appointment at Heights Clinic"), the description
 * only the video link. Feed events carry no attendees, since a subscribed feed is copied to the calendar provider.
 */

/** A name and e-mail address (RFC 5545 §3.8.4.1 ATTENDEE, §3.8.4.3 ORGANIZER as `mailto:` URIs). */
export type CalendarPerson = Readonly<{ name: string; email: string }>;

/** One appointment as a calendar event. */
export type CalendarEvent = Readonly<{
  /** Globally unique and stable for the appointment across updates (RFC 5545 §3.8.4.7), e.g. `<id>@<host>`. */
  uid: string;
  /** Revision number (RFC 5545 §3.8.7.4): raise it with every reschedule and for the cancellation. */
  sequence: number;
  start: Temporal.Instant;
  end: Temporal.Instant;
  /** The IANA zone of the place: DTSTART/DTEND are written in it. */
  timeZone: string;
  summary: string;
  location: string;
  joinUrl?: string | undefined;
  status: 'CONFIRMED' | 'TENTATIVE' | 'CANCELLED';
}>;

export type AppointmentCalendarInput = CalendarEvent &
  Readonly<{
    /** REQUEST invites (and updates); CANCEL withdraws (RFC 5546 §3.2.2, §3.2.5). */
    method: 'REQUEST' | 'CANCEL';
    /** When this object was made (DTSTAMP, in UTC: RFC 5545 §3.8.7.2); passed in, as modules read no clock. */
    stamp: Temporal.Instant;
    organizer: CalendarPerson;
    /** RFC 5546 requires at least one ATTENDEE in REQUEST and CANCEL; clients offer Accept/Decline to a listed one. */
    attendees: readonly CalendarPerson[];
  }>;

const PRODUCT = { company: 'CareLoop', product: 'CareLoop', language: 'EN' };

/** The `.ics` text of one appointment as an iTIP REQUEST or CANCEL, with its VTIMEZONE. */
export function appointmentCalendar(input: AppointmentCalendarInput): string {
  if (input.attendees.length === 0) throw new RangeError('attendees: RFC 5546 needs at least one in REQUEST/CANCEL');
  // RFC 5546 §3.2.5: a cancelled event's STATUS, when present, must be CANCELLED; and a REQUEST is never cancelled.
  if ((input.method === 'CANCEL') !== (input.status === 'CANCELLED'))
    throw new RangeError('status: CANCELLED goes with method CANCEL, and only with it');
  const calendar = newCalendar(input.method === 'REQUEST' ? ICalCalendarMethod.REQUEST : ICalCalendarMethod.CANCEL);
  calendar.createEvent({
    ...eventData(input, input.stamp),
    organizer: { name: input.organizer.name, email: input.organizer.email },
    attendees: input.attendees.map((a) => ({
      name: a.name,
      email: a.email,
      role: ICalAttendeeRole.REQ,
      ...(input.method === 'REQUEST' ? { rsvp: true, status: ICalAttendeeStatus.NEEDSACTION } : {}),
    })),
  });
  return calendar.toString();
}

export type FeedEvent = Omit<CalendarEvent, 'timeZone'> & Readonly<{ timeZone?: string | undefined }>;

/**
 * A practitioner's subscription feed (METHOD:PUBLISH, RFC 5546 §3.2.1): every event with its place's zone (or the
 * feed's `timeZone` when it names none) and one VTIMEZONE per zone used. Clients poll it; REFRESH-INTERVAL (RFC 7986
 * §5.7) asks for every 15 minutes.
 */
export function practitionerFeed(
  input: Readonly<{ name: string; timeZone: string; stamp: Temporal.Instant; events: readonly FeedEvent[] }>,
): string {
  const calendar = newCalendar(ICalCalendarMethod.PUBLISH);
  calendar.name(input.name);
  for (const e of input.events)
    calendar.createEvent(eventData({ ...e, timeZone: e.timeZone ?? input.timeZone }, input.stamp));
  // Written here rather than with ical-generator's ttl(), which puts them after the VTIMEZONEs, where RFC 5545 §3.4's
  // grammar (calendar properties, then components) does not allow them.
  return calendar
    .toString()
    .replace(
      'METHOD:PUBLISH\r\n',
      'METHOD:PUBLISH\r\nREFRESH-INTERVAL;VALUE=DURATION:PT15M\r\nX-PUBLISHED-TTL:PT15M\r\n',
    );
}

function newCalendar(method: ICalCalendarMethod): ICalCalendar {
  // The generator is set with no calendar-wide zone name: ical-generator would then write DTSTAMP in that zone
  // without 'Z', where RFC 5545 §3.8.7.2 requires UTC. Each event names its own zone and gets its VTIMEZONE.
  return new ICalCalendar({ prodId: PRODUCT, method, timezone: { name: null, generator: vtimezone } });
}

function vtimezone(timeZone: string): string {
  const component = getVtimezoneComponent(timeZone);
  if (!component) throw new RangeError(`timeZone: no VTIMEZONE is known for '${timeZone}'`);
  return component;
}

function eventData(e: CalendarEvent, stamp: Temporal.Instant): ICalEventData {
  if (!Number.isInteger(e.sequence) || e.sequence < 0) throw new RangeError('sequence: a whole number ≥ 0');
  if (Temporal.Instant.compare(e.start, e.end) >= 0) throw new RangeError('end: must be after start');
  vtimezone(e.timeZone); // fail here, naming the zone, rather than emit a TZID without its definition
  return {
    id: e.uid,
    sequence: e.sequence,
    stamp,
    // ical-generator writes an Instant as the wall time in `timezone` with ;TZID= (checked in calendar.test.ts).
    start: e.start,
    end: e.end,
    timezone: e.timeZone,
    summary: e.summary,
    location: e.location,
    status: ICalEventStatus[e.status],
    ...(e.joinUrl ? { url: e.joinUrl, description: e.joinUrl } : {}),
  };
}
