import type {
  Coverage,
  Parameters,
  ParametersParameter,
  PractitionerRole,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import { maxCount, type Store } from '../../platform/store/index.ts';
import { type Measures, type ReferralRecord, referralMeasures } from './domain/measures.ts';
import { EXT, OFFER_TOKEN, REFERRAL_CATEGORY, serviceRequestOf, stageOf, stageTimes } from './model.ts';

const time = (s: string | undefined) => (s ? Date.parse(s) : undefined);
const specialtyOf = (sr: ServiceRequest) =>
  sr.performerType?.coding?.[0]?.display ??
  sr.performerType?.text ??
  sr.performerType?.coding?.[0]?.code ??
  'unspecified';
/** The receiver an offer went to: the chosen PractitionerRole when delivered internally, else the owner. */
const receiverOf = (t: Task) =>
  t.extension?.find((e) => e.url === EXT.receiver)?.valueReference?.reference ?? t.owner?.reference ?? 'unknown';

async function all(store: Store, type: string, params: Record<string, string>) {
  const out = [];
  for (let offset = 0; ; offset += maxCount) {
    const page = await store.search(
      type,
      new URLSearchParams({ ...params, _count: String(maxCount), _offset: String(offset) }),
    );
    out.push(...page.matches);
    if (page.matches.length < maxCount) return out;
  }
}

function toParameters(name: string, label: string, m: Measures): ParametersParameter {
  return {
    name,
    part: [
      { name: 'group', valueString: label },
      { name: 'referrals', valueInteger: m.referrals },
      { name: 'closed', valueInteger: m.closed },
      ...(m.loopClosureRate !== undefined ? [{ name: 'loopClosureRate', valueDecimal: m.loopClosureRate }] : []),
      ...(m.medianDaysToAppointment !== undefined
        ? [{ name: 'medianDaysToAppointment', valueDecimal: m.medianDaysToAppointment }]
        : []),
      ...(m.medianDaysToReport !== undefined
        ? [{ name: 'medianDaysToReport', valueDecimal: m.medianDaysToReport }]
        : []),
      { name: 'accepted', valueInteger: m.accepted },
      { name: 'outOfNetwork', valueInteger: m.outOfNetwork },
      ...(m.leakageRate !== undefined ? [{ name: 'leakageRate', valueDecimal: m.leakageRate }] : []),
      ...Object.entries(m.declineReasons).map(([reason, count]) => ({
        name: 'declineReason',
        part: [
          { name: 'reason', valueString: reason },
          { name: 'count', valueInteger: count },
        ],
      })),
    ],
  };
}

/**
 * The referral measures the dashboards use (issue #6), over the referrals authored in `[from, to)` that the caller
 * may see: overall, by specialty and by receiver — loop-closure rate, median days to the appointment and to the
 * report, decline reasons, leakage out of the patient's network.
 */
export async function referralMeasuresView(store: Store, period: { from: string; to: string }): Promise<Parameters> {
  const srs = (await all(store, 'ServiceRequest', {
    category: `${REFERRAL_CATEGORY.system}|${REFERRAL_CATEGORY.code}`,
    authored: `ge${period.from}`,
  })) as ServiceRequest[];
  const inPeriod = srs.filter((s) => (s.authoredOn ?? '') < period.to);
  const offers = new Map<string, Task[]>();
  for (let i = 0; i < inPeriod.length; i += 100) {
    const refs = inPeriod
      .slice(i, i + 100)
      .map((s) => `ServiceRequest/${s.id}`)
      .join(',');
    for (const t of (await all(store, 'Task', { 'based-on': refs, code: OFFER_TOKEN })) as Task[]) {
      const sr = serviceRequestOf(t) as string;
      offers.set(sr, [...(offers.get(sr) ?? []), t]);
    }
  }
  // The payers of the referred patients only, 100 patients a search.
  const payers = new Map<string, string[]>();
  const patients = [...new Set(inPeriod.map((s) => s.subject.reference as string))];
  for (let i = 0; i < patients.length; i += 100) {
    const beneficiary = patients.slice(i, i + 100).join(',');
    for (const c of (await all(store, 'Coverage', { beneficiary, status: 'active' })) as Coverage[]) {
      const p = c.beneficiary.reference as string;
      payers.set(p, [...(payers.get(p) ?? []), ...c.payor.flatMap((x) => (x.reference ? [x.reference] : []))]);
    }
  }
  const roleRefs = [
    ...new Set(
      [...offers.values()]
        .flat()
        .map(receiverOf)
        .filter((r) => r.startsWith('PractitionerRole/')),
    ),
  ];
  const networks = new Map<string, string[]>();
  for (let i = 0; i < roleRefs.length; i += 100) {
    const ids = roleRefs
      .slice(i, i + 100)
      .map((r) => r.slice('PractitionerRole/'.length))
      .join(',');
    for (const role of (await all(store, 'PractitionerRole', { _id: ids })) as PractitionerRole[])
      networks.set(
        `PractitionerRole/${role.id}`,
        (role.extension ?? []).flatMap((e) =>
          e.url === EXT.network && e.valueReference?.reference ? [e.valueReference.reference] : [],
        ),
      );
  }
  const records = inPeriod.map((sr) => {
    const own = payers.get(sr.subject.reference as string) ?? [];
    return {
      record: {
        specialty: specialtyOf(sr),
        cancelled: sr.status === 'revoked',
        sentAt: time(sr.authoredOn),
        offers: (offers.get(`ServiceRequest/${sr.id}`) ?? []).map((t) => {
          const times = stageTimes(t);
          const nets = networks.get(receiverOf(t));
          return {
            receiver: receiverOf(t),
            accepted: times.has('accepted'),
            ...(stageOf(t) === 'declined' ? { declineReason: t.statusReason?.text ?? 'no reason given' } : {}),
            scheduledAt: time(times.get('scheduled')),
            reportAt: time(times.get('report-received')),
            closedAt: time(times.get('closed')),
            ...(own.length && nets ? { inNetwork: nets.some((n) => own.includes(n)) } : {}),
          };
        }),
      } satisfies ReferralRecord,
    };
  });
  const group = (key: (r: ReferralRecord) => string[]) => {
    const out = new Map<string, ReferralRecord[]>();
    for (const { record } of records) for (const k of key(record)) out.set(k, [...(out.get(k) ?? []), record]);
    return out;
  };
  const bySpecialty = group((r) => [r.specialty]);
  const byReceiver = group((r) => [...new Set(r.offers.map((o) => o.receiver))]);
  return {
    resourceType: 'Parameters',
    parameter: [
      toParameters('overall', 'all referrals', referralMeasures(records.map((r) => r.record))),
      ...[...bySpecialty].map(([k, rs]) => toParameters('bySpecialty', k, referralMeasures(rs))),
      ...[...byReceiver].map(([k, rs]) =>
        toParameters(
          'byReceiver',
          k,
          referralMeasures(rs.map((r) => ({ ...r, offers: r.offers.filter((o) => o.receiver === k) }))),
        ),
      ),
    ],
  };
}
