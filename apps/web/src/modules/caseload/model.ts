/**
 * The supervisor's caseload screen, shaped from two answers: `POST Organization/{id}/$rebalance` (loads, the team's
 * target and the suggested moves; docs/caseload.md) and `GET Task/$supervision` (open work, queue age, the overdue
 * trend and after-hours changes per coordinator; docs/worklist.md).
 */
type Parameter = {
  name: string;
  valueReference?: { reference?: string };
  valueDecimal?: number;
  valueInteger?: number;
  valueString?: string;
  valueBoolean?: boolean;
  valueCode?: string;
  valueDate?: string;
  part?: Parameter[];
};
export type ParametersBody = { resourceType?: string; parameter?: Parameter[] };

/** CareLoop's staff roles on PractitionerRole.code: the supervisor's role names the organization they supervise. */
export const STAFF_ROLE_SYSTEM = 'https://careloop.dev/fhir/CodeSystem/staff-role';

const part = (p: Parameter | undefined, name: string) => p?.part?.find((x) => x.name === name);
const num = (p: Parameter | undefined, name: string) => {
  const v = part(p, name);
  return v?.valueDecimal ?? v?.valueInteger ?? 0;
};
const ref = (p: Parameter | undefined, name: string) => part(p, name)?.valueReference?.reference ?? '';

/** A coordinator's load score and what it is made of. */
export type Load = Readonly<{
  coordinator: string;
  patients: number;
  score: number;
  riskPoints: number;
  openTasks: number;
  overdueTasks: number;
  needsInterpreter: number;
  inTransition: number;
}>;

/** One suggested move: the patient, from whom to whom, their points, and the facts behind it. */
export type Move = Readonly<{
  patient: string;
  from: string;
  to: string;
  load: number;
  aboveAverage: number;
  knownToReceiver: boolean;
  sharedLanguage?: string | undefined;
}>;

export type Suggestion = Readonly<{
  average: number;
  target: number;
  loads: readonly Load[];
  after: readonly Load[];
  moves: readonly Move[];
}>;

const load = (p: Parameter): Load => ({
  coordinator: ref(p, 'coordinator'),
  patients: num(p, 'patients'),
  score: num(p, 'score'),
  riskPoints: num(p, 'riskPoints'),
  openTasks: num(p, 'openTasks'),
  overdueTasks: num(p, 'overdueTasks'),
  needsInterpreter: num(p, 'needsInterpreter'),
  inTransition: num(p, 'inTransition'),
});

export function readSuggestion(body: ParametersBody): Suggestion {
  const all = body.parameter ?? [];
  const top = (name: string) => all.find((p) => p.name === name)?.valueDecimal ?? 0;
  return {
    average: top('average'),
    target: top('target'),
    loads: all.filter((p) => p.name === 'load').map(load),
    after: all.filter((p) => p.name === 'loadAfter').map(load),
    moves: all
      .filter((p) => p.name === 'move')
      .map((m) => ({
        patient: ref(m, 'patient'),
        from: ref(m, 'from'),
        to: ref(m, 'to'),
        load: num(m, 'load'),
        aboveAverage: num(m, 'aboveAverage'),
        knownToReceiver: part(m, 'knownToReceiver')?.valueBoolean === true,
        sharedLanguage: part(m, 'sharedLanguage')?.valueCode,
      })),
  };
}

/** A coordinator's work as `$supervision` sees it (tasks they own). */
export type Activity = Readonly<{
  coordinator: string;
  openTasks: number;
  overdueNow: number;
  queueAgeMedianHours: number;
  queueAgeMaxHours: number;
  changes: number;
  afterHoursChanges: number;
  overdue: readonly { day: string; count: number }[];
}>;

export function readSupervision(body: ParametersBody): Activity[] {
  return (body.parameter ?? [])
    .filter((p) => p.name === 'coordinator')
    .map((p) => ({
      coordinator: ref(p, 'coordinator'),
      openTasks: num(p, 'openTasks'),
      overdueNow: num(p, 'overdueNow'),
      queueAgeMedianHours: num(p, 'queueAgeMedianHours'),
      queueAgeMaxHours: num(p, 'queueAgeMaxHours'),
      changes: num(p, 'changes'),
      afterHoursChanges: num(p, 'afterHoursChanges'),
      overdue: (p.part ?? [])
        .filter((x) => x.name === 'overdue')
        .map((x) => ({ day: part(x, 'day')?.valueDate ?? '', count: num(x, 'count') })),
    }));
}

/** The body that accepts these moves (all of a suggestion, or the ones the supervisor kept). */
export function acceptBody(moves: readonly Move[]): ParametersBody {
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'accept', valueBoolean: true },
      ...moves.map((m) => ({
        name: 'move',
        part: (['patient', 'from', 'to'] as const).map((name) => ({ name, valueReference: { reference: m[name] } })),
      })),
    ],
  };
}

/** The reasons for a move, as message keys and their values, for the screen to put in the reader's language. */
export type Reason =
  | { key: 'above'; from: string; points: number; average: number }
  | { key: 'knows'; to: string }
  | { key: 'speaks'; to: string; language: string };

export function moveReasons(move: Move, average: number): Reason[] {
  return [
    { key: 'above', from: move.from, points: move.aboveAverage, average },
    ...(move.knownToReceiver ? [{ key: 'knows' as const, to: move.to }] : []),
    ...(move.sharedLanguage ? [{ key: 'speaks' as const, to: move.to, language: move.sharedLanguage }] : []),
  ];
}

/** The team's rows, most loaded first: each coordinator's load now, after the suggestion, and their work. */
export type TeamRow = Readonly<{
  load: Load;
  after?: Load | undefined;
  activity?: Activity | undefined;
  over: boolean;
}>;

export function teamRows(suggestion: Suggestion, activity: readonly Activity[] | undefined): TeamRow[] {
  return [...suggestion.loads]
    .sort((a, b) => b.score - a.score || a.coordinator.localeCompare(b.coordinator))
    .map((l) => ({
      load: l,
      after: suggestion.after.find((a) => a.coordinator === l.coordinator),
      activity: activity?.find((a) => a.coordinator === l.coordinator),
      over: l.score > suggestion.target,
    }));
}

/** The unit a queue's age reads best in: hours, or days once some task has waited two days or more. */
export const waitUnit = (activity: readonly Activity[]): 'hour' | 'day' =>
  activity.some((a) => a.queueAgeMaxHours >= 48) ? 'day' : 'hour';

/** Queue age per coordinator for a bar chart: median and oldest, in `unit` (one decimal). */
export const queueAgeSeries = (activity: readonly Activity[], name: (ref: string) => string, unit: 'hour' | 'day') => {
  const inUnit = (hours: number) => Math.round((unit === 'day' ? hours / 24 : hours) * 10) / 10;
  return activity.map((a) => ({
    coordinator: name(a.coordinator),
    median: inUnit(a.queueAgeMedianHours),
    oldest: inUnit(a.queueAgeMaxHours),
  }));
};

/** A wait as people say it, in the locale: whole hours up to two days, then days ("5 hours", "12.5 days"). */
export function formatWait(hours: number, locale: string): string {
  const days = hours >= 48;
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: days ? 'day' : 'hour',
    unitDisplay: 'long',
    maximumFractionDigits: days ? 1 : 0,
  }).format(days ? hours / 24 : hours);
}

/**
 * The overdue trend for a line chart: one row per day (`day`), one key per coordinator (`c0`, `c1`… — names are not
 * safe keys), and the series naming them.
 */
export function overdueSeries(activity: readonly Activity[], name: (ref: string) => string) {
  const days = activity[0]?.overdue.map((d) => d.day) ?? [];
  const series = activity.map((a, i) => ({ key: `c${i}`, label: name(a.coordinator) }));
  const data = days.map((day, d) => {
    const row: Record<string, string | number> = { day };
    activity.forEach((a, i) => {
      row[`c${i}`] = a.overdue[d]?.count ?? 0;
    });
    return row;
  });
  return { data, series };
}

/** The trend in one sentence's facts: the team's overdue total on the first and last day, and who has most now. */
export function overdueSummary(activity: readonly Activity[]) {
  const total = (i: number) => activity.reduce((s, a) => s + (a.overdue.at(i)?.count ?? 0), 0);
  const days = activity[0]?.overdue ?? [];
  const worst = [...activity].sort(
    (a, b) => b.overdueNow - a.overdueNow || a.coordinator.localeCompare(b.coordinator),
  )[0];
  return {
    from: days[0]?.day ?? '',
    to: days.at(-1)?.day ?? '',
    first: total(0),
    last: total(-1),
    worst: worst && worst.overdueNow > 0 ? { coordinator: worst.coordinator, count: worst.overdueNow } : undefined,
  };
}

/** The coordinator whose queue has waited longest (its oldest task), if anyone has open work. */
export function longestWait(activity: readonly Activity[]) {
  const top = [...activity].sort((a, b) => b.queueAgeMaxHours - a.queueAgeMaxHours)[0];
  return top && top.queueAgeMaxHours > 0 ? { coordinator: top.coordinator, hours: top.queueAgeMaxHours } : undefined;
}

/** A language's name in the reader's language (`es` → "Spanish" / "español"), else its code. */
export function languageName(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
