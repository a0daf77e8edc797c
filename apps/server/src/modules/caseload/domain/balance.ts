/**
 * Caseload load scores and the rebalancing suggestion (issue #4). Pure: the caller gathers the facts.
 */
export type CaseloadPatient = Readonly<{
  id: string;
  coordinator: string;
  /** Latest risk, 0 (low) to 1 (high); 0 when unknown. */
  risk: number;
  openTasks: number;
  overdueTasks: number;
  needsInterpreter: boolean;
  /** The patient's preferred language (BCP 47, e.g. `es`), when recorded. */
  language?: string | undefined;
  /** Discharged from hospital recently: a transition of care in progress. */
  inTransition: boolean;
  /** Practitioners the patient already has a care relationship with (care teams). */
  knownPractitioners: readonly string[];
}>;

export type Coordinator = Readonly<{ id: string; languages: readonly string[] }>;

/** One patient's share of a coordinator's load, in points: every part is shown to the supervisor. */
export function patientLoad(p: CaseloadPatient): number {
  return (
    1 +
    2 * Math.max(0, Math.min(1, p.risk)) +
    0.25 * p.openTasks +
    0.5 * p.overdueTasks +
    (p.needsInterpreter ? 0.5 : 0) +
    (p.inTransition ? 1 : 0)
  );
}

export const LOAD_FORMULA =
  '1 per patient + 2 × risk + 0.25 per open task + 0.5 per overdue task + 0.5 if an interpreter is needed + 1 in a transition of care';

/**
 * A coordinator's load score and what it is made of, in the formula's terms: the supervisor sees why a score is high
 * (many patients, high risk, overdue work…), not only that it is.
 */
export type Load = Readonly<{
  coordinator: string;
  patients: number;
  score: number;
  /** The risk part of the score: 2 × each patient's risk, summed. */
  riskPoints: number;
  openTasks: number;
  overdueTasks: number;
  /** Patients who need an interpreter. */
  needsInterpreter: number;
  /** Patients in a transition of care. */
  inTransition: number;
}>;

const round = (n: number) => Math.round(n * 100) / 100;
const sum = (list: readonly CaseloadPatient[], f: (p: CaseloadPatient) => number) =>
  round(list.reduce((s, p) => s + f(p), 0));

export function loads(coordinators: readonly Coordinator[], patients: readonly CaseloadPatient[]): Load[] {
  return coordinators.map((c) => {
    const mine = patients.filter((p) => p.coordinator === c.id);
    return {
      coordinator: c.id,
      patients: mine.length,
      score: sum(mine, patientLoad),
      riskPoints: sum(mine, (p) => 2 * Math.max(0, Math.min(1, p.risk))),
      openTasks: sum(mine, (p) => p.openTasks),
      overdueTasks: sum(mine, (p) => p.overdueTasks),
      needsInterpreter: mine.filter((p) => p.needsInterpreter).length,
      inTransition: mine.filter((p) => p.inTransition).length,
    };
  });
}

/**
 * One suggested move and its reasons, both in words (`why`) and as facts a screen can put in its own words: how far
 * the giver was above the team average when the move was chosen, whether the receiver is already on the patient's
 * care team, and the language they share with the patient.
 */
export type Move = Readonly<{
  patient: string;
  from: string;
  to: string;
  load: number;
  why: string;
  aboveAverage: number;
  knownToReceiver: boolean;
  sharedLanguage?: string | undefined;
}>;

/** Whether `to` can take the patient: a patient who needs an interpreter or has a language goes to a speaker of it. */
function canTake(to: Coordinator, p: CaseloadPatient): boolean {
  const lang = p.language?.toLowerCase().split('-')[0];
  if (!lang || lang === 'en') return true;
  const speaks = to.languages.some((l) => l.toLowerCase().split('-')[0] === lang);
  return speaks || !p.needsInterpreter;
}

/**
 * A rebalancing suggestion: moves that bring every coordinator within `tolerance` (15 % by default) of the team's
 * average load, moving as few patients as it can. Greedy: from the most loaded coordinator, move the patient whose
 * load best fills the gap to the least loaded coordinator who can take them (language), preferring a coordinator the
 * patient already knows and, among equals, a language match; stop when the spread is within tolerance or no move
 * narrows it. Deterministic (ties by id).
 */
export function rebalance(
  coordinators: readonly Coordinator[],
  patients: readonly CaseloadPatient[],
  options: { tolerance?: number; maxMoves?: number } = {},
): { moves: Move[]; before: Load[]; after: Load[]; average: number; target: number } {
  const tolerance = options.tolerance ?? 0.15;
  const before = loads(coordinators, patients);
  const mean = coordinators.length ? before.reduce((a, l) => a + l.score, 0) / coordinators.length : 0;
  const limit = mean * (1 + tolerance);
  const team = { average: round(mean), target: round(limit) };
  if (coordinators.length < 2) return { moves: [], before, after: before, ...team };
  const byId = new Map(coordinators.map((c) => [c.id, c]));
  const score = new Map(before.map((l) => [l.coordinator, l.score]));
  const owner = new Map(patients.map((p) => [p.id, p.coordinator]));
  const moves: Move[] = [];
  const moved = new Set<string>();
  for (let i = 0; i < (options.maxMoves ?? patients.length); i++) {
    const ordered = [...score.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const [fromId, fromLoad] = ordered[0] as [string, number];
    if (fromLoad <= limit) break;
    const gap = fromLoad - mean;
    let best: { p: CaseloadPatient; to: Coordinator; rank: number[] } | undefined;
    for (const p of patients) {
      if (owner.get(p.id) !== fromId || moved.has(p.id)) continue;
      const load = patientLoad(p);
      for (const [toId, toLoad] of ordered.slice(1)) {
        const to = byId.get(toId) as Coordinator;
        // The move must narrow the spread: the receiver stays below where the giver was.
        if (toLoad + load >= fromLoad || !canTake(to, p)) continue;
        const rank = [
          Math.abs(gap - load), // fill the gap as exactly as possible: fewest moves
          p.knownPractitioners.includes(toId) ? 0 : 1, // keep existing relationships
          p.language && to.languages.includes(p.language) ? 0 : 1,
          toLoad, // the least loaded receiver
        ];
        if (!best || compare(rank, best.rank) < 0 || (compare(rank, best.rank) === 0 && p.id < best.p.id))
          best = { p, to, rank };
      }
    }
    if (!best) break;
    const load = patientLoad(best.p);
    const knownToReceiver = best.p.knownPractitioners.includes(best.to.id);
    const sharedLanguage = best.p.language && best.to.languages.includes(best.p.language) ? best.p.language : undefined;
    const why = [
      `${fromId} is ${round(fromLoad - mean)} above the team average ${round(mean)}`,
      knownToReceiver ? `already on the patient's care team` : '',
      sharedLanguage ? `speaks ${sharedLanguage}` : '',
    ]
      .filter((w) => w)
      .join('; ');
    moves.push({
      patient: best.p.id,
      from: fromId,
      to: best.to.id,
      load: round(load),
      why,
      aboveAverage: round(fromLoad - mean),
      knownToReceiver,
      sharedLanguage,
    });
    moved.add(best.p.id);
    owner.set(best.p.id, best.to.id);
    score.set(fromId, fromLoad - load);
    score.set(best.to.id, (score.get(best.to.id) ?? 0) + load);
  }
  const after = loads(
    coordinators,
    patients.map((p) => ({ ...p, coordinator: owner.get(p.id) ?? p.coordinator })),
  );
  return { moves, before, after, ...team };
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++)
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) - (b[i] as number);
  return 0;
}
