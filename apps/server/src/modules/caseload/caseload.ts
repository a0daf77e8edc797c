import { conflict } from '@careloop/fhir';
import type { CareTeam, Practitioner, Task } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { type Actor, requireStaff, STAFF_ROLE_SYSTEM } from '../../platform/access/index.ts';
import { invalid, OutcomeError } from '../../platform/errors.ts';
import type { Store, StoreTx } from '../../platform/store/index.ts';
import { COORDINATION_CATEGORY, coordinationTeam, primaryCoordinator, withCoordinator } from './domain/care-team.ts';

const categoryToken = `${COORDINATION_CATEGORY.system}|${COORDINATION_CATEGORY.code}`;
const OPEN_TASKS = 'requested,received,accepted,ready,in-progress,on-hold';

/** The patient's active coordination team, if there is one. */
async function teamOf(tx: StoreTx, patient: string): Promise<CareTeam | undefined> {
  const found = await tx.search(
    'CareTeam',
    new URLSearchParams({ subject: patient, category: categoryToken, status: 'active', _count: '1' }),
  );
  return found.matches[0] as CareTeam | undefined;
}

/** A coordinator must be an active Practitioner with an active care-coordinator (or supervisor) role. */
async function checkCoordinator(tx: StoreTx, reference: string, field: string): Promise<void> {
  const id = /^Practitioner\/([A-Za-z0-9\-.]{1,64})$/.exec(reference)?.[1];
  if (!id) throw invalid(`${field} must be a Practitioner reference (Practitioner/{id})`, field);
  let practitioner: Practitioner;
  try {
    practitioner = await tx.read<Practitioner>('Practitioner', id);
  } catch (e) {
    if (e instanceof OutcomeError && (e.status === 404 || e.status === 410))
      throw invalid(`${reference} does not exist`, field);
    throw e;
  }
  if (practitioner.active === false) throw invalid(`${reference} is inactive`, field);
  const roles = await tx.search(
    'PractitionerRole',
    new URLSearchParams({
      practitioner: reference,
      role: `${STAFF_ROLE_SYSTEM}|care-coordinator,${STAFF_ROLE_SYSTEM}|supervisor`,
      'active:not': 'false',
      _count: '1',
    }),
  );
  if (roles.matches.length === 0) throw invalid(`${reference} has no active care-coordinator role`, field);
}

/**
 * Makes `coordinator` the patient's primary coordinator: on the patient's coordination CareTeam (created when there is
 * none), in one transaction. Assigning the coordinator the patient already has changes nothing.
 */
export async function assignCoordinator(
  store: Store,
  actor: Actor,
  patientId: string,
  coordinator: string,
  reason: string,
  now: Temporal.Instant,
): Promise<CareTeam> {
  requireStaff(actor, ['supervisor', 'care-coordinator', 'clinician'], 'care team staff');
  return store.transaction(async (tx) => {
    await tx.read('Patient', patientId);
    await checkCoordinator(tx, coordinator, 'coordinator');
    const patient = `Patient/${patientId}`;
    const team = await teamOf(tx, patient);
    if (!team) return (await tx.create(coordinationTeam(patient, coordinator, now, reason))).resource;
    if (primaryCoordinator(team) === coordinator) return team;
    return (await tx.update(withCoordinator(team, coordinator, now, reason), { ifMatch: team.meta?.versionId }))
      .resource;
  });
}

/**
 * Moves a coordinator's whole caseload to another: every coordination team naming `from` as primary coordinator, and
 * `from`'s open worklist tasks for those patients, in one transaction (all or nothing).
 */
export async function transferCaseload(
  store: Store,
  actor: Actor,
  from: string,
  to: string,
  reason: string,
  now: Temporal.Instant,
): Promise<{ patients: number; tasks: number }> {
  requireStaff(actor, ['supervisor'], 'a supervisor');
  if (from === to) throw invalid('to must be another coordinator', 'to');
  return store.transaction(async (tx) => {
    await checkCoordinator(tx, to, 'to');
    const teams = (
      await tx.search('CareTeam', new URLSearchParams({ participant: from, category: categoryToken, status: 'active' }))
    ).matches as CareTeam[];
    const mine = teams.filter((t) => primaryCoordinator(t) === from);
    const patients = mine.flatMap((t) => (t.subject?.reference ? [t.subject.reference] : []));
    for (const team of mine) await tx.update(withCoordinator(team, to, now, reason), { ifMatch: team.meta?.versionId });
    let tasks = 0;
    if (patients.length) {
      const open = (
        await tx.search(
          'Task',
          new URLSearchParams({ owner: from, patient: patients.join(','), status: OPEN_TASKS, _count: '1000' }),
        )
      ).matches as Task[];
      for (const task of open) {
        await tx.update({ ...task, owner: { reference: to } }, { ifMatch: task.meta?.versionId });
        tasks++;
      }
    }
    return { patients: patients.length, tasks };
  });
}

export type AcceptedMove = Readonly<{ patient: string; from: string; to: string }>;

/**
 * Applies a rebalancing suggestion the supervisor accepted, all moves in one transaction. A move whose patient no
 * longer has `from` as primary coordinator (someone changed it since the suggestion) is 409, and nothing moves.
 */
export async function acceptRebalance(
  store: Store,
  actor: Actor,
  moves: readonly AcceptedMove[],
  now: Temporal.Instant,
): Promise<number> {
  requireStaff(actor, ['supervisor'], 'a supervisor');
  if (moves.length === 0 || moves.length > 500) throw invalid('Accept 1 to 500 moves', 'move');
  return store.transaction(async (tx) => {
    for (const [i, m] of moves.entries()) {
      if (!/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(m.patient))
        throw invalid('patient must be Patient/{id}', `move[${i}].patient`);
      await checkCoordinator(tx, m.to, `move[${i}].to`);
      const team = await teamOf(tx, m.patient);
      if (!team || primaryCoordinator(team) !== m.from)
        throw new OutcomeError(
          conflict(`${m.patient} is no longer with ${m.from}; ask for a new suggestion`, `move[${i}].from`),
          409,
        );
      await tx.update(withCoordinator(team, m.to, now, 'caseload rebalancing accepted by a supervisor'), {
        ifMatch: team.meta?.versionId,
      });
    }
    return moves.length;
  });
}
