import { describe, expect, test } from 'vitest';
import { type CaseloadPatient, type Coordinator, loads, patientLoad, rebalance } from './balance.ts';

const p = (id: string, coordinator: string, extra: Partial<CaseloadPatient> = {}): CaseloadPatient => ({
  id,
  coordinator,
  risk: 0,
  openTasks: 0,
  overdueTasks: 0,
  needsInterpreter: false,
  inTransition: false,
  knownPractitioners: [],
  ...extra,
});
const team: Coordinator[] = [
  { id: 'a', languages: ['en'] },
  { id: 'b', languages: ['en'] },
  { id: 'c', languages: ['en', 'es'] },
];
const many = (coordinator: string, n: number, extra: Partial<CaseloadPatient> = {}) =>
  Array.from({ length: n }, (_, i) => p(`${coordinator}${i}`, coordinator, extra));

describe('patientLoad', () => {
  test.each([
    [p('x', 'a'), 1],
    [p('x', 'a', { risk: 0.5 }), 2],
    [p('x', 'a', { risk: 7 }), 3], // risk is clamped to 1
    [p('x', 'a', { openTasks: 2, overdueTasks: 1 }), 2],
    [p('x', 'a', { risk: 0.5, openTasks: 2, overdueTasks: 1, needsInterpreter: true, inTransition: true }), 4.5],
  ])('%o → %f', (patient, expected) => {
    expect(patientLoad(patient)).toBeCloseTo(expected, 9);
  });
});

describe('loads', () => {
  test('each score comes with what it is made of', () => {
    const patients = [
      p('x', 'a', { risk: 0.5, openTasks: 2, overdueTasks: 1, needsInterpreter: true, inTransition: true }),
      p('y', 'a', { risk: 0.25, openTasks: 1 }),
      p('z', 'b'),
    ];
    expect(loads(team, patients)).toEqual([
      {
        coordinator: 'a',
        patients: 2,
        score: 6.25,
        riskPoints: 1.5,
        openTasks: 3,
        overdueTasks: 1,
        needsInterpreter: 1,
        inTransition: 1,
      },
      {
        coordinator: 'b',
        patients: 1,
        score: 1,
        riskPoints: 0,
        openTasks: 0,
        overdueTasks: 0,
        needsInterpreter: 0,
        inTransition: 0,
      },
      {
        coordinator: 'c',
        patients: 0,
        score: 0,
        riskPoints: 0,
        openTasks: 0,
        overdueTasks: 0,
        needsInterpreter: 0,
        inTransition: 0,
      },
    ]);
  });
});

describe('rebalance', () => {
  test('a balanced team needs no move', () => {
    const patients = [...many('a', 3), ...many('b', 3), ...many('c', 3)];
    expect(rebalance(team, patients).moves).toEqual([]);
  });

  test('an overloaded coordinator gives the fewest patients needed to come within 15 % of the average', () => {
    const patients = [...many('a', 9), ...many('b', 3), ...many('c', 3)];
    const result = rebalance(team, patients);
    const { moves, after } = result;
    // Average 5, limit 5.75: a must drop from 9 to 5, four moves of one point each.
    expect(result).toMatchObject({ average: 5, target: 5.75 });
    expect(moves).toHaveLength(4);
    expect(moves.map((m) => m.aboveAverage)).toEqual([4, 3, 2, 1]);
    expect(moves.every((m) => m.from === 'a')).toBe(true);
    expect(after.map((l) => l.score)).toEqual([5, 5, 5]);
  });

  test('a heavy patient fills a big gap in one move rather than several light ones', () => {
    const patients = [
      ...many('a', 6),
      p('heavy', 'a', { risk: 1, overdueTasks: 2, inTransition: true }), // 1 + 2 + 1 + 1 = 5
      ...many('b', 1),
      ...many('c', 1),
    ];
    const { moves, before, after } = rebalance(team, patients);
    expect(before.map((l) => l.score)).toEqual([11, 1, 1]);
    expect(moves[0]).toMatchObject({ patient: 'heavy', from: 'a', to: 'b' });
    // Light patients alone would have needed at least six moves to take a from 11 to within 15 % of 4.33.
    expect(moves.length).toBeLessThan(6);
    expect(Math.max(...after.map((l) => l.score))).toBeLessThan(11);
  });

  test('a patient who needs an interpreter goes only to a coordinator who speaks their language', () => {
    const patients = [...many('a', 5, { language: 'es', needsInterpreter: true }), ...many('b', 1), ...many('c', 1)];
    const { moves } = rebalance(team, patients);
    expect(moves.length).toBeGreaterThan(0);
    expect(moves.every((m) => m.to === 'c')).toBe(true);
    expect(moves[0]?.why).toContain('speaks es');
    expect(moves[0]).toMatchObject({ sharedLanguage: 'es', knownToReceiver: false });
  });

  test('among equal choices the patient goes to a coordinator already on their care team', () => {
    const patients = [
      ...many('a', 4),
      p('knows-b', 'a', { knownPractitioners: ['b'] }),
      ...many('b', 2),
      ...many('c', 2),
    ];
    const { moves } = rebalance([team[0], team[1], { id: 'c', languages: ['en'] }] as Coordinator[], patients);
    expect(moves[0]).toMatchObject({ patient: 'knows-b', to: 'b' });
    expect(moves[0]?.why).toContain("already on the patient's care team");
    expect(moves[0]).toMatchObject({ knownToReceiver: true, sharedLanguage: undefined });
  });

  test('nothing can move when no one else can take the patients', () => {
    const patients = [...many('a', 6, { language: 'vi', needsInterpreter: true }), ...many('b', 1), ...many('c', 1)];
    const result = rebalance(team, patients);
    expect(result.moves).toEqual([]);
    expect(result.after).toEqual(loads(team, patients));
  });
});
