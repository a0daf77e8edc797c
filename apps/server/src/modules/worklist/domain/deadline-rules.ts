import type { Temporal } from 'temporal-polyfill';
import { addBusinessDays, endOfDay } from './business-days.ts';
import type { HolidayCalendar } from './holidays.ts';

/** Where a deadline is computed: the organization's time zone and holiday calendar. */
export type ClockContext = Readonly<{ timeZone: string; calendar: HolidayCalendar }>;

/** A computed deadline and the rule that set it (a Task records the rule id with its due date). */
export type Deadline = Readonly<{ due: Temporal.Instant; rule: DeadlineRuleId; source: string }>;

export type ReferralUrgency = 'stat' | 'asap' | 'urgent' | 'routine';

/** How long a referral may take at each urgency: business days, or calendar days when `calendar` is set. */
export type ReferralServiceLevels = Readonly<Record<ReferralUrgency, { days: number; calendar?: boolean }>>;

/** CareLoop's default referral service levels (organizations pass their own to referralServiceLevel). */
const defaultReferralServiceLevels: ReferralServiceLevels = {
  stat: { days: 1 },
  asap: { days: 2 },
  urgent: { days: 5 },
  routine: { days: 14, calendar: true },
};

export type DeadlineRuleId =
  | 'tcm-interactive-contact'
  | 'tcm-visit-high-complexity'
  | 'tcm-visit-moderate-complexity'
  | 'prior-auth-expedited'
  | 'prior-auth-standard'
  | `referral-${ReferralUrgency}`
  | 'care-gap-outreach'
  | 'no-show-follow-up'
  | 'appointment-preparation'
  | 'referral-report'
  | 'referral-close'
  | 'referral-stalled';

const day = (at: Temporal.Instant, ctx: ClockContext) => at.toZonedDateTimeISO(ctx.timeZone).toPlainDate();

/**
 * CMS Transitional Care Management (CPT 99495/99496; Medicare Claims Processing Manual ch. 12 §30.6.15.3 and the CMS
 * "Transitional Care Management Services" booklet, MLN908628): an interactive contact with the patient or caregiver
 * within 2 business days of discharge. Business days are Monday to Friday except holidays, counted from the day after
 * discharge; the contact is due by the end of the second one, in the organization's time zone.
 */
export function tcmInteractiveContact(dischargedAt: Temporal.Instant, ctx: ClockContext): Deadline {
  return {
    due: endOfDay(addBusinessDays(day(dischargedAt, ctx), 2, ctx.calendar), ctx.timeZone).toInstant(),
    rule: 'tcm-interactive-contact',
    source: 'CMS TCM (CPT 99495/99496): interactive contact within 2 business days of discharge',
  };
}

/**
 * CMS TCM face-to-face visit (same sources): within 7 calendar days of discharge for high medical decision-making
 * complexity (CPT 99496), within 14 calendar days for at least moderate complexity (CPT 99495).
 */
export function tcmFaceToFaceVisit(
  dischargedAt: Temporal.Instant,
  complexity: 'high' | 'moderate',
  ctx: ClockContext,
): Deadline {
  const days = complexity === 'high' ? 7 : 14;
  return {
    due: endOfDay(day(dischargedAt, ctx).add({ days }), ctx.timeZone).toInstant(),
    rule: complexity === 'high' ? 'tcm-visit-high-complexity' : 'tcm-visit-moderate-complexity',
    source: `CMS TCM (CPT ${complexity === 'high' ? '99496' : '99495'}): face-to-face visit within ${days} calendar days of discharge`,
  };
}

/**
 * CMS Interoperability and Prior Authorization Final Rule (CMS-0057-F, 89 FR 8758, 2024; 42 CFR 422.568, 438.210,
 * 440.230, 457.495 as amended, from 1 January 2026): payers decide expedited requests within 72 hours and standard
 * requests within 7 calendar days of receiving them. 72 hours are elapsed time (a DST change moves the wall clock);
 * 7 calendar days end at the end of the seventh day in the organization's time zone.
 */
export function priorAuthorizationDecision(
  receivedAt: Temporal.Instant,
  priority: 'expedited' | 'standard',
  ctx: ClockContext,
): Deadline {
  if (priority === 'expedited')
    return {
      due: receivedAt.add({ hours: 72 }),
      rule: 'prior-auth-expedited',
      source: 'CMS-0057-F: expedited prior-authorization decision within 72 hours',
    };
  return {
    due: endOfDay(day(receivedAt, ctx).add({ days: 7 }), ctx.timeZone).toInstant(),
    rule: 'prior-auth-standard',
    source: 'CMS-0057-F: standard prior-authorization decision within 7 calendar days',
  };
}

/** A referral's service level by urgency (the organization's configuration, CareLoop's defaults otherwise). */
export function referralServiceLevel(
  sentAt: Temporal.Instant,
  urgency: ReferralUrgency,
  ctx: ClockContext,
  levels: ReferralServiceLevels = defaultReferralServiceLevels,
): Deadline {
  const level = levels[urgency];
  const start = day(sentAt, ctx);
  const last = level.calendar ? start.add({ days: level.days }) : addBusinessDays(start, level.days, ctx.calendar);
  return {
    due: endOfDay(last, ctx.timeZone).toInstant(),
    rule: `referral-${urgency}`,
    source: `Organization referral service level: ${urgency} within ${level.days} ${level.calendar ? 'calendar' : 'business'} days`,
  };
}

/**
 * Outreach for an open care gap (e.g. an overdue screening found by a quality measure): within `days` calendar days
 * of the gap being found (30 by default; HEDIS measures are annual, so a month leaves time to close the gap within
 * the measurement year). Configurable per organization.
 */
export function careGapOutreach(foundAt: Temporal.Instant, ctx: ClockContext, days = 30): Deadline {
  return {
    due: endOfDay(day(foundAt, ctx).add({ days }), ctx.timeZone).toInstant(),
    rule: 'care-gap-outreach',
    source: `Care-gap outreach within ${days} calendar days of the gap being found`,
  };
}

/**
 * A missed appointment (no-show): call the patient by the end of the next business day. CareLoop's default service
 * level, not a regulation: missed visits after discharge go with readmissions, so rebooking is same- or next-day work.
 */
export function noShowFollowUp(missedAt: Temporal.Instant, ctx: ClockContext): Deadline {
  return {
    due: endOfDay(addBusinessDays(day(missedAt, ctx), 1, ctx.calendar), ctx.timeZone).toInstant(),
    rule: 'no-show-follow-up',
    source: 'CareLoop service level: call within one business day of a missed appointment',
  };
}

/**
 * After a referred patient has been seen, the consult report is due within 7 business days; once it is in, the
 * referrer closes the loop within 3. CareLoop's default service levels (configurable like the referral levels): the
 * closed-loop referral literature measures "report received" as the step most often missing, so it gets a clock too.
 */
export function referralReportDue(seenAt: Temporal.Instant, ctx: ClockContext): Deadline {
  return {
    due: endOfDay(addBusinessDays(day(seenAt, ctx), 7, ctx.calendar), ctx.timeZone).toInstant(),
    rule: 'referral-report',
    source: 'CareLoop service level: consult report within 7 business days of the visit',
  };
}

/** The referrer closes the loop within 3 business days of the report (see {@link referralReportDue}). */
export function referralCloseDue(reportAt: Temporal.Instant, ctx: ClockContext): Deadline {
  return {
    due: endOfDay(addBusinessDays(day(reportAt, ctx), 3, ctx.calendar), ctx.timeZone).toInstant(),
    rule: 'referral-close',
    source: 'CareLoop service level: close the loop within 3 business days of the report',
  };
}

/** A stalled referral (a stage past its service level) is followed up within one business day of being noticed. */
export function referralStalledFollowUp(noticedAt: Temporal.Instant, ctx: ClockContext): Deadline {
  return {
    due: endOfDay(addBusinessDays(day(noticedAt, ctx), 1, ctx.calendar), ctx.timeZone).toInstant(),
    rule: 'referral-stalled',
    source: 'CareLoop service level: follow up a stalled referral within one business day',
  };
}
