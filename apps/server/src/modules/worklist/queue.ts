import type { Bundle, RiskAssessment, Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import type { Actor } from '../../platform/access/index.ts';
import { maxCount, type Store } from '../../platform/store/index.ts';
import { type Rank, rankWorklist } from './domain/rank.ts';
import { OPEN_STATUSES, TASK_TYPE_SYSTEM, type WorkItem, workItem } from './domain/task-resource.ts';
import type { TaskType } from './domain/task-types.ts';
import { practitionerOf } from './operations.ts';

/** Extension on a worklist entry's `search`: one reason for the task's rank, with its points. */
const RANK_REASON_URL = 'https://careloop.dev/fhir/StructureDefinition/rank-reason';

export type QueueFilter = Readonly<{
  /** `mine` (default): owned by me or by no one; `unassigned`; `all` the work I can see. */
  owner: 'mine' | 'unassigned' | 'all';
  types?: readonly TaskType[] | undefined;
  statuses?: readonly string[] | undefined;
  patient?: string | undefined;
  dueBefore?: Temporal.Instant | undefined;
  dueAfter?: Temporal.Instant | undefined;
  /** Include snoozed tasks whose snooze has not ended. */
  snoozed?: boolean | undefined;
  count: number;
}>;

// The work one queue considers, per search (mine, unassigned): the store's page limit. A coordinator's open tasks
// number in the hundreds; beyond a thousand the queue ranks the thousand due soonest.
const MAX_CANDIDATES = maxCount;

/**
 * The coordinator's queue: open worklist Tasks they may see (the store applies their access), filtered, ranked by
 * `rankWorklist` with each task's reasons, as a FHIR searchset Bundle whose entries carry `search.score` and the
 * reasons (extension {@link RANK_REASON_URL}).
 */
export async function worklist(
  store: Store,
  actor: Actor,
  filter: QueueFilter,
  now: Temporal.Instant,
): Promise<Bundle> {
  const base = new URLSearchParams({
    status: (filter.statuses ?? OPEN_STATUSES).join(','),
    _count: String(MAX_CANDIDATES),
    _sort: 'due',
    _total: 'none',
  });
  if (filter.types?.length) base.set('code', filter.types.map((t) => `${TASK_TYPE_SYSTEM}|${t}`).join(','));
  if (filter.patient) base.set('patient', filter.patient);
  const queries: URLSearchParams[] = [];
  if (filter.owner === 'mine') queries.push(withParam(base, 'owner', practitionerOf(actor)));
  if (filter.owner !== 'all') queries.push(withParam(base, 'owner:missing', 'true'));
  else queries.push(base);
  const tasks = new Map<string, Task>();
  for (const q of queries) {
    const page = await store.search('Task', q);
    for (const m of page.matches) tasks.set(m.id as string, m as Task);
  }
  const items = [...tasks.values()].flatMap((t) => {
    const item = workItem(t);
    return item && keep(item, filter, now) ? [{ ...item, task: t }] : [];
  });
  const risks = await patientRisks(store, [...new Set(items.flatMap((i) => (i.patient ? [i.patient] : [])))]);
  const ranked = rankWorklist(
    items.map((i) => ({ ...i, risk: i.patient ? risks.get(i.patient) : undefined })),
    now,
  ).slice(0, filter.count);
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: items.length,
    entry: ranked.map((r) => ({
      fullUrl: `Task/${r.id}`,
      resource: r.task,
      search: { mode: 'match', score: r.rank.score, extension: reasons(r.rank) },
    })),
  };
}

const withParam = (base: URLSearchParams, name: string, value: string) => {
  const q = new URLSearchParams(base);
  q.set(name, value);
  return q;
};

function keep(item: WorkItem, filter: QueueFilter, now: Temporal.Instant): boolean {
  if (item.status === 'on-hold' && !filter.snoozed) {
    // A snooze that has ended puts the task back in the queue.
    if (!item.snoozedUntil || item.snoozedUntil.epochMilliseconds > now.epochMilliseconds) return false;
  }
  const due = item.due?.epochMilliseconds;
  if (filter.dueBefore && (due === undefined || due >= filter.dueBefore.epochMilliseconds)) return false;
  if (filter.dueAfter && (due === undefined || due < filter.dueAfter.epochMilliseconds)) return false;
  return true;
}

const reasons = (rank: Rank) =>
  rank.reasons.map((r) => ({ url: RANK_REASON_URL, valueString: `${r.why} (+${r.points})` }));

/** Each patient's latest risk (RiskAssessment.prediction.probabilityDecimal), where one is recorded. */
async function patientRisks(store: Store, patients: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < patients.length; i += 100) {
    const chunk = patients.slice(i, i + 100);
    const page = await store.search(
      'RiskAssessment',
      new URLSearchParams({
        subject: chunk.join(','),
        _sort: '-date',
        _count: '1000',
      }),
    );
    for (const r of page.matches as RiskAssessment[]) {
      // R4 has no RiskAssessment status search parameter: drafts and errors are left out here.
      if (!['final', 'amended', 'corrected'].includes(r.status)) continue;
      const patient = r.subject?.reference;
      const p = r.prediction?.find((x) => typeof x.probabilityDecimal === 'number')?.probabilityDecimal;
      if (patient && p !== undefined && !out.has(patient)) out.set(patient, p);
    }
  }
  return out;
}
