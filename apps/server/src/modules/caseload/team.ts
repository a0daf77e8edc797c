import type {
  CareTeam,
  Encounter,
  Parameters,
  ParametersParameter,
  Patient,
  Practitioner,
  PractitionerRole,
  RiskAssessment,
  Task,
} from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { STAFF_ROLE_SYSTEM } from '../../platform/access/index.ts';
import type { Store } from '../../platform/store/index.ts';
import {
  type CaseloadPatient,
  type Coordinator,
  LOAD_FORMULA,
  type Load,
  type Move,
  rebalance,
} from './domain/balance.ts';
import { COORDINATION_CATEGORY, primaryCoordinator } from './domain/care-team.ts';

const INTERPRETER = 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired';
const OPEN_TASKS = 'requested,received,accepted,ready,in-progress,on-hold';

/** Every match of a search, in pages of `ids` chunks of 100 (the store's access applies to each). */
async function all<T>(store: Store, type: string, query: Record<string, string>, ids?: readonly string[]) {
  const out: T[] = [];
  const chunks = ids
    ? Array.from({ length: Math.ceil(ids.length / 100) }, (_, i) => ids.slice(i * 100, i * 100 + 100))
    : [[]];
  for (const chunk of chunks) {
    const q: Record<string, string> = { ...query, _count: '1000' };
    for (const [k, v] of Object.entries(q)) if (v === '$ids') q[k] = chunk.join(',');
    out.push(...((await store.search(type, new URLSearchParams(q))).matches as T[]));
  }
  return out;
}

/** The facts the load score and rebalancing need, for the coordinators of one organization. */
async function teamCaseload(
  store: Store,
  organization: string,
  now: Temporal.Instant,
): Promise<{ coordinators: Coordinator[]; patients: CaseloadPatient[] }> {
  const roles = await all<PractitionerRole>(store, 'PractitionerRole', {
    organization,
    role: `${STAFF_ROLE_SYSTEM}|care-coordinator`,
    'active:not': 'false',
  });
  const coordinatorIds = [
    ...new Set(roles.flatMap((r) => (r.practitioner?.reference ? [r.practitioner.reference] : []))),
  ];
  if (!coordinatorIds.length) return { coordinators: [], patients: [] };
  const practitioners = await all<Practitioner>(
    store,
    'Practitioner',
    { _id: '$ids' },
    coordinatorIds.map((r) => r.slice(13)),
  );
  const coordinators = coordinatorIds.map((id) => ({
    id,
    languages: (practitioners.find((p) => `Practitioner/${p.id}` === id)?.communication ?? []).flatMap(
      (c) => c.coding?.flatMap((x) => (x.code ? [x.code] : [])) ?? [],
    ),
  }));
  const teams = await all<CareTeam>(
    store,
    'CareTeam',
    {
      participant: '$ids',
      category: `${COORDINATION_CATEGORY.system}|${COORDINATION_CATEGORY.code}`,
      status: 'active',
    },
    coordinatorIds,
  );
  const owner = new Map<string, string>();
  for (const t of teams) {
    const c = primaryCoordinator(t);
    if (c && coordinatorIds.includes(c) && t.subject?.reference) owner.set(t.subject.reference, c);
  }
  const refs = [...owner.keys()];
  const ids = refs.map((r) => r.slice(8));
  const patients = await all<Patient>(store, 'Patient', { _id: '$ids' }, ids);
  const risks = await all<RiskAssessment>(store, 'RiskAssessment', { subject: '$ids', _sort: '-date' }, refs);
  const tasks = await all<Task>(store, 'Task', { patient: '$ids', status: OPEN_TASKS }, refs);
  const since = now.subtract({ hours: 30 * 24 }).toString();
  const stays = await all<Encounter>(store, 'Encounter', { patient: '$ids', class: 'IMP', date: `ge${since}` }, refs);
  const careTeams = await all<CareTeam>(store, 'CareTeam', { subject: '$ids', status: 'active' }, refs);
  return {
    coordinators,
    patients: patients.map((p) => {
      const ref = `Patient/${p.id}`;
      const mine = tasks.filter((t) => t.for?.reference === ref);
      const due = (t: Task) => t.restriction?.period?.end;
      return {
        id: ref,
        coordinator: owner.get(ref) as string,
        risk: risks.find((r) => r.subject?.reference === ref)?.prediction?.[0]?.probabilityDecimal ?? 0,
        openTasks: mine.length,
        overdueTasks: mine.filter((t) => due(t) !== undefined && Date.parse(due(t) as string) < now.epochMilliseconds)
          .length,
        needsInterpreter: p.extension?.some((e) => e.url === INTERPRETER && e.valueBoolean === true) ?? false,
        language: (p.communication?.find((c) => c.preferred) ?? p.communication?.[0])?.language?.coding?.[0]?.code,
        inTransition: stays.some((e) => e.subject?.reference === ref && e.status === 'finished'),
        knownPractitioners: careTeams
          .filter((t) => t.subject?.reference === ref)
          .flatMap((t) => t.participant?.flatMap((x) => (x.member?.reference ? [x.member.reference] : [])) ?? []),
      };
    }),
  };
}

const loadParts = (name: string, list: readonly Load[]): ParametersParameter[] =>
  list.map((l) => ({
    name,
    part: [
      { name: 'coordinator', valueReference: { reference: l.coordinator } },
      { name: 'patients', valueInteger: l.patients },
      { name: 'score', valueDecimal: l.score },
      { name: 'riskPoints', valueDecimal: l.riskPoints },
      { name: 'openTasks', valueInteger: l.openTasks },
      { name: 'overdueTasks', valueInteger: l.overdueTasks },
      { name: 'needsInterpreter', valueInteger: l.needsInterpreter },
      { name: 'inTransition', valueInteger: l.inTransition },
    ],
  }));

/**
 * The organization's coordinators' loads (with what each is made of), the team's average and target (the most a
 * coordinator should carry), and the suggested moves, as FHIR Parameters.
 */
export async function suggestRebalance(store: Store, organization: string, now: Temporal.Instant): Promise<Parameters> {
  const { coordinators, patients } = await teamCaseload(store, organization, now);
  const { moves, before, after, average, target } = rebalance(coordinators, patients);
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'formula', valueString: LOAD_FORMULA },
      { name: 'average', valueDecimal: average },
      { name: 'target', valueDecimal: target },
      ...loadParts('load', before),
      ...moves.map((m: Move) => ({
        name: 'move',
        part: [
          { name: 'patient', valueReference: { reference: m.patient } },
          { name: 'from', valueReference: { reference: m.from } },
          { name: 'to', valueReference: { reference: m.to } },
          { name: 'load', valueDecimal: m.load },
          { name: 'why', valueString: m.why },
          { name: 'aboveAverage', valueDecimal: m.aboveAverage },
          { name: 'knownToReceiver', valueBoolean: m.knownToReceiver },
          ...(m.sharedLanguage ? [{ name: 'sharedLanguage', valueCode: m.sharedLanguage }] : []),
        ],
      })),
      ...loadParts('loadAfter', after),
    ],
  };
}
