import { describe, expect, test } from 'vitest';
import { type ReferralRecord, referralMeasures } from './measures.ts';

const DAY = 86_400_000;
const sent = Date.parse('2026-11-02T15:00:00Z');
const referral = (over: Partial<ReferralRecord> = {}): ReferralRecord => ({
  specialty: 'cardiology',
  cancelled: false,
  sentAt: sent,
  offers: [],
  ...over,
});

describe('referral measures', () => {
  test('loop closure, medians, decline reasons and leakage', () => {
    const m = referralMeasures([
      referral({
        offers: [
          {
            receiver: 'a',
            accepted: true,
            scheduledAt: sent + 3 * DAY,
            reportAt: sent + 10 * DAY,
            closedAt: sent + 11 * DAY,
            inNetwork: true,
          },
        ],
      }),
      referral({
        offers: [
          { receiver: 'b', accepted: false, declineReason: 'Not accepting new patients' },
          { receiver: 'c', accepted: true, scheduledAt: sent + 5 * DAY, inNetwork: false },
        ],
      }),
      referral({ offers: [{ receiver: 'd', accepted: false, declineReason: 'Not accepting new patients' }] }),
      referral({ cancelled: true, offers: [{ receiver: 'e', accepted: false }] }),
    ]);
    expect(m.referrals).toBe(4);
    expect(m.closed).toBe(1);
    // One of the three not cancelled closed its loop.
    expect(m.loopClosureRate).toBe(0.333);
    expect(m.medianDaysToAppointment).toBe(4);
    expect(m.medianDaysToReport).toBe(10);
    expect(m.declineReasons).toEqual({ 'Not accepting new patients': 2 });
    expect(m.accepted).toBe(2);
    expect(m.outOfNetwork).toBe(1);
    expect(m.leakageRate).toBe(0.5);
  });

  test('nothing to measure: counts zero, rates and medians absent', () => {
    const m = referralMeasures([]);
    expect(m).toEqual({
      referrals: 0,
      closed: 0,
      declineReasons: {},
      accepted: 0,
      outOfNetwork: 0,
      loopClosureRate: undefined,
      medianDaysToAppointment: undefined,
      medianDaysToReport: undefined,
      leakageRate: undefined,
    });
  });

  test('a patient without coverage on file does not count toward leakage', () => {
    const m = referralMeasures([referral({ offers: [{ receiver: 'a', accepted: true }] })]);
    expect(m.leakageRate).toBeUndefined();
    expect(m.accepted).toBe(1);
  });
});
