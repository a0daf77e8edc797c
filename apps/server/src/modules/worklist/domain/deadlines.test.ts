import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { addBusinessDays, endOfDay, isBusinessDay } from './business-days.ts';
import {
  type ClockContext,
  careGapOutreach,
  noShowFollowUp,
  priorAuthorizationDecision,
  referralCloseDue,
  referralReportDue,
  referralServiceLevel,
  referralStalledFollowUp,
  tcmFaceToFaceVisit,
  tcmInteractiveContact,
} from './deadline-rules.ts';
import { organizationCalendar, usFederalHolidays, usFederalHolidaysOf } from './holidays.ts';

const chicago: ClockContext = { timeZone: 'America/Chicago', calendar: usFederalHolidays };
const newYork: ClockContext = { timeZone: 'America/New_York', calendar: usFederalHolidays };
/** A local wall time in a zone, as an instant. */
const at = (local: string, zone: string) => Temporal.PlainDateTime.from(local).toZonedDateTime(zone).toInstant();
const local = (i: Temporal.Instant, zone: string) => i.toZonedDateTimeISO(zone).toString({ timeZoneName: 'never' });
const date = (s: string) => Temporal.PlainDate.from(s);

describe('US federal holidays', () => {
  test('2026, with Independence Day (a Saturday) observed on Friday 3 July', () => {
    expect([...usFederalHolidaysOf(2026).keys()]).toEqual([
      '2026-01-01',
      '2026-01-19',
      '2026-02-16',
      '2026-05-25',
      '2026-06-19',
      '2026-07-03',
      '2026-09-07',
      '2026-10-12',
      '2026-11-11',
      '2026-11-26',
      '2026-12-25',
    ]);
  });

  test.each([
    ['2021-12-31', "New Year's Day"], // 1 January 2022 was a Saturday
    ['2022-12-26', 'Christmas Day'], // 25 December 2022 was a Sunday
    ['2020-06-19', undefined], // Juneteenth became a federal holiday in 2021
    ['2021-06-18', 'Juneteenth National Independence Day'], // 19 June 2021 was a Saturday
    ['2026-11-27', undefined], // the day after Thanksgiving is not a federal holiday
  ])('%s → %s', (day, name) => {
    expect(usFederalHolidays.holiday(date(day))).toBe(name);
  });

  test("an organization's own closures and the federal holidays it works through", () => {
    const cal = organizationCalendar('Houston Health', {
      closed: { '2026-11-27': 'Day after Thanksgiving' },
      open: ['2026-10-12'],
    });
    expect(cal.holiday(date('2026-11-27'))).toBe('Day after Thanksgiving');
    expect(cal.holiday(date('2026-11-26'))).toBe('Thanksgiving Day');
    expect(isBusinessDay(date('2026-10-12'), cal)).toBe(true);
    expect(isBusinessDay(date('2026-10-12'), usFederalHolidays)).toBe(false);
  });
});

describe('business days', () => {
  test.each([
    ['Friday + 1 → Monday', '2026-11-20', 1, '2026-11-23'],
    ['Wednesday + 1 skips Thanksgiving and lands on Friday', '2026-11-25', 1, '2026-11-27'],
    ['Saturday + 1 → Monday', '2026-11-21', 1, '2026-11-23'],
    ['Thursday before Christmas + 2 → Tuesday', '2026-12-24', 2, '2026-12-29'],
    ['across New Year: 30 Dec + 2 → 4 Jan 2027', '2026-12-30', 2, '2027-01-04'],
  ])('%s', (_name, from, n, to) => {
    expect(addBusinessDays(date(from), n, usFederalHolidays).toString()).toBe(to);
  });

  test('property: the result is a business day with exactly n business days in (date, result]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 15 }), fc.integer({ min: 1, max: 40 }), (offset, n) => {
        const from = date('2020-01-01').add({ days: offset });
        const to = addBusinessDays(from, n, usFederalHolidays);
        expect(isBusinessDay(to, usFederalHolidays)).toBe(true);
        let count = 0;
        for (let d = from.add({ days: 1 }); Temporal.PlainDate.compare(d, to) <= 0; d = d.add({ days: 1 }))
          if (isBusinessDay(d, usFederalHolidays)) count++;
        expect(count).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  test('n must be a positive whole number', () => {
    expect(() => addBusinessDays(date('2026-01-05'), 0, usFederalHolidays)).toThrow(RangeError);
    expect(() => addBusinessDays(date('2026-01-05'), 1.5, usFederalHolidays)).toThrow(RangeError);
  });

  test.each([
    ['an ordinary day', '2026-11-24', 'America/Chicago', '2026-11-24T23:59:59.999-06:00'],
    ['the 23-hour day DST starts', '2026-03-08', 'America/New_York', '2026-03-08T23:59:59.999-04:00'],
    ['the 25-hour day DST ends', '2026-11-01', 'America/New_York', '2026-11-01T23:59:59.999-05:00'],
    ['a zone without DST', '2026-03-08', 'Asia/Kolkata', '2026-03-08T23:59:59.999+05:30'],
  ])('end of %s', (_name, day, zone, expected) => {
    expect(endOfDay(date(day), zone).toString({ timeZoneName: 'never' })).toBe(expected);
  });
});

describe('CMS Transitional Care Management', () => {
  test.each([
    [
      'discharge Friday 16:00 → contact due Tuesday 23:59',
      '2026-11-20T16:00',
      chicago,
      '2026-11-24T23:59:59.999-06:00',
    ],
    ['holiday Thursday is skipped', '2026-11-25T09:00', chicago, '2026-11-30T23:59:59.999-06:00'],
    ['Christmas on the Friday', '2026-12-24T10:00', chicago, '2026-12-29T23:59:59.999-06:00'],
    ['observed Independence Day (Friday 3 July)', '2026-07-02T10:00', chicago, '2026-07-07T23:59:59.999-05:00'],
    ['Saturday discharge across the spring DST change', '2026-03-07T12:00', newYork, '2026-03-10T23:59:59.999-04:00'],
    [
      'discharge just before local midnight counts as that day',
      '2026-11-20T23:59',
      chicago,
      '2026-11-24T23:59:59.999-06:00',
    ],
  ])('interactive contact: %s', (_name, discharge, ctx, due) => {
    const d = tcmInteractiveContact(at(discharge, ctx.timeZone), ctx);
    expect(local(d.due, ctx.timeZone)).toBe(due);
    expect(d.rule).toBe('tcm-interactive-contact');
    expect(d.source).toMatch(/2 business days/);
  });

  test('the day is the local one: 03:00 UTC Saturday is still Friday evening in Chicago', () => {
    const d = tcmInteractiveContact(Temporal.Instant.from('2026-11-21T03:00:00Z'), chicago);
    expect(local(d.due, 'America/Chicago')).toBe('2026-11-24T23:59:59.999-06:00');
  });

  test("an organization's closure moves the contact deadline", () => {
    const ctx = { ...chicago, calendar: organizationCalendar('x', { closed: { '2026-11-27': 'closed' } }) };
    expect(local(tcmInteractiveContact(at('2026-11-25T09:00', ctx.timeZone), ctx).due, ctx.timeZone)).toBe(
      '2026-12-01T23:59:59.999-06:00',
    );
  });

  test.each([
    [
      'high complexity: 7 calendar days',
      'high',
      '2026-11-20T16:00',
      chicago,
      '2026-11-27T23:59:59.999-06:00',
      'tcm-visit-high-complexity',
    ],
    [
      'moderate: 14 calendar days',
      'moderate',
      '2026-11-20T16:00',
      chicago,
      '2026-12-04T23:59:59.999-06:00',
      'tcm-visit-moderate-complexity',
    ],
    [
      'weekends and holidays count',
      'high',
      '2026-11-21T10:00',
      chicago,
      '2026-11-28T23:59:59.999-06:00',
      'tcm-visit-high-complexity',
    ],
    [
      'across the autumn DST change',
      'high',
      '2026-10-25T10:00',
      newYork,
      '2026-11-01T23:59:59.999-05:00',
      'tcm-visit-high-complexity',
    ],
  ] as const)('face-to-face visit, %s', (_name, complexity, discharge, ctx, due, rule) => {
    const d = tcmFaceToFaceVisit(at(discharge, ctx.timeZone), complexity, ctx);
    expect(local(d.due, ctx.timeZone)).toBe(due);
    expect(d.rule).toBe(rule);
  });
});

describe('CMS-0057-F prior-authorization decisions', () => {
  test('expedited: 72 elapsed hours, so across the spring DST change the wall clock shows an hour more', () => {
    const d = priorAuthorizationDecision(at('2026-03-07T12:00', 'America/New_York'), 'expedited', newYork);
    // 12:00 EST (17:00 UTC) + 72 h = 17:00 UTC on the 10th, which is 13:00 EDT.
    expect(d.due.toString()).toBe('2026-03-10T17:00:00Z');
    expect(local(d.due, 'America/New_York')).toBe('2026-03-10T13:00:00-04:00');
    expect(d.rule).toBe('prior-auth-expedited');
  });

  test('expedited: exactly 72 hours on an ordinary week', () => {
    const received = at('2026-11-20T16:30', 'America/Chicago');
    const d = priorAuthorizationDecision(received, 'expedited', chicago);
    expect(received.until(d.due).total('hours')).toBe(72);
  });

  test.each([
    ['standard: 7 calendar days, weekends included', '2026-11-20T16:00', chicago, '2026-11-27T23:59:59.999-06:00'],
    ['standard across the spring DST change', '2026-03-07T12:00', newYork, '2026-03-14T23:59:59.999-04:00'],
  ])('%s', (_name, received, ctx, due) => {
    const d = priorAuthorizationDecision(at(received, ctx.timeZone), 'standard', ctx);
    expect(local(d.due, ctx.timeZone)).toBe(due);
    expect(d.rule).toBe('prior-auth-standard');
  });
});

describe('referral service levels and care-gap outreach', () => {
  test.each([
    ['stat: next business day', 'stat', '2026-11-25T09:00', '2026-11-27T23:59:59.999-06:00'],
    ['urgent: 5 business days, Thanksgiving skipped', 'urgent', '2026-11-23T09:00', '2026-12-01T23:59:59.999-06:00'],
    ['routine: 14 calendar days', 'routine', '2026-11-23T09:00', '2026-12-07T23:59:59.999-06:00'],
  ] as const)('%s', (_name, urgency, sent, due) => {
    const d = referralServiceLevel(at(sent, 'America/Chicago'), urgency, chicago);
    expect(local(d.due, 'America/Chicago')).toBe(due);
    expect(d.rule).toBe(`referral-${urgency}`);
  });

  test("an organization's own service levels", () => {
    const levels = {
      stat: { days: 1 },
      asap: { days: 1 },
      urgent: { days: 3 },
      routine: { days: 30, calendar: true },
    };
    const d = referralServiceLevel(at('2026-11-23T09:00', 'America/Chicago'), 'routine', chicago, levels);
    expect(local(d.due, 'America/Chicago')).toBe('2026-12-23T23:59:59.999-06:00');
    expect(d.source).toMatch(/30 calendar days/);
  });

  test('care-gap outreach: 30 calendar days by default, configurable', () => {
    const found = at('2026-01-15T08:00', 'America/Chicago');
    expect(local(careGapOutreach(found, chicago).due, 'America/Chicago')).toBe('2026-02-14T23:59:59.999-06:00');
    expect(local(careGapOutreach(found, chicago, 10).due, 'America/Chicago')).toBe('2026-01-25T23:59:59.999-06:00');
  });
});

describe('no-show follow-up (CareLoop service level)', () => {
  test.each([
    ['missed Tuesday morning → call by Wednesday', '2026-11-24T09:00', '2026-11-25T23:59:59.999-06:00'],
    ['missed Wednesday before Thanksgiving → call by Friday', '2026-11-25T15:00', '2026-11-27T23:59:59.999-06:00'],
    ['missed Friday evening → call by Monday', '2026-11-27T18:30', '2026-11-30T23:59:59.999-06:00'],
  ])('%s', (_name, missed, due) => {
    const d = noShowFollowUp(at(missed, 'America/Chicago'), chicago);
    expect(local(d.due, 'America/Chicago')).toBe(due);
    expect(d.rule).toBe('no-show-follow-up');
  });
});

describe('referral report and close-out (CareLoop service levels)', () => {
  test.each([
    ['seen Monday → report by the next Tuesday', '2026-11-16T10:00', '2026-11-25T23:59:59.999-06:00'],
    [
      'seen Friday before Thanksgiving week → 7 business days skip the holiday',
      '2026-11-20T10:00',
      '2026-12-02T23:59:59.999-06:00',
    ],
  ])('%s', (_name, seen, due) => {
    expect(local(referralReportDue(at(seen, 'America/Chicago'), chicago).due, 'America/Chicago')).toBe(due);
  });

  test('the loop closes within 3 business days of the report', () => {
    const d = referralCloseDue(at('2026-11-25T16:00', 'America/Chicago'), chicago);
    expect(local(d.due, 'America/Chicago')).toBe('2026-12-01T23:59:59.999-06:00');
    expect(d.rule).toBe('referral-close');
  });
});

describe('referralStalledFollowUp', () => {
  test('is due at the end of the next business day, across a weekend', () => {
    // Friday 2026-11-27 (the day after Thanksgiving is a business day) → Monday 2026-11-30.
    const d = referralStalledFollowUp(at('2026-11-27T10:00', 'America/New_York'), newYork);
    expect(local(d.due, 'America/New_York')).toBe('2026-11-30T23:59:59.999-05:00');
    expect(d.rule).toBe('referral-stalled');
  });
});
