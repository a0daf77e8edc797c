import type { Organization } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { tcmInteractiveContact } from './deadline-rules.ts';
import { usFederalHolidays } from './holidays.ts';
import { HOLIDAY_CALENDAR_URL, organizationClock, TIME_ZONE_URL } from './organization-clock.ts';

const fallback = { timeZone: 'America/New_York', calendar: usFederalHolidays };
const org = (extension: Organization['extension']): Organization => ({
  resourceType: 'Organization',
  id: 'o',
  extension,
});
const day = (s: string) => Temporal.PlainDate.from(s);

describe("an organization's clock", () => {
  test('nothing set: the fallback (US federal holidays, the default zone)', () => {
    expect(organizationClock(org(undefined), fallback)).toEqual(fallback);
    expect(organizationClock(undefined, fallback)).toEqual(fallback);
  });

  test('its own time zone; an unknown zone falls back', () => {
    expect(organizationClock(org([{ url: TIME_ZONE_URL, valueCode: 'America/Chicago' }]), fallback).timeZone).toBe(
      'America/Chicago',
    );
    expect(organizationClock(org([{ url: TIME_ZONE_URL, valueCode: 'Mars/Olympus' }]), fallback).timeZone).toBe(
      'America/New_York',
    );
  });

  test.each([
    ['closes the day after Thanksgiving', [{ url: 'closed', valueDate: '2026-11-27' }], '2026-11-27', true],
    ['works Columbus Day', [{ url: 'open', valueDate: '2026-10-12' }], '2026-10-12', false],
    ['keeps the other federal holidays', [{ url: 'open', valueDate: '2026-10-12' }], '2026-11-11', true],
    ['base none: no federal holidays', [{ url: 'base', valueCode: 'none' }], '2026-11-26', false],
    [
      'base none, its own closures',
      [
        { url: 'base', valueCode: 'none' },
        { url: 'closed', valueDate: '2026-12-24' },
      ],
      '2026-12-24',
      true,
    ],
  ])('its calendar %s', (_name, parts, date, isHoliday) => {
    const clock = organizationClock(org([{ url: HOLIDAY_CALENDAR_URL, extension: parts }]), fallback);
    expect(clock.calendar.holiday(day(date)) !== undefined).toBe(isHoliday);
  });

  test('deadlines count its business days: a TCM contact after a Wednesday discharge skips its own Friday closure', () => {
    const clock = organizationClock(
      org([
        { url: TIME_ZONE_URL, valueCode: 'America/Chicago' },
        { url: HOLIDAY_CALENDAR_URL, extension: [{ url: 'closed', valueDate: '2026-11-27' }] },
      ]),
      fallback,
    );
    const discharge = Temporal.ZonedDateTime.from('2026-11-25T10:00[America/Chicago]').toInstant();
    // Thursday 26 is Thanksgiving, Friday 27 its own closure: the two business days are Monday 30 and Tuesday 1.
    expect(
      tcmInteractiveContact(discharge, clock).due.toZonedDateTimeISO('America/Chicago').toPlainDate().toString(),
    ).toBe('2026-12-01');
    expect(
      tcmInteractiveContact(discharge, fallback).due.toZonedDateTimeISO('America/New_York').toPlainDate().toString(),
    ).toBe('2026-11-30');
  });
});
