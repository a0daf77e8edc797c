import type { Words } from '@careloop/fhir';
import type { Temporal } from 'temporal-polyfill';
import { TASK_TYPES, type TaskPriority, type TaskType } from './task-types.ts';

export type RankInput = Readonly<{
  priority: TaskPriority;
  type: TaskType;
  /** When it is due; none for work without a deadline. */
  due?: Temporal.Instant | undefined;
  /** The patient's risk score, 0 (low) to 1 (high), when known. */
  risk?: number | undefined;
}>;

/** A task's place in the queue: the score and, largest first, the parts it is made of, in words. */
export type Rank = Readonly<{ score: number; reasons: readonly { points: number; why: Words }[] }>;

// 700 apart: more than everything else can add (overdue ≤ 444, risk ≤ 150, kind ≤ 45), so clinical priority always
// decides first and the other parts order the work within one priority.
const PRIORITY_POINTS: Record<TaskPriority, number> = { stat: 2200, asap: 1500, urgent: 800, routine: 100 };

const hoursText = (h: number): Words =>
  h < 1
    ? { en: 'less than an hour', es: 'menos de una hora' }
    : h < 48
      ? { en: `${Math.floor(h)} h`, es: `${Math.floor(h)} h` }
      : { en: `${Math.floor(h / 24)} days`, es: `${Math.floor(h / 24)} días` };

const PRIORITY_ES: Record<TaskPriority, string> = {
  routine: 'rutinaria',
  urgent: 'urgente',
  asap: 'lo antes posible',
  stat: 'inmediata',
};
const BAND = { high: 'alto', moderate: 'moderado', low: 'bajo' } as const;

/**
 * The transparent ranking of the worklist (issue #4): clinical priority first, always; within it time — overdue work first, the more
 * overdue the higher (up to three days), then work due within a day, within three days —, then the patient's risk,
 * then the kind of work. Every part is a number of points with the reason shown to the coordinator.
 */
export function rankTask(task: RankInput, now: Temporal.Instant): Rank {
  const reasons: { points: number; why: Words }[] = [
    {
      points: PRIORITY_POINTS[task.priority],
      why: { en: `${task.priority} priority`, es: `prioridad: ${PRIORITY_ES[task.priority]}` },
    },
  ];
  if (task.due) {
    const hours = (task.due.epochMilliseconds - now.epochMilliseconds) / 3_600_000;
    const span = hoursText(Math.abs(hours));
    reasons.push({
      points: timePoints(hours),
      why:
        hours < 0
          ? { en: `overdue by ${span.en}`, es: `vencida hace ${span.es}` }
          : { en: `due in ${span.en}`, es: `vence en ${span.es}` },
    });
  }
  if (task.risk !== undefined) {
    const risk = Math.max(0, Math.min(1, task.risk));
    const band = risk >= 0.7 ? 'high' : risk >= 0.4 ? 'moderate' : 'low';
    reasons.push({
      points: Math.round(risk * MAX_RISK_POINTS),
      why: {
        en: `${band} patient risk (${risk.toFixed(2)})`,
        es: `riesgo ${BAND[band]} del paciente (${risk.toFixed(2).replace('.', ',')})`,
      },
    });
  }
  const kind = TASK_TYPES[task.type];
  reasons.push({ points: kind.weight, why: { en: kind.display, es: kind.es } });
  reasons.sort((a, b) => b.points - a.points);
  return { score: reasons.reduce((s, r) => s + r.points, 0), reasons };
}

const MAX_RISK_POINTS = 150;
const MAX_KIND_POINTS = Math.max(...Object.values(TASK_TYPES).map((k) => k.weight));

/** Points for time: overdue work first, the more overdue the higher (up to three days), then due within a day, three. */
function timePoints(hoursToDue: number): number {
  if (hoursToDue < 0) return 300 + Math.round(Math.min(-hoursToDue, 72) * 2);
  if (hoursToDue <= 24) return 200;
  if (hoursToDue <= 72) return 100;
  return 0;
}

/**
 * The highest score a task of this priority and due date (epoch ms; none: undated) can reach, whatever its patient's
 * risk and kind of work. It never increases along the queue's index order (priority highest first, then due soonest),
 * so a reader of that order can stop once the next task's bound is below the last score it must show.
 */
export function rankBound(priority: TaskPriority, dueMs: number | undefined, nowMs: number): number {
  const time = dueMs === undefined ? 0 : timePoints((dueMs - nowMs) / 3_600_000);
  return PRIORITY_POINTS[priority] + time + MAX_RISK_POINTS + MAX_KIND_POINTS;
}

/** Orders tasks by rank, highest first; ties by due date (earliest first, undated last), then by id. */
export function rankWorklist<T extends RankInput & { id: string }>(
  tasks: readonly T[],
  now: Temporal.Instant,
): (T & { rank: Rank })[] {
  const ranked = tasks.map((t) => ({ ...t, rank: rankTask(t, now) }));
  return ranked.sort(
    (a, b) =>
      b.rank.score - a.rank.score ||
      (a.due && b.due ? a.due.epochMilliseconds - b.due.epochMilliseconds : a.due ? -1 : b.due ? 1 : 0) ||
      a.id.localeCompare(b.id),
  );
}
