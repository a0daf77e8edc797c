import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { rankBound, rankTask, rankWorklist } from './rank.ts';
import { TASK_TYPES, type TaskPriority, type TaskType } from './task-types.ts';

const now = Temporal.Instant.from('2026-11-23T15:00:00Z');
const inHours = (h: number) => now.add({ minutes: Math.round(h * 60) });

describe('worklist ranking', () => {
  test.each([
    [
      'stat beats everything routine, even overdue',
      { priority: 'stat', type: 'education' },
      { priority: 'routine', type: 'escalation', due: inHours(-72), risk: 1 },
    ],
    [
      'overdue beats due soon at the same priority',
      { priority: 'urgent', type: 'education', due: inHours(-1) },
      { priority: 'urgent', type: 'escalation', due: inHours(2) },
    ],
    [
      'more overdue beats less overdue',
      { priority: 'routine', type: 'education', due: inHours(-30) },
      { priority: 'routine', type: 'education', due: inHours(-3) },
    ],
    [
      'due today beats due in two days',
      { priority: 'routine', type: 'education', due: inHours(5) },
      { priority: 'routine', type: 'education', due: inHours(50) },
    ],
    [
      'higher patient risk breaks an otherwise equal tie',
      { priority: 'routine', type: 'transport', risk: 0.9 },
      { priority: 'routine', type: 'transport', risk: 0.2 },
    ],
    [
      'the kind of work decides last: medication reconciliation before education',
      { priority: 'routine', type: 'medication-reconciliation' },
      { priority: 'routine', type: 'education' },
    ],
  ] as const)('%s', (_name, higher, lower) => {
    expect(rankTask(higher, now).score).toBeGreaterThan(rankTask(lower, now).score);
  });

  test('the reasons add up to the score, largest first, in words', () => {
    const rank = rankTask({ priority: 'urgent', type: 'follow-up-call', due: inHours(-5.5), risk: 0.82 }, now);
    expect(rank.reasons).toEqual([
      { points: 800, why: { en: 'urgent priority', es: 'prioridad: urgente' } },
      { points: 311, why: { en: 'overdue by 5 h', es: 'vencida hace 5 h' } },
      { points: 123, why: { en: 'high patient risk (0.82)', es: 'riesgo alto del paciente (0,82)' } },
      { points: 30, why: { en: 'Follow-up call', es: 'Llamada de seguimiento' } },
    ]);
    expect(rank.score).toBe(1264);
  });

  test('priority always decides first: the most any routine task can score is below any urgent one', () => {
    const maxRoutine = rankTask({ priority: 'routine', type: 'escalation', due: inHours(-500), risk: 1 }, now).score;
    const minUrgent = rankTask({ priority: 'urgent', type: 'education', due: inHours(500), risk: 0 }, now).score;
    expect(maxRoutine).toBeLessThan(minUrgent);
  });

  test('overdue points stop growing after three days', () => {
    const three = rankTask({ priority: 'routine', type: 'education', due: inHours(-72) }, now).score;
    expect(rankTask({ priority: 'routine', type: 'education', due: inHours(-400) }, now).score).toBe(three);
  });

  test('a worklist is ordered by rank, then the earlier due date, then id', () => {
    const ordered = rankWorklist(
      [
        { id: 'c', priority: 'routine', type: 'education', due: inHours(100) },
        { id: 'b', priority: 'routine', type: 'education', due: inHours(90) },
        { id: 'a', priority: 'routine', type: 'education' },
        { id: 'd', priority: 'stat', type: 'escalation' },
        { id: 'e', priority: 'routine', type: 'education' },
      ],
      now,
    );
    expect(ordered.map((t) => t.id)).toEqual(['d', 'b', 'c', 'a', 'e']);
  });

  test('every task type has a display name, a FHIR priority and a weight', () => {
    for (const [code, t] of Object.entries(TASK_TYPES)) {
      expect(t.display, code).toBeTruthy();
      expect(['routine', 'urgent', 'asap', 'stat']).toContain(t.priority);
      expect(t.weight).toBeGreaterThan(0);
    }
    expect(Object.keys(TASK_TYPES)).toHaveLength(14);
  });

  const priorityOrder: TaskPriority[] = ['routine', 'urgent', 'asap', 'stat'];
  const task = fc.record({
    priority: fc.constantFrom(...priorityOrder),
    type: fc.constantFrom(...(Object.keys(TASK_TYPES) as TaskType[])),
    // Up to ten days either side of now, or undated.
    dueHours: fc.option(fc.double({ min: -240, max: 240, noNaN: true }), { nil: undefined }),
    risk: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  });
  const dueOf = (h: number | undefined) => (h === undefined ? undefined : inHours(h));
  const dueMs = (h: number | undefined) => dueOf(h)?.epochMilliseconds;

  test('rankBound is never below the score of a task of that priority and due date', () => {
    fc.assert(
      fc.property(task, (t) => {
        const score = rankTask({ ...t, due: dueOf(t.dueHours) }, now).score;
        expect(score).toBeLessThanOrEqual(rankBound(t.priority, dueMs(t.dueHours), now.epochMilliseconds));
      }),
      { numRuns: 2000 },
    );
  });

  test('rankBound never increases along the queue order: priority highest first, then due soonest, undated last', () => {
    fc.assert(
      fc.property(task, task, (a, b) => {
        const rank = (p: TaskPriority) => priorityOrder.indexOf(p);
        const aFirst =
          rank(a.priority) > rank(b.priority) ||
          (rank(a.priority) === rank(b.priority) &&
            (b.dueHours === undefined || (a.dueHours !== undefined && a.dueHours <= b.dueHours)));
        const [first, second] = aFirst ? [a, b] : [b, a];
        expect(rankBound(first.priority, dueMs(first.dueHours), now.epochMilliseconds)).toBeGreaterThanOrEqual(
          rankBound(second.priority, dueMs(second.dueHours), now.epochMilliseconds),
        );
      }),
      { numRuns: 2000 },
    );
  });
});
