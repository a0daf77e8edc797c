import type { Language } from '@careloop/fhir';
import type { Bundle, Task } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import type { Actor } from '../../platform/access/index.ts';
import { maxCount, type Store, type TaskQueueFilter, type TaskQueueRow } from '../../platform/store/index.ts';
import { type Rank, rankBound, rankWorklist } from './domain/rank.ts';
import { isTaskType } from './domain/task-resource.ts';
import { TASK_TYPES, type TaskPriority, type TaskType } from './domain/task-types.ts';
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
  /** Count the whole queue even when the page does not need it (`_total=accurate`). */
  total?: boolean | undefined;
}>;

/**
 * The coordinator's queue: open worklist Tasks they may see (the store applies their access), filtered, ranked by
 * `rankTask` with each task's reasons, as a FHIR searchset Bundle whose entries carry `search.score` and the reasons
 * (extension {@link RANK_REASON_URL}) in `language`. The store's queue index lists tasks highest priority and soonest due first;
 * they are read a chunk at a time and ranked, until the next task's highest possible score (`rankBound`) is below the
 * last score the page shows — so a page costs about the same however long the queue. `total` is given when the whole
 * queue was read, or when asked for with `_total=accurate`.
 */
export async function worklist(
  store: Store,
  actor: Actor,
  filter: QueueFilter,
  now: Temporal.Instant,
  language: Language = 'en',
): Promise<Bundle> {
  const query = storeFilter(actor, filter, now);
  const nowMs = now.epochMilliseconds;
  const chunk = Math.max(2 * filter.count, 100);
  let best: (RankedItem & { rank: Rank })[] = [];
  let offset = 0;
  let exhausted = false;
  for (;;) {
    const rows = await store.taskQueue(query, { offset, limit: chunk + 1 });
    const read = rows.slice(0, chunk);
    offset += read.length;
    best = rankWorklist([...best, ...read.flatMap(itemOf)], now).slice(0, filter.count);
    const next = rows[chunk];
    if (!next) {
      exhausted = true;
      break;
    }
    const last = best[filter.count - 1];
    const nextPriority = isPriority(next.priority) ? next.priority : undefined;
    if (last && nextPriority && rankBound(nextPriority, next.due ?? undefined, nowMs) < last.rank.score) break;
  }
  const total = exhausted ? offset : filter.total ? await countQueue(store, query) : undefined;
  const tasks = await contents(store, best);
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(total !== undefined ? { total } : {}),
    entry: best.flatMap((r) => {
      const task = tasks.get(r.id);
      return task
        ? [
            {
              fullUrl: `Task/${r.id}`,
              resource: task,
              search: { mode: 'match' as const, score: r.rank.score, extension: reasons(r.rank, language) },
            },
          ]
        : [];
    }),
  };
}

type RankedItem = Readonly<{
  id: string;
  type: TaskType;
  priority: TaskPriority;
  due?: Temporal.Instant | undefined;
  risk?: number | undefined;
  riskId?: string | undefined;
}>;

const PRIORITIES = new Set<string>(['routine', 'urgent', 'asap', 'stat']);
const isPriority = (p: string | null): p is TaskPriority => p !== null && PRIORITIES.has(p);

/** A queue row as the ranking sees it; a type CareLoop does not know is not worklist work. */
function itemOf(row: TaskQueueRow): RankedItem[] {
  if (!isTaskType(row.taskType)) return [];
  return [
    {
      id: row.id,
      type: row.taskType,
      // A task without a (valid) priority has its kind's default, as everywhere in the worklist.
      priority: isPriority(row.priority) ? row.priority : TASK_TYPES[row.taskType].priority,
      due: row.due === null ? undefined : Temporal.Instant.fromEpochMilliseconds(row.due),
      risk: row.risk?.probability,
      riskId: row.risk?.id,
    },
  ];
}

function storeFilter(actor: Actor, filter: QueueFilter, now: Temporal.Instant): TaskQueueFilter {
  return {
    owners: filter.owner === 'all' ? 'all' : filter.owner === 'mine' ? [practitionerOf(actor)] : [],
    unassigned: filter.owner !== 'all',
    statuses: filter.statuses,
    // Only the kinds of work CareLoop knows are worklist work, so totals count what a page can show.
    taskTypes: filter.types?.length ? filter.types : (Object.keys(TASK_TYPES) as TaskType[]),
    patient: filter.patient,
    dueBefore: filter.dueBefore?.toString(),
    dueAfter: filter.dueAfter?.toString(),
    // A snooze that has ended puts the task back in the queue.
    awakeAt: filter.snoozed ? undefined : now.toString(),
  };
}

async function countQueue(store: Store, query: TaskQueueFilter): Promise<number> {
  let n = 0;
  for (;;) {
    const rows = await store.taskQueue(query, { offset: n, limit: maxCount });
    n += rows.length;
    if (rows.length < maxCount) return n;
  }
}

/**
 * The page's Tasks, read in one search (a task deleted meanwhile is left out), and the risk assessments whose values
 * its reasons show: reading them through the store records what the page discloses.
 */
async function contents(store: Store, page: readonly RankedItem[]): Promise<Map<string, Task>> {
  if (page.length === 0) return new Map();
  const riskIds = page.flatMap((p) => (p.riskId ? [p.riskId] : []));
  if (riskIds.length) await store.readMany('RiskAssessment', riskIds);
  return new Map(
    (
      await store.readMany<Task>(
        'Task',
        page.map((p) => p.id),
      )
    ).map((t) => [t.id as string, t]),
  );
}

const reasons = (rank: Rank, language: Language) =>
  rank.reasons.map((r) => ({ url: RANK_REASON_URL, valueString: `${r.why[language]} (+${r.points})` }));
