import type { Communication, PractitionerRole, Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { STAFF_ROLE_SYSTEM } from '../../platform/access/index.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { OutcomeError } from '../../platform/errors.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import type { Store, StoreTx } from '../../platform/store/index.ts';
import { OPEN_STATUSES, TASK_TYPE_SYSTEM, type WorkItem, workItem, worklistTask } from './domain/task-resource.ts';
import { resumeEndedSnoozes } from './snooze-ends.ts';

/** Extension on Task: which deadline alerts were raised for it (`approaching`, `missed`), so each is raised once. */
const DEADLINE_ALERT_URL = 'https://careloop.dev/fhir/StructureDefinition/deadline-alert';

export type AlertPolicy = Readonly<{ approachingHours: number }>;

/**
 * Raises the worklist's deadline alerts: a task due within `approachingHours` gets a notification to its owner (a
 * FHIR Communication about the task, with no clinical detail); a task past due gets an escalation task for the
 * supervisor of its owner's organization (unassigned when none is found; supervisors see their team's work anyway).
 * Each alert is recorded on the task (extension deadline-alert) in the same transaction, written with If-Match, so
 * it is raised once however many replicas run the check.
 */
export async function raiseDeadlineAlerts(
  store: Store,
  now: Temporal.Instant,
  policy: AlertPolicy,
): Promise<{ approaching: number; missed: number }> {
  const horizon = now.add({ hours: policy.approachingHours });
  const counts = { approaching: 0, missed: 0 };
  for (let offset = 0; ; offset += 500) {
    const page = await store.search(
      'Task',
      new URLSearchParams({
        code: `${TASK_TYPE_SYSTEM}|`,
        status: OPEN_STATUSES.join(','),
        due: `le${horizon.toString()}`,
        _count: '500',
        _offset: String(offset),
        _sort: 'due',
      }),
    );
    for (const task of page.matches as Task[]) {
      const item = workItem(task);
      if (!item?.due) continue;
      const raised = alertsOf(task);
      const kind = item.due.epochMilliseconds <= now.epochMilliseconds ? 'missed' : 'approaching';
      if (raised.has(kind) || (kind === 'approaching' && raised.has('missed'))) continue;
      try {
        await store.transaction(async (tx) => {
          if (kind === 'missed') await escalate(tx, task, item, now);
          else await notifyOwner(tx, task, item, now);
          await tx.update(withAlert(task, kind), { ifMatch: task.meta?.versionId });
        });
        counts[kind]++;
      } catch (e) {
        // Changed meanwhile (412): the next run sees the new version and decides again.
        if (!(e instanceof OutcomeError && e.status === 412)) throw e;
      }
    }
    if (page.matches.length < 500) return counts;
  }
}

function alertsOf(task: Task): Set<string> {
  return new Set(
    (task.extension ?? [])
      .filter((e) => e.url === DEADLINE_ALERT_URL)
      .flatMap((e) => (e.valueCode ? [e.valueCode] : [])),
  );
}

const withAlert = (task: Task, kind: string): Task => ({
  ...task,
  extension: [...(task.extension ?? []), { url: DEADLINE_ALERT_URL, valueCode: kind }],
});

async function escalate(tx: StoreTx, task: Task, item: WorkItem, now: Temporal.Instant): Promise<void> {
  if (!item.patient) return;
  const supervisor = item.owner ? await supervisorOf(tx, item.owner) : undefined;
  const escalation = worklistTask({
    type: 'escalation',
    patient: item.patient,
    authoredOn: now,
    owner: supervisor,
    description: `Deadline missed (${item.rule ?? 'due date'}): ${task.code?.text ?? item.type}`,
  });
  await tx.create<Task>({ ...escalation, partOf: [{ reference: `Task/${task.id}` }] });
}

async function notifyOwner(tx: StoreTx, task: Task, item: WorkItem, now: Temporal.Instant): Promise<void> {
  if (!item.owner || !item.patient) return;
  const note: Communication = {
    resourceType: 'Communication',
    status: 'completed',
    category: [{ text: 'worklist-deadline' }],
    subject: { reference: item.patient },
    about: [{ reference: `Task/${task.id}` }],
    recipient: [{ reference: item.owner }],
    sent: now.toString(),
    payload: [{ contentString: `A worklist task (${task.code?.text ?? item.type}) is due at ${item.due?.toString()}` }],
  };
  await tx.create(note);
}

/** The supervisor of an organization where `practitioner` works as a care coordinator, if there is one. */
async function supervisorOf(tx: StoreTx, practitioner: string): Promise<string | undefined> {
  const roles = await tx.search('PractitionerRole', new URLSearchParams({ practitioner, 'active:not': 'false' }));
  const orgs = (roles.matches as PractitionerRole[]).flatMap((r) =>
    r.organization?.reference ? [r.organization.reference] : [],
  );
  if (!orgs.length) return undefined;
  const supervisors = await tx.search(
    'PractitionerRole',
    new URLSearchParams({
      organization: orgs.join(','),
      role: `${STAFF_ROLE_SYSTEM}|supervisor`,
      'active:not': 'false',
      _count: '1',
    }),
  );
  return (supervisors.matches as PractitionerRole[])[0]?.practitioner?.reference;
}

const alertJob = 'worklist-deadline-alerts';

export type DeadlineAlertDeps = Readonly<{ db: Db; store: Store; clock: Clock; everyMinutes: number } & AlertPolicy>;

const nextRun = (jobs: Pick<JobQueue, 'enqueue'>, deps: DeadlineAlertDeps) =>
  jobs.enqueue(
    deps.db.kysely,
    alertJob,
    {},
    { singletonKey: alertJob, startAfter: new Date(deps.clock.now().epochMilliseconds + deps.everyMinutes * 60_000) },
  );

/**
 * Registers the worklist's periodic check (before the queue starts): tasks whose snooze has ended go back to ready,
 * then deadline alerts are raised. Each run schedules the next.
 */
export async function registerDeadlineAlertWorker(
  jobs: Pick<JobQueue, 'work' | 'enqueue'>,
  deps: DeadlineAlertDeps,
): Promise<void> {
  await jobs.work(alertJob, async () => {
    await resumeEndedSnoozes(deps.store, deps.clock.now());
    await raiseDeadlineAlerts(deps.store, deps.clock.now(), deps);
    await nextRun(jobs, deps);
  });
}

/** Makes sure one deadline check is waiting (a singleton across replicas), once the queue has started. */
export async function scheduleDeadlineAlerts(jobs: Pick<JobQueue, 'enqueue'>, deps: DeadlineAlertDeps): Promise<void> {
  await nextRun(jobs, deps);
}
