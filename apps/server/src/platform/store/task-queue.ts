import { type RawBuilder, sql } from 'kysely';
import { type Access, visibleRowSql } from '../access/index.ts';
import type { Executor } from './write.ts';

/**
 * Which open worklist Tasks to list from the `task_queue` table (migration 0011: one row per open Task with a CareLoop
 * task type, kept by a trigger in the writing transaction).
 */
export type TaskQueueFilter = Readonly<{
  /** Owner references (`Practitioner/…`) whose tasks to list, or `all` for any owner. */
  owners: readonly string[] | 'all';
  /** With a list of owners: tasks with no owner too. */
  unassigned: boolean;
  statuses?: readonly string[] | undefined;
  /** Codes of CareLoop's task-type code system. */
  taskTypes?: readonly string[] | undefined;
  /** `Patient/{id}` */
  patient?: string | undefined;
  /** ISO instants: due before (exclusive), due at or after. Either leaves out tasks with no due date. */
  dueBefore?: string | undefined;
  dueAfter?: string | undefined;
  /** Leave out snoozed tasks (on hold) whose snooze has not ended by this instant, and those with no end. */
  awakeAt?: string | undefined;
}>;

/** One open worklist Task as the queue sees it; instants as epoch milliseconds. */
export type TaskQueueRow = Readonly<{
  id: string;
  owner: string | null;
  patient: string | null;
  status: string;
  priority: string | null;
  taskType: string;
  due: number | null;
  snoozedUntil: number | null;
  patients: readonly string[];
  /** The patient's latest final risk assessment the actor may see (patient_risk), when there is one. */
  risk: Readonly<{ id: string; probability: number }> | null;
}>;

const labelsOf = (alias: string) => (codes: readonly string[]) =>
  sql`${sql.ref(`${alias}.labels`)} && ${[...codes]}::text[]`;

/**
 * Open worklist Tasks the actor may see, in the queue's index order — priority highest first (tasks with no priority
 * before all others: their rank depends on their type), then due soonest (undated last), then storage order — one
 * page (`offset`, `limit`) at a time, so a caller can read only as far as its ranking needs.
 */
export async function taskQueue(
  exec: Executor,
  access: Access,
  filter: TaskQueueFilter,
  page: { offset: number; limit: number },
): Promise<TaskQueueRow[]> {
  const common: RawBuilder<unknown>[] = [
    visibleRowSql(access, { type: sql`'Task'`, patients: sql`q.patients`, hasAnyLabel: labelsOf('q') }),
  ];
  if (filter.statuses) common.push(sql`q.status = ANY(${[...filter.statuses]}::text[])`);
  if (filter.taskTypes) common.push(sql`q.task_type = ANY(${[...filter.taskTypes]}::text[])`);
  if (filter.patient) common.push(sql`q.patient = ${filter.patient}`);
  if (filter.dueBefore) common.push(sql`q.due < ${filter.dueBefore}::timestamptz`);
  if (filter.dueAfter) common.push(sql`q.due >= ${filter.dueAfter}::timestamptz`);
  if (filter.awakeAt) common.push(sql`(q.status <> 'on-hold' OR q.snoozed_until <= ${filter.awakeAt}::timestamptz)`);
  // Each source of rows is read in the queue's order and cut at offset + limit before they are merged: an owner's
  // tasks straight from the task_queue_owner index, the unassigned ones of the actor's patients from theirs.
  const take = page.offset + page.limit;
  const branch = (where: RawBuilder<unknown>) => sql`(SELECT q.* FROM task_queue q
    WHERE ${sql.join([where, ...common], sql` AND `)} ORDER BY ${order('q')} LIMIT ${take})`;
  const branches =
    filter.owners === 'all'
      ? [branch(everyone(access))]
      : [
          ...filter.owners.map((o) => branch(sql`q.owner = ${o}`)),
          ...(filter.unassigned ? [branch(unassigned(access))] : []),
        ];
  if (branches.length === 0) return [];
  // A risk assessment of the visible task's own patient (its subject is the task's `for`): its labels and type decide.
  const riskVisible = visibleRowSql(
    access,
    { type: sql`'RiskAssessment'`, patients: sql`r.patients`, hasAnyLabel: labelsOf('r') },
    { patientsKnownVisible: true },
  );
  const { rows } = await sql<{
    id: string;
    owner: string | null;
    patient: string | null;
    status: string;
    priority: string | null;
    task_type: string;
    due: number | null;
    snoozed_until: number | null;
    patients: string[];
    risk_id: string | null;
    risk: number | null;
  }>`
    SELECT q.id, q.owner, q.patient, q.status, q.priority, q.task_type, q.patients,
      (extract(epoch FROM q.due) * 1000)::float8 AS due,
      (extract(epoch FROM q.snoozed_until) * 1000)::float8 AS snoozed_until,
      risk.id AS risk_id, risk.probability AS risk
    FROM (SELECT * FROM (${sql.join(branches, sql` UNION ALL `)}) u ORDER BY ${order('u')}
          LIMIT ${page.limit} OFFSET ${page.offset}) q
    LEFT JOIN LATERAL (
      SELECT r.id, r.probability FROM patient_risk r
      WHERE r.subject = q.patient AND ${riskVisible}
      ORDER BY r.occurrence DESC NULLS LAST, r.rid DESC LIMIT 1) risk ON true
    ORDER BY ${order('q')}`.execute(exec);
  return rows.map((r) => ({
    id: r.id,
    owner: r.owner,
    patient: r.patient,
    status: r.status,
    priority: r.priority,
    taskType: r.task_type,
    due: r.due === null ? null : Number(r.due),
    snoozedUntil: r.snoozed_until === null ? null : Number(r.snoozed_until),
    patients: r.patients,
    risk: r.risk_id === null || r.risk === null ? null : { id: r.risk_id, probability: Number(r.risk) },
  }));
}

const order = (alias: string) =>
  sql.raw(`${alias}.priority_rank DESC NULLS FIRST, ${alias}.due ASC NULLS LAST, ${alias}.rid`);

/** The keys of the queue's patient indexes the actor may read: their patients, and '' (none) for staff. */
const patientKeys = (access: Access) => [...access.patients, ...(access.shared === 'all' ? [''] : [])];

/**
 * Unassigned tasks the actor may see: for someone limited to their patients, only those of their patients (and,
 * for staff, those of no patient), found through the `task_queue_unassigned` index rather than by checking every
 * unassigned task of the organization.
 */
function unassigned(access: Access): RawBuilder<unknown> {
  if (access.unrestricted || access.allPatients) return sql`q.owner IS NULL`;
  return sql`q.owner IS NULL AND coalesce(q.patients[1], '') = ANY(${patientKeys(access)}::text[])`;
}

/** Every task the actor may see, whoever owns it: by patient (`task_queue_patient`) for someone limited to theirs. */
function everyone(access: Access): RawBuilder<unknown> {
  if (access.unrestricted || access.allPatients) return sql`true`;
  return sql`coalesce(q.patients[1], '') = ANY(${patientKeys(access)}::text[])`;
}
