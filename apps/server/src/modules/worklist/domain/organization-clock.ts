import type { Extension, Organization } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import type { ClockContext } from './deadline-rules.ts';
import { type HolidayCalendar, organizationCalendar, usFederalHolidays } from './holidays.ts';

/** HL7's core extension `timezone` (valueCode, IANA) on the Organization: the zone of its deadlines, business hours and days. */
export const TIME_ZONE_URL = 'http://hl7.org/fhir/StructureDefinition/timezone';
/**
 * Extension on Organization: its holiday calendar. Parts: `base` (valueCode `us-federal`, the default, or `none`),
 * `closed` (repeating, valueDate: a day it does not work, e.g. the day after Thanksgiving) and `open` (repeating,
 * valueDate: a base holiday it works).
 */
export const HOLIDAY_CALENDAR_URL = 'https://careloop.dev/fhir/StructureDefinition/holiday-calendar';

const noHolidays: HolidayCalendar = { name: 'none', holiday: () => undefined };

const isTimeZone = (zone: string): boolean => {
  try {
    Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(zone);
    return true;
  } catch {
    return false;
  }
};

const dates = (parts: readonly Extension[], url: string) =>
  parts.flatMap((p) => (p.url === url && p.valueDate && /^\d{4}-\d{2}-\d{2}$/.test(p.valueDate) ? [p.valueDate] : []));

/**
 * The organization's clock — its time zone and its business-day calendar — as set on the Organization resource with
 * the two extensions above; what is not set (or not valid: an unknown zone) comes from `fallback`. Deadline rules
 * count business days on it (issue #4: "holiday calendars, US federal by default, configurable per organization").
 */
export function organizationClock(org: Organization | undefined, fallback: ClockContext): ClockContext {
  const zone = org?.extension?.find((e) => e.url === TIME_ZONE_URL)?.valueCode;
  const timeZone = zone && isTimeZone(zone) ? zone : fallback.timeZone;
  const calendar = org?.extension?.find((e) => e.url === HOLIDAY_CALENDAR_URL);
  if (!calendar) return { timeZone, calendar: fallback.calendar };
  const parts = calendar.extension ?? [];
  const base = parts.find((p) => p.url === 'base')?.valueCode === 'none' ? noHolidays : usFederalHolidays;
  const closed = Object.fromEntries(dates(parts, 'closed').map((d) => [d, 'closed']));
  return {
    timeZone,
    calendar: organizationCalendar(org?.id ?? 'organization', { base, closed, open: dates(parts, 'open') }),
  };
}
