import { conflict, forbidden } from '@careloop/fhir';
import type { Practitioner, Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import type { Actor } from '../../platform/access/index.ts';
import { invalid, OutcomeError } from '../../platform/errors.ts';
import type { Store, StoreTx } from '../../platform/store/index.ts';
import { completed, ownedBy, resumed, snoozed, type WorkItem, workItem, worklistTask } from './domain/task-resource.ts';

/**
 * The worklist's actions on one Task (FHIR `$claim`, `$reassign`, `$snooze`, `$resume`, `$complete`, `$escalate`).
 * Each reads the Task and writes its next version with If-Match in one transaction, as the acting user (the store
 * enforces who may touch which patient's work): of two people claiming one task at once, exactly one succeeds and
 * the other gets 409. Bad requests are 400 naming the parameter, and change nothing.
 */
export type TaskAction =
  | { op: 'claim' }
  | { op: 'reassign'; owner: string }
  | { op: 'snooze'; until: Temporal.Instant; reason?: string | undefined }
  | { op: 'resume' }
  | { op: 'complete'; outcome: string }
  | { op: 'escalate'; reason: string };

export const TASK_OPERATIONS = ['claim', 'reassign', 'snooze', 'resume', 'complete', 'escalate'] as const;

/** The acting person's Practitioner reference; only staff linked to a Practitioner own work. */
export function practitionerOf(actor: Actor): string {
  if (actor.kind === 'user' && actor.reference?.startsWith('Practitioner/')) return actor.reference;
  throw new OutcomeError(forbidden('Only staff linked to a Practitioner can take on worklist tasks'), 403);
}

export async function actOnTask(
  store: Store,
  actor: Actor,
  id: string,
  action: TaskAction,
  now: Temporal.Instant,
): Promise<{ task: Task; created?: Task }> {
  const attempt = () =>
    store.transaction(async (tx) => {
      const task = await tx.read<Task>('Task', id);
      const item = workItem(task);
      if (!item) throw invalid('Not a worklist task: Task.code has no CareLoop task type', 'Task.code');
      const { next, created } = await nextVersion(tx, actor, task, item, action, now);
      if (next === task) return { task };
      const stored = (await tx.update(next, { ifMatch: task.meta?.versionId })).resource;
      return created ? { task: stored, created } : { task: stored };
    });
  const changedMeanwhile = (e: unknown) => e instanceof OutcomeError && e.status === 412;
  try {
    return await attempt();
  } catch (e) {
    if (!changedMeanwhile(e)) throw e;
  }
  // Someone changed the task between our read and our write: decide again on what it is now (a claim of a task that
  // was just claimed by someone else is then a clear 409; by ourselves, a harmless 200).
  try {
    return await attempt();
  } catch (e) {
    if (changedMeanwhile(e))
      throw new OutcomeError(conflict('Someone changed this task at the same moment; reload it and try again'), 409);
    throw e;
  }
}

const closed = (item: WorkItem) =>
  new OutcomeError(conflict(`The task is ${item.status}; only open work can be changed`, 'Task.status'), 409);

async function nextVersion(
  tx: StoreTx,
  actor: Actor,
  task: Task,
  item: WorkItem,
  action: TaskAction,
  now: Temporal.Instant,
): Promise<{ next: Task; created?: Task }> {
  if (!item.open) throw closed(item);
  switch (action.op) {
    case 'claim': {
      const me = practitionerOf(actor);
      if (item.owner === me) return { next: task };
      if (item.owner)
        throw new OutcomeError(
          conflict('The task is already claimed; ask its owner or a supervisor to reassign it'),
          409,
        );
      return { next: ownedBy(task, me, true) };
    }
    case 'reassign': {
      await checkOwner(tx, action.owner);
      return { next: item.owner === action.owner ? task : ownedBy(task, action.owner, false) };
    }
    case 'snooze':
      if (action.until.epochMilliseconds <= now.epochMilliseconds)
        throw invalid('until must be in the future', 'until');
      return { next: snoozed(task, action.until, action.reason) };
    case 'resume':
      return { next: task.status === 'on-hold' ? resumed(task) : task };
    case 'complete':
      return { next: completed(task, action.outcome, now) };
    case 'escalate': {
      if (!item.patient) throw invalid('The task names no patient (Task.for)', 'Task.for');
      const escalation = worklistTask({
        type: 'escalation',
        patient: item.patient,
        authoredOn: now,
        description: action.reason,
      });
      const requester = actor.kind === 'user' && actor.reference ? { requester: { reference: actor.reference } } : {};
      const created = (
        await tx.create<Task>({ ...escalation, ...requester, partOf: [{ reference: `Task/${task.id}` }] })
      ).resource;
      return { next: { ...task, businessStatus: { text: 'escalated' } }, created };
    }
  }
}

/** A new owner must be an active Practitioner that exists. */
async function checkOwner(tx: StoreTx, owner: string): Promise<void> {
  const id = /^Practitioner\/([A-Za-z0-9\-.]{1,64})$/.exec(owner)?.[1];
  if (!id) throw invalid('owner must be a Practitioner reference (Practitioner/{id})', 'owner');
  let practitioner: Practitioner;
  try {
    practitioner = await tx.read<Practitioner>('Practitioner', id);
  } catch (e) {
    if (e instanceof OutcomeError && (e.status === 404 || e.status === 410))
      throw invalid(`${owner} does not exist`, 'owner');
    throw e;
  }
  if (practitioner.active === false) throw invalid(`${owner} is inactive`, 'owner');
}
