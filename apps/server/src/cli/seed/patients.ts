import type { CareTeam, CareTeamParticipant, Resource } from '@medplum/fhirtypes';
import { coding, concept, demoMeta, SYSTEM, specialtyConcept, staffRoleConcept } from './codes.ts';
import { CONDITIONS, type ConditionDef, type ConditionKey } from './conditions.ts';
import { SITE_NAME, SITE_ORG_ID, SYSTEM_NAME, SYSTEM_ORG_ID } from './facilities.ts';
import { patientIds, ref } from './ids.ts';
import { buildAllergies, buildHomeMedications, buildProblemConditions, drawProblems } from './patient-clinical.ts';
import {
  createPatientContext,
  type PatientContext,
  type PatientDraft,
  pickMember,
  pickPcp,
  STREAM,
  useStream,
} from './patient-context.ts';
import { buildCoverages, buildPatient, drawDemographics } from './patient-demographics.ts';
import { buildEncounterHistory } from './patient-encounters.ts';
import { buildNeedFlags } from './patient-needs.ts';
import { buildWorklistTasks } from './patient-tasks.ts';
import type { Department, RosterMember } from './roster.ts';
import { DAY_MS, formatDate } from './time.ts';

/** Options of {@link generatePatients}. */
export type PatientOptions = {
  /** How many patients to generate. */
  count: number;
  /** Population seed; the same seed always yields the same people. */
  seed: number;
  /** Index of the first patient (default 0): slices `[start, start + count)` can be generated independently. */
  startIndex?: number;
  /** The moment the data is "as of": ages, visit dates and recent discharges are relative to it. */
  now: Date;
};

/** Decides who cares for the patient: PCP, care coordinator and co-managing specialists. */
function assignCareTeam(ctx: PatientContext, draft: Omit<PatientDraft, 'pcp' | 'coordinator' | 'specialists'>) {
  const rng = useStream(ctx, draft.index, STREAM.careTeam);
  const pcp = pickPcp(ctx, rng, draft.age, draft.language, draft.clinic);
  const coordinator = pickMember(rng, ctx.coordinatorsByClinic[draft.clinic], draft.language);
  const departments = new Set<Department>();
  for (const problem of draft.problems) {
    const def: ConditionDef = CONDITIONS[problem.key];
    if (def.specialist && rng.chance(def.specialist[1])) departments.add(def.specialist[0]);
  }
  const specialists: RosterMember[] = [...departments].map((d) =>
    pickMember(rng, ctx.specialistsByDepartment[d], draft.language, draft.clinic),
  );
  return { pcp, coordinator, specialists };
}

// SNOMED CT "Primary care physician (occupation)" marks the PCP among the care team's physicians.
const PCP_ROLE = coding(SYSTEM.snomed, '446050000', 'Primary care physician');

function careTeam(ctx: PatientContext, draft: PatientDraft): CareTeam {
  const start = formatDate(Math.max(draft.birthMs, ctx.nowMs - Math.min(draft.age + 1, 5) * 365 * DAY_MS));
  const participant: CareTeamParticipant[] = [
    {
      role: [staffRoleConcept('care-coordinator')],
      member: ref(
        'Practitioner',
        draft.coordinator.practitionerId,
        `${draft.coordinator.given[0]} ${draft.coordinator.family}`,
      ),
      onBehalfOf: ref('Organization', SYSTEM_ORG_ID, SYSTEM_NAME),
    },
    {
      role: [{ coding: [PCP_ROLE], text: 'Primary care physician' }, specialtyConcept(draft.pcp.specialty)],
      member: ref('Practitioner', draft.pcp.practitionerId, `${draft.pcp.given[0]} ${draft.pcp.family}`),
      onBehalfOf: ref('Organization', SITE_ORG_ID[draft.clinic], SITE_NAME[draft.clinic]),
    },
    ...draft.specialists.map(
      (s): CareTeamParticipant => ({
        role: [specialtyConcept(s.specialty)],
        member: ref('Practitioner', s.practitionerId, `${s.given[0]} ${s.family}`),
        onBehalfOf: ref('Organization', SITE_ORG_ID.hospital, SITE_NAME.hospital),
      }),
    ),
  ];
  return {
    resourceType: 'CareTeam',
    id: patientIds.careTeam(draft.index),
    meta: demoMeta(),
    status: 'active',
    category: [concept(SYSTEM.loinc, 'LA28865-6', 'Longitudinal care-coordination focused care team')],
    name: `Care team for ${draft.given[0]} ${draft.family}`,
    subject: ref('Patient', draft.id),
    period: { start },
    participant,
    managingOrganization: [ref('Organization', SITE_ORG_ID[draft.clinic], SITE_NAME[draft.clinic])],
  };
}

/**
 * Who the patient is and who cares for them, before any resource is written: what appointment booking needs to know
 * about a patient without building the rest.
 */
export function draftPatient(ctx: PatientContext, index: number): PatientDraft {
  const demographics = drawDemographics(ctx, index);
  const problems = drawProblems(ctx, {
    index,
    age: demographics.age,
    sex: demographics.sex,
    birthMs: demographics.birthMs,
  });
  const partial = {
    index,
    id: patientIds.patient(index),
    ...demographics,
    problems,
    has: new Set<ConditionKey>(problems.map((p) => p.key)),
    seq: { condition: 0, encounter: 0, observation: 0, medication: 0, allergy: 0, coverage: 0 },
  };
  return { ...partial, ...assignCareTeam(ctx, partial) };
}

/** Everything about one patient, as resources in reference order (referenced resources before those that cite them). */
function buildPatientResources(ctx: PatientContext, index: number): Resource[] {
  const draft = draftPatient(ctx, index);
  const patient = buildPatient(ctx, draft);
  const coverages = buildCoverages(ctx, draft);
  const conditions = buildProblemConditions(ctx, draft);
  const history = buildEncounterHistory(ctx, draft);
  const medications = buildHomeMedications(ctx, draft);
  const { allergies, medications: allergyMedications } = buildAllergies(ctx, draft);
  return [
    patient,
    ...coverages,
    ...conditions,
    ...history.encounters,
    ...history.diagnoses,
    ...history.observations,
    ...medications,
    ...history.medications,
    ...allergies,
    ...allergyMedications,
    careTeam(ctx, draft),
    ...buildNeedFlags(ctx, draft),
    ...buildWorklistTasks(ctx, draft, history.encounters),
  ];
}

/**
 * Streams the demo patient population, one array of resources per patient: the Patient with its Coverage, problem
 * list, encounters (visits, emergency visits, admissions with discharge disposition), vital signs, medications,
 * allergies, care team, standing needs (a ride to appointments) and the coordinator's worklist tasks. Pure and
 * deterministic: a patient's resources depend only on (seed, index, now), every resource has a stable id, and
 * references point either into the same array or at {@link generateOrganizationResources} output for the same seed.
 * Their booked appointments come from `generateAppointments`, which needs the whole population's calendars.
 */
export function* generatePatients(options: PatientOptions): Generator<Resource[]> {
  const startIndex = options.startIndex ?? 0;
  if (!Number.isSafeInteger(options.count) || options.count < 0)
    throw new RangeError('count must be a non-negative integer');
  if (!Number.isSafeInteger(startIndex) || startIndex < 0)
    throw new RangeError('startIndex must be a non-negative integer');
  if (Number.isNaN(options.now.getTime())) throw new RangeError('now must be a valid date');
  const ctx = createPatientContext(options.seed, options.now);
  for (let i = 0; i < options.count; i++) yield buildPatientResources(ctx, startIndex + i);
}
