import type { Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { OutcomeError } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/index.ts';
import { resumed } from './domain/task-resource.ts';

/** Ended snoozes handled per run; any beyond wait for the next run (the queue shows them already). */
const PER_RUN = 500;

/**
 * Puts snoozed tasks whose snooze has ended back to `ready`, so every reader of the Task — not only the ranked queue,
 * which shows them again on its own — sees them as work to do. Each is read and written with If-Match in its own
 * transaction: a task a coordinator changed meanwhile is left as they left it. Returns how many were resumed.
 */
export async function resumeEndedSnoozes(store: Store, now: Temporal.Instant): Promise<number> {
  const ended = await store.taskQueue(
    { owners: 'all', unassigned: true, statuses: ['on-hold'], awakeAt: now.toString() },
    { offset: 0, limit: PER_RUN },
  );
  let count = 0;
  for (const row of ended) {
    try {
      const changed = await store.transaction(async (tx) => {
        const task = await tx.read<Task>('Task', row.id);
        if (task.status !== 'on-hold') return false;
        await tx.update(resumed(task), { ifMatch: task.meta?.versionId });
        return true;
      });
      if (changed) count++;
    } catch (e) {
      // Changed or deleted since it was listed: the next run decides again.
      if (!(e instanceof OutcomeError && [404, 410, 412].includes(e.status))) throw e;
    }
  }
  return count;
}
