import type { Task } from '@medplum/fhirtypes';

/** mulberry32: a tiny seeded PRNG, so every run (and every variant within a run) sees the same data and queries. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const owners = 200;
export const ownerRef = (n: number) => `Practitioner/coord-${String(n).padStart(3, '0')}`;

/** Statuses with a worklist-like mix: most Tasks are finished, about a third are open. */
const statuses: readonly [Task['status'], number][] = [
  ['requested', 0.1],
  ['ready', 0.1],
  ['in-progress', 0.12],
  ['on-hold', 0.05],
  ['completed', 0.48],
  ['cancelled', 0.15],
];
const priorities = ['routine', 'urgent', 'asap', 'stat'] as const;
const base = Date.parse('2026-01-01T00:00:00Z');
const day = 86_400_000;

function pick(r: number): Task['status'] {
  let acc = 0;
  for (const [s, w] of statuses) {
    acc += w;
    if (r < acc) return s;
  }
  return 'completed';
}

/**
 * Task number i of the benchmark population (deterministic in i). The due date is `executionPeriod.end`; the period
 * opens two days before it, so sorting by the R4 `period` parameter (ascending uses the period's start) orders by due.
 */
export function benchTask(i: number): Task {
  const r = rng(i * 7919 + 17);
  const due = base + Math.floor((r() - 0.5) * 120 * 24 * 60) * 60_000;
  const authored = due - 7 * day;
  return {
    resourceType: 'Task',
    id: `bench-task-${i}`,
    status: pick(r()),
    intent: 'order',
    priority: priorities[Math.floor(r() * priorities.length)],
    code: { coding: [{ system: 'http://hl7.org/fhir/CodeSystem/task-code', code: 'fulfill' }], text: 'Follow-up call' },
    description: 'Call the patient about their follow-up appointment',
    for: { reference: `Patient/p${1 + Math.floor(r() * 100_000)}` },
    owner: { reference: ownerRef(1 + Math.floor(r() * owners)) },
    authoredOn: new Date(authored).toISOString(),
    lastModified: new Date(authored).toISOString(),
    executionPeriod: { start: new Date(due - 2 * day).toISOString(), end: new Date(due).toISOString() },
  };
}

/** The open statuses a coordinator's worklist shows. */
export const openStatuses = ['requested', 'ready', 'in-progress'] as const;

/** The worklist query string for one owner (the FHIR search the benchmark sends). */
export const worklistQuery = (owner: string) =>
  `owner=${owner}&status=${openStatuses.join(',')}&_sort=-priority,period&_count=20&_total=none`;
