import type { Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import type { Deadline } from './deadline-rules.ts';
import { instant } from './supervision.ts';
import { TASK_TYPES, type TaskPriority, type TaskType } from './task-types.ts';

/** CareLoop's code system for the kinds of worklist work (Task.code). */
export const TASK_TYPE_SYSTEM = 'https://careloop.dev/fhir/CodeSystem/task-type';
/** Extension on Task naming the deadline rule that set `restriction.period.end`, and its source. */
export const DEADLINE_RULE_URL = 'https://careloop.dev/fhir/StructureDefinition/deadline-rule';
/** Extension on Task: the task is snoozed (status on-hold) until this instant. */
const SNOOZED_UNTIL_URL = 'https://careloop.dev/fhir/StructureDefinition/snoozed-until';

/** Task statuses of work still to do (FHIR R4 task-status); `on-hold` is a snoozed task. */
export const OPEN_STATUSES = ['requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'] as const;
const open = new Set<string>(OPEN_STATUSES);
const priorities = new Set<string>(['routine', 'urgent', 'asap', 'stat']);

export const isTaskType = (code: string): code is TaskType => Object.hasOwn(TASK_TYPES, code);

/** What the worklist reads from a Task. */
export type WorkItem = Readonly<{
  id: string;
  type: TaskType;
  priority: TaskPriority;
  status: string;
  open: boolean;
  due?: Temporal.Instant | undefined;
  rule?: string | undefined;
  owner?: string | undefined;
  patient?: string | undefined;
  snoozedUntil?: Temporal.Instant | undefined;
}>;

/**
 * A new worklist Task of a kind, for a patient, with the kind's default priority unless one is given, and the due
 * date of `deadline` recorded with the rule that set it.
 */
export function worklistTask(input: {
  type: TaskType;
  patient: string;
  authoredOn: Temporal.Instant;
  deadline?: Deadline | undefined;
  priority?: TaskPriority | undefined;
  owner?: string | undefined;
  description?: string | undefined;
}): Task {
  const kind = TASK_TYPES[input.type];
  return {
    resourceType: 'Task',
    status: 'requested',
    intent: 'order',
    priority: input.priority ?? kind.priority,
    code: { coding: [{ system: TASK_TYPE_SYSTEM, code: input.type, display: kind.display }], text: kind.display },
    for: { reference: input.patient },
    authoredOn: input.authoredOn.toString(),
    ...(input.description ? { description: input.description } : {}),
    ...(input.owner ? { owner: { reference: input.owner } } : {}),
    ...(input.deadline
      ? {
          restriction: { period: { end: input.deadline.due.toString() } },
          extension: [
            {
              url: DEADLINE_RULE_URL,
              extension: [
                { url: 'rule', valueCode: input.deadline.rule },
                { url: 'source', valueString: input.deadline.source },
              ],
            },
          ],
        }
      : {}),
  };
}

/** The worklist view of a Task, or undefined when it is not worklist work (no CareLoop task type). */
export function workItem(task: Task): WorkItem | undefined {
  const code = task.code?.coding?.find((c) => c.system === TASK_TYPE_SYSTEM)?.code;
  if (!task.id || !code || !isTaskType(code)) return undefined;
  const rule = task.extension
    ?.find((e) => e.url === DEADLINE_RULE_URL)
    ?.extension?.find((e) => e.url === 'rule')?.valueCode;
  const snoozed = task.extension?.find((e) => e.url === SNOOZED_UNTIL_URL)?.valueDateTime;
  return {
    id: task.id,
    type: code,
    priority: priorities.has(task.priority ?? '') ? (task.priority as TaskPriority) : TASK_TYPES[code].priority,
    status: task.status,
    open: open.has(task.status),
    due: instant(task.restriction?.period?.end),
    rule,
    owner: task.owner?.reference,
    patient: task.for?.reference,
    snoozedUntil: task.status === 'on-hold' ? instant(snoozed) : undefined,
  };
}

const withoutSnooze = (task: Task) => task.extension?.filter((e) => e.url !== SNOOZED_UNTIL_URL) ?? [];
const extensions = (list: NonNullable<Task['extension']>) => (list.length ? { extension: list } : {});

/** Snoozed: on hold until `until`, when it comes back to the queue as it was. */
export function snoozed(task: Task, until: Temporal.Instant, reason: string | undefined): Task {
  const { statusReason: _r, ...rest } = task;
  return {
    ...rest,
    status: 'on-hold',
    ...(reason ? { statusReason: { text: reason } } : {}),
    extension: [...withoutSnooze(task), { url: SNOOZED_UNTIL_URL, valueDateTime: until.toString() }],
  };
}

/** Back to the queue (a snooze ended or was cancelled). */
export function resumed(task: Task): Task {
  const { statusReason: _r, extension: _e, ...rest } = task;
  return { ...rest, status: 'ready', ...extensions(withoutSnooze(task)) };
}

/** Completed with the coordinator's outcome, in Task.output. */
export function completed(task: Task, outcome: string, at: Temporal.Instant): Task {
  const { statusReason: _r, extension: _e, ...rest } = task;
  return {
    ...rest,
    status: 'completed',
    ...extensions(withoutSnooze(task)),
    executionPeriod: { ...task.executionPeriod, end: at.toString() },
    output: [...(task.output ?? []), { type: { text: 'outcome' }, valueString: outcome }],
  };
}

/** Owned by `owner` (claim or reassign); a claimed task is in progress. */
export function ownedBy(task: Task, owner: string, claim: boolean): Task {
  return {
    ...task,
    owner: { reference: owner },
    ...(claim && (task.status === 'requested' || task.status === 'ready') ? { status: 'in-progress' } : {}),
  };
}
