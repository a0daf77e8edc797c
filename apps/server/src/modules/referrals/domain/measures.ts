/** One referral as the measures see it: its specialty, and each offer's receiver, stage times and outcome. */
export type ReferralRecord = Readonly<{
  specialty: string;
  cancelled: boolean;
  sentAt?: number | undefined;
  offers: readonly Readonly<{
    receiver: string;
    accepted: boolean;
    declineReason?: string | undefined;
    /** Epoch ms each stage was reached. */
    scheduledAt?: number | undefined;
    reportAt?: number | undefined;
    closedAt?: number | undefined;
    /** Whether the receiver is in the patient's network (undefined: the patient has no coverage on file). */
    inNetwork?: boolean | undefined;
  }>[];
}>;

export type Measures = Readonly<{
  referrals: number;
  closed: number;
  /** Closed ÷ referrals not cancelled; undefined when there are none. */
  loopClosureRate?: number | undefined;
  medianDaysToAppointment?: number | undefined;
  medianDaysToReport?: number | undefined;
  declineReasons: Readonly<Record<string, number>>;
  accepted: number;
  outOfNetwork: number;
  /** Accepted by an out-of-network receiver ÷ accepted with a known network. */
  leakageRate?: number | undefined;
}>;

const DAY = 86_400_000;

/** The median of the values, in days with one decimal; undefined for none. */
function medianDays(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const m = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return Math.round((m / DAY) * 10) / 10;
}

const rate = (n: number, d: number) => (d ? Math.round((n / d) * 1000) / 1000 : undefined);

/**
 * The closed-loop measures of issue #6 over a set of referrals: how many closed the loop (of those not cancelled), the
 * median days from sending to the appointment and to the consult report (of the offers that got there), why
 * receivers declined, and leakage — referrals accepted by a receiver outside the patient's network.
 */
export function referralMeasures(records: readonly ReferralRecord[]): Measures {
  const live = records.filter((r) => !r.cancelled);
  const toAppointment: number[] = [];
  const toReport: number[] = [];
  const declineReasons: Record<string, number> = {};
  let closed = 0;
  let accepted = 0;
  let known = 0;
  let outOfNetwork = 0;
  for (const r of records) {
    if (r.offers.some((o) => o.closedAt !== undefined)) closed++;
    for (const o of r.offers) {
      if (o.declineReason !== undefined) declineReasons[o.declineReason] = (declineReasons[o.declineReason] ?? 0) + 1;
      if (!o.accepted) continue;
      accepted++;
      if (o.inNetwork !== undefined) {
        known++;
        if (!o.inNetwork) outOfNetwork++;
      }
      if (r.sentAt !== undefined && o.scheduledAt !== undefined) toAppointment.push(o.scheduledAt - r.sentAt);
      if (r.sentAt !== undefined && o.reportAt !== undefined) toReport.push(o.reportAt - r.sentAt);
    }
  }
  return {
    referrals: records.length,
    closed,
    loopClosureRate: rate(closed, live.length),
    medianDaysToAppointment: medianDays(toAppointment),
    medianDaysToReport: medianDays(toReport),
    declineReasons,
    accepted,
    outOfNetwork,
    leakageRate: rate(outOfNetwork, known),
  };
}
