import { describe, expect, test } from 'vitest';
import {
  type Activity,
  acceptBody,
  formatWait,
  languageName,
  longestWait,
  moveReasons,
  overdueSeries,
  overdueSummary,
  queueAgeSeries,
  readSuggestion,
  readSupervision,
  teamRows,
  waitUnit,
} from './model.ts';

const reference = (name: string, reference: string) => ({ name, valueReference: { reference } });
const loadPart = (name: string, who: string, patients: number, score: number, extra: Record<string, number> = {}) => ({
  name,
  part: [
    reference('coordinator', `Practitioner/${who}`),
    { name: 'patients', valueInteger: patients },
    { name: 'score', valueDecimal: score },
    ...Object.entries(extra).map(([n, v]) => ({ name: n, valueDecimal: v })),
  ],
});

// As `$rebalance` answers (docs/caseload.md): Ana over the target, Luis under it, one move between them.
const suggestion = readSuggestion({
  resourceType: 'Parameters',
  parameter: [
    { name: 'formula', valueString: '…' },
    { name: 'average', valueDecimal: 3.75 },
    { name: 'target', valueDecimal: 4.31 },
    loadPart('load', 'luis', 1, 1),
    loadPart('load', 'ana', 6, 6.5, { riskPoints: 0, openTasks: 2, overdueTasks: 1, needsInterpreter: 1 }),
    {
      name: 'move',
      part: [
        reference('patient', 'Patient/p6'),
        reference('from', 'Practitioner/ana'),
        reference('to', 'Practitioner/luis'),
        { name: 'load', valueDecimal: 1.5 },
        { name: 'why', valueString: 'Practitioner/ana is 2.75 above the team average 3.75; speaks es' },
        { name: 'aboveAverage', valueDecimal: 2.75 },
        { name: 'knownToReceiver', valueBoolean: false },
        { name: 'sharedLanguage', valueCode: 'es' },
      ],
    },
    loadPart('loadAfter', 'luis', 2, 2.5),
    loadPart('loadAfter', 'ana', 5, 5),
  ],
});

const activity: Activity[] = readSupervision({
  parameter: ['ana', 'luis'].map((who, i) => ({
    name: 'coordinator',
    part: [
      reference('coordinator', `Practitioner/${who}`),
      { name: 'openTasks', valueInteger: 4 - i },
      { name: 'overdueNow', valueInteger: 2 - 2 * i },
      { name: 'queueAgeMedianHours', valueDecimal: 20 - i },
      { name: 'queueAgeMaxHours', valueDecimal: 91 - 50 * i },
      { name: 'changes', valueInteger: 10 },
      { name: 'afterHoursChanges', valueInteger: 3 * i },
      ...['2026-06-01', '2026-06-02', '2026-06-03'].map((day, d) => ({
        name: 'overdue',
        part: [
          { name: 'day', valueDate: day },
          { name: 'count', valueInteger: i === 0 ? d : 0 },
        ],
      })),
    ],
  })),
});
const names = (r: string) => ({ 'Practitioner/ana': 'Ana Ruiz', 'Practitioner/luis': 'Luis Vega' })[r] ?? r;

describe('reading the answers', () => {
  test('$rebalance: the target, each load with what it is made of, the moves with their facts', () => {
    expect(suggestion).toMatchObject({ average: 3.75, target: 4.31 });
    expect(suggestion.loads[1]).toEqual({
      coordinator: 'Practitioner/ana',
      patients: 6,
      score: 6.5,
      riskPoints: 0,
      openTasks: 2,
      overdueTasks: 1,
      needsInterpreter: 1,
      inTransition: 0,
    });
    expect(suggestion.moves).toEqual([
      {
        patient: 'Patient/p6',
        from: 'Practitioner/ana',
        to: 'Practitioner/luis',
        load: 1.5,
        aboveAverage: 2.75,
        knownToReceiver: false,
        sharedLanguage: 'es',
      },
    ]);
    expect(suggestion.after.map((l) => l.score)).toEqual([2.5, 5]);
  });

  test('$supervision: open work, queue age, after-hours changes and the overdue trend per coordinator', () => {
    expect(activity[0]).toMatchObject({
      coordinator: 'Practitioner/ana',
      openTasks: 4,
      overdueNow: 2,
      queueAgeMedianHours: 20,
      queueAgeMaxHours: 91,
      afterHoursChanges: 0,
    });
    expect(activity[0]?.overdue).toEqual([
      { day: '2026-06-01', count: 0 },
      { day: '2026-06-02', count: 1 },
      { day: '2026-06-03', count: 2 },
    ]);
  });

  test('an empty answer is an empty team', () => {
    expect(readSuggestion({})).toEqual({ average: 0, target: 0, loads: [], after: [], moves: [] });
    expect(readSupervision({})).toEqual([]);
  });
});

describe('the team table', () => {
  test('most loaded first, over the target marked, with the load after the suggestion and their work', () => {
    const rows = teamRows(suggestion, activity);
    expect(rows.map((r) => [r.load.coordinator, r.over, r.after?.score, r.activity?.openTasks])).toEqual([
      ['Practitioner/ana', true, 5, 4],
      ['Practitioner/luis', false, 2.5, 3],
    ]);
    expect(teamRows(suggestion, undefined)[0]?.activity).toBeUndefined();
  });
});

describe('the moves', () => {
  test('the reasons as facts to put in words: above the average, the care team, a shared language', () => {
    const [move] = suggestion.moves;
    if (!move) throw new Error('no move');
    expect(moveReasons(move, 3.75)).toEqual([
      { key: 'above', from: 'Practitioner/ana', points: 2.75, average: 3.75 },
      { key: 'speaks', to: 'Practitioner/luis', language: 'es' },
    ]);
    expect(moveReasons({ ...move, knownToReceiver: true, sharedLanguage: undefined }, 3.75).map((r) => r.key)).toEqual([
      'above',
      'knows',
    ]);
  });

  test('accepting sends the chosen moves back with accept = true', () => {
    expect(acceptBody(suggestion.moves)).toEqual({
      resourceType: 'Parameters',
      parameter: [
        { name: 'accept', valueBoolean: true },
        {
          name: 'move',
          part: [
            { name: 'patient', valueReference: { reference: 'Patient/p6' } },
            { name: 'from', valueReference: { reference: 'Practitioner/ana' } },
            { name: 'to', valueReference: { reference: 'Practitioner/luis' } },
          ],
        },
      ],
    });
  });

  test.each([
    [5.4, 'en', '5 hours'],
    [47, 'en', '47 hours'],
    [300, 'en', '12.5 days'],
    [300, 'es', '12,5 días'],
  ])('a wait of %f hours reads in %s as %s', (hours, locale, text) => {
    expect(formatWait(hours, locale)).toBe(text);
  });

  test.each([
    ['es', 'en', 'Spanish'],
    ['es', 'es', 'español'],
    ['vi', 'en', 'Vietnamese'],
  ])('the language %s reads as %s → %s', (code, locale, name) => {
    expect(languageName(code, locale)).toBe(name);
  });
});

describe('the charts', () => {
  test('queue age: median and oldest per coordinator, by name, in days once a wait reaches two days', () => {
    expect(waitUnit(activity)).toBe('day');
    expect(waitUnit(activity.map((a) => ({ ...a, queueAgeMaxHours: 47 })))).toBe('hour');
    expect(queueAgeSeries(activity, names, 'hour')).toEqual([
      { coordinator: 'Ana Ruiz', median: 20, oldest: 91 },
      { coordinator: 'Luis Vega', median: 19, oldest: 41 },
    ]);
    expect(queueAgeSeries(activity, names, 'day')[0]).toEqual({ coordinator: 'Ana Ruiz', median: 0.8, oldest: 3.8 });
    expect(longestWait(activity)).toEqual({ coordinator: 'Practitioner/ana', hours: 91 });
    expect(longestWait([])).toBeUndefined();
  });

  test('overdue trend: a row per day, a series per coordinator under a safe key', () => {
    expect(overdueSeries(activity, names)).toEqual({
      data: [
        { day: '2026-06-01', c0: 0, c1: 0 },
        { day: '2026-06-02', c0: 1, c1: 0 },
        { day: '2026-06-03', c0: 2, c1: 0 },
      ],
      series: [
        { key: 'c0', label: 'Ana Ruiz' },
        { key: 'c1', label: 'Luis Vega' },
      ],
    });
  });

  test("the trend's summary: the team total on the first and last day, and who has most overdue now", () => {
    expect(overdueSummary(activity)).toEqual({
      from: '2026-06-01',
      to: '2026-06-03',
      first: 0,
      last: 2,
      worst: { coordinator: 'Practitioner/ana', count: 2 },
    });
    const calm = activity.map((a) => ({ ...a, overdueNow: 0 }));
    expect(overdueSummary(calm).worst).toBeUndefined();
  });
});
