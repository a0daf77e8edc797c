import type { Resource, Task } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import { TASK_TYPES, type TaskType, worklistTask } from '../../apps/server/src/modules/worklist/index.ts';
import type { Store } from '../../apps/server/src/platform/store/index.ts';
import { note } from './stats.ts';
import { rng } from './tasks.ts';

/**
 * The population of `npm run bench:worklist`, deterministic in its sizes and `now`: coordinators, patients each on one
 * coordinator's care team (patient i with coordinator i mod C), a risk assessment for three patients in ten, and Tasks
 * spread evenly over the patients with a worklist-like mix — most finished, 15 % open, 10 % of the open ones
 * unassigned, due dates from five days ago to twenty days ahead.
 */
export type WorklistPopulation = Readonly<{ patients: number; tasks: number; coordinators: number; now: number }>;

const SNOOZED_UNTIL_URL = 'https://careloop.dev/fhir/StructureDefinition/snoozed-until';
const day = 86_400_000;

export const coordinatorId = (n: number) => `bw-coord-${String(n).padStart(3, '0')}`;
const coordinatorOf = (patient: number, p: WorklistPopulation) => patient % p.coordinators;

const statuses: readonly [Task['status'], number][] = [
  ['requested', 0.05],
  ['ready', 0.03],
  ['in-progress', 0.05],
  ['on-hold', 0.02],
  ['completed', 0.7],
  ['cancelled', 0.15],
];
const priorities: readonly [Task['priority'] | undefined, number][] = [
  ['routine', 0.58],
  ['urgent', 0.25],
  ['asap', 0.1],
  ['stat', 0.05],
  [undefined, 0.02],
];
const kinds = Object.keys(TASK_TYPES) as TaskType[];

function pick<T>(table: readonly (readonly [T, number])[], r: number): T {
  let acc = 0;
  for (const [value, weight] of table) {
    acc += weight;
    if (r < acc) return value;
  }
  return (table[table.length - 1] as readonly [T, number])[0];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Task j of the population: for patient j mod P, owned by that patient's coordinator or (10 % of open ones) nobody. */
function benchWorkTask(j: number, p: WorklistPopulation): Task {
  const r = rng(j * 104_729 + 11);
  const patient = j % p.patients;
  const status = pick(statuses, r());
  const due = p.now + Math.floor((r() * 25 - 5) * day);
  const priority = pick(priorities, r());
  const type = kinds[Math.floor(r() * kinds.length)] as TaskType;
  const unassigned = r() < 0.1;
  const base = worklistTask({
    type,
    patient: `Patient/bw-p${patient}`,
    authoredOn: Temporal.Instant.fromEpochMilliseconds(due - 7 * day),
    ...(unassigned ? {} : { owner: `Practitioner/${coordinatorId(coordinatorOf(patient, p))}` }),
  });
  const { priority: _default, ...rest } = base;
  return {
    ...rest,
    ...(priority ? { priority } : {}),
    id: `bw-t${j}`,
    status,
    restriction: { period: { end: iso(due) } },
    ...(status === 'on-hold'
      ? { extension: [{ url: SNOOZED_UNTIL_URL, valueDateTime: iso(p.now + Math.floor((r() * 5 - 2) * day)) }] }
      : {}),
  };
}

/** Everything but the Tasks: coordinators, patients, their care teams and risk assessments. */
function* people(p: WorklistPopulation): Generator<Resource> {
  for (let n = 0; n < p.coordinators; n++)
    yield { resourceType: 'Practitioner', id: coordinatorId(n), name: [{ family: `Coordinator ${n}` }] };
  for (let i = 0; i < p.patients; i++) {
    yield { resourceType: 'Patient', id: `bw-p${i}`, name: [{ family: `Patient ${i}` }] };
    yield {
      resourceType: 'CareTeam',
      id: `bw-team-${i}`,
      status: 'active',
      subject: { reference: `Patient/bw-p${i}` },
      participant: [{ member: { reference: `Practitioner/${coordinatorId(coordinatorOf(i, p))}` } }],
    };
    if (i % 10 < 3)
      yield {
        resourceType: 'RiskAssessment',
        id: `bw-risk-${i}`,
        status: 'final',
        subject: { reference: `Patient/bw-p${i}` },
        occurrenceDateTime: iso(p.now - 30 * day),
        prediction: [{ probabilityDecimal: Math.round(rng(i + 5)() * 100) / 100 }],
      } as Resource;
  }
}

/** Loads the population through `store.putMany` (batches of 1,000, two in flight); resources per second. */
export async function loadWorklistPopulation(
  store: Store,
  p: WorklistPopulation,
): Promise<{ resources: number; ms: number }> {
  const start = performance.now();
  let resources = 0;
  let reported = 0;
  const total = p.patients * 2.3 + p.coordinators + p.tasks;
  const batches = (function* () {
    let batch: Resource[] = [];
    for (const r of people(p)) {
      batch.push(r);
      if (batch.length === 1000) {
        yield batch;
        batch = [];
      }
    }
    for (let j = 0; j < p.tasks; j++) {
      batch.push(benchWorkTask(j, p));
      if (batch.length === 1000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  })();
  const worker = async () => {
    for (let next = batches.next(); !next.done; next = batches.next()) {
      await store.putMany(next.value);
      resources += next.value.length;
      if (resources - reported >= total / 10) {
        reported = resources;
        note(
          `loaded ${resources.toLocaleString('en-US')} resources (${Math.round(resources / ((performance.now() - start) / 1000))}/s)`,
        );
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return { resources, ms: performance.now() - start };
}
