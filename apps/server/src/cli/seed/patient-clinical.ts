import type { AllergyIntolerance, Condition, MedicationRequest, Reference } from '@medplum/fhirtypes';
import { ALLERGIES, type AllergyDef, NO_KNOWN_ALLERGY } from './acute.ts';
import { coding, concept, demoMeta, SYSTEM } from './codes.ts';
import { CONDITION_KEYS, CONDITIONS, type ConditionDef, type ConditionKey } from './conditions.ts';
import { patientIds, ref } from './ids.ts';
import { MEDICATIONS, type MedicationKey, ROUTE } from './medications.ts';
import {
  nextSeq,
  type PatientContext,
  type PatientDraft,
  type ProblemEntry,
  STREAM,
  useStream,
} from './patient-context.ts';
import type { Rng } from './random.ts';
import type { RosterMember } from './roster.ts';
import { DAY_MS, formatDate, formatDateTime, YEAR_MS } from './time.ts';

/** Draws the chronic problem list from age- and sex-specific prevalence, in catalogue order so comorbidity counts. */
export function drawProblems(
  ctx: PatientContext,
  draft: Pick<PatientDraft, 'index' | 'age' | 'sex' | 'birthMs'>,
): ProblemEntry[] {
  const rng = useStream(ctx, draft.index, STREAM.conditions);
  const has = new Set<ConditionKey>();
  const problems: ProblemEntry[] = [];
  const latestOnset = ctx.nowMs - 21 * DAY_MS;
  for (const key of CONDITION_KEYS) {
    const def: ConditionDef = CONDITIONS[key];
    if (draft.age < def.minOnsetAge || !rng.chance(def.prevalence(draft.age, draft.sex, has))) continue;
    has.add(key);
    // Onset within the last 25 years of life, never before the condition's typical earliest age.
    const onsetAge = rng.float(Math.max(def.minOnsetAge, draft.age - 25), draft.age + 1);
    const onsetMs = Math.min(latestOnset, draft.birthMs + onsetAge * YEAR_MS);
    problems.push({ key, onsetMs: Math.max(draft.birthMs, onsetMs), id: '' });
  }
  return problems;
}

const CLINICAL = {
  active: concept(SYSTEM.conditionClinical, 'active', 'Active'),
  remission: concept(SYSTEM.conditionClinical, 'remission', 'Remission'),
  resolved: concept(SYSTEM.conditionClinical, 'resolved', 'Resolved'),
};

function conditionCode(def: ConditionDef): Condition['code'] {
  return {
    coding: [coding(SYSTEM.snomed, def.snomed[0], def.snomed[1]), coding(SYSTEM.icd10cm, def.icd10[0], def.icd10[1])],
    text: def.snomed[1],
  };
}

const isCancer = (key: ConditionKey): boolean =>
  key === 'breastCancer' || key === 'prostateCancer' || key === 'colonCancer';

/** Problem-list Conditions; assigns each problem its resource id. */
export function buildProblemConditions(ctx: PatientContext, draft: PatientDraft): Condition[] {
  const rng = useStream(ctx, draft.index, STREAM.conditions + 100);
  return draft.problems.map((problem) => {
    problem.id = patientIds.condition(draft.index, nextSeq(draft, 'condition'));
    const def: ConditionDef = CONDITIONS[problem.key];
    const recordedMs = Math.min(ctx.nowMs - DAY_MS, problem.onsetMs + rng.int(0, 60) * DAY_MS);
    return {
      resourceType: 'Condition',
      id: problem.id,
      meta: demoMeta(),
      // Treated cancers are often in remission; the problem stays on the list for surveillance.
      clinicalStatus: isCancer(problem.key) && rng.chance(0.35) ? CLINICAL.remission : CLINICAL.active,
      verificationStatus: concept(SYSTEM.conditionVerification, 'confirmed', 'Confirmed'),
      category: [concept(SYSTEM.conditionCategory, 'problem-list-item', 'Problem List Item')],
      code: conditionCode(def),
      subject: ref('Patient', draft.id),
      onsetDateTime: formatDate(problem.onsetMs),
      recordedDate: formatDateTime(recordedMs),
      recorder: ref('Practitioner', draft.pcp.practitionerId),
    };
  });
}

/** An acute diagnosis made during an encounter (emergency visit or admission). */
export function buildEncounterDiagnosis(
  draft: PatientDraft,
  snomed: readonly [string, string],
  encounterId: string,
  onsetMs: number,
  resolvedMs: number | undefined,
  recorder: RosterMember,
): Condition {
  return {
    resourceType: 'Condition',
    id: patientIds.condition(draft.index, nextSeq(draft, 'condition')),
    meta: demoMeta(),
    clinicalStatus: resolvedMs === undefined ? CLINICAL.active : CLINICAL.resolved,
    verificationStatus: concept(SYSTEM.conditionVerification, 'confirmed', 'Confirmed'),
    category: [concept(SYSTEM.conditionCategory, 'encounter-diagnosis', 'Encounter Diagnosis')],
    code: concept(SYSTEM.snomed, snomed[0], snomed[1]),
    subject: ref('Patient', draft.id),
    encounter: ref('Encounter', encounterId),
    onsetDateTime: formatDateTime(onsetMs),
    ...(resolvedMs === undefined ? {} : { abatementDateTime: formatDateTime(resolvedMs) }),
    recordedDate: formatDateTime(onsetMs),
    recorder: ref('Practitioner', recorder.practitionerId),
  };
}

/** Options of {@link medicationRequest}. */
export type MedicationRequestInput = {
  medication: MedicationKey;
  authoredMs: number;
  requester: RosterMember;
  category: 'community' | 'discharge';
  reason?: Reference<Condition>;
  reasonText?: string;
  encounterId?: string;
  status?: MedicationRequest['status'];
};

/** One MedicationRequest with a structured sig. */
export function medicationRequest(draft: PatientDraft, input: MedicationRequestInput): MedicationRequest {
  const def = MEDICATIONS[input.medication];
  const route = ROUTE[def.route];
  const isChronic = input.category === 'community';
  return {
    resourceType: 'MedicationRequest',
    id: patientIds.medicationRequest(draft.index, nextSeq(draft, 'medication')),
    meta: demoMeta(),
    status: input.status ?? 'active',
    intent: 'order',
    category: [
      input.category === 'community'
        ? concept(SYSTEM.medicationRequestCategory, 'community', 'Community')
        : concept(SYSTEM.medicationRequestCategory, 'discharge', 'Discharge'),
    ],
    medicationCodeableConcept: concept(SYSTEM.rxnorm, def.rxnorm, def.display),
    subject: ref('Patient', draft.id),
    ...(input.encounterId ? { encounter: ref('Encounter', input.encounterId) } : {}),
    authoredOn: formatDateTime(input.authoredMs),
    requester: ref('Practitioner', input.requester.practitionerId),
    ...(input.reason ? { reasonReference: [input.reason] } : {}),
    ...(input.reasonText ? { reasonCode: [{ text: input.reasonText }] } : {}),
    dosageInstruction: [
      {
        sequence: 1,
        text: def.sig,
        timing: { repeat: { frequency: def.frequency, period: 1, periodUnit: def.periodUnit } },
        ...(def.isAsNeeded ? { asNeededBoolean: true } : {}),
        route: concept(SYSTEM.snomed, route[0], route[1]),
      },
    ],
    dispenseRequest: isChronic
      ? {
          numberOfRepeatsAllowed: 3,
          expectedSupplyDuration: { value: 90, unit: 'days', system: SYSTEM.ucum, code: 'd' },
        }
      : {
          numberOfRepeatsAllowed: 0,
          expectedSupplyDuration: { value: 7, unit: 'days', system: SYSTEM.ucum, code: 'd' },
        },
  };
}

function managingClinician(draft: PatientDraft, key: ConditionKey): RosterMember {
  const def: ConditionDef = CONDITIONS[key];
  const department = def.specialist?.[0];
  return draft.specialists.find((s) => s.department === department) ?? draft.pcp;
}

/** Long-term medications for the problem list: one regimen per condition, each drug prescribed once. */
export function buildHomeMedications(ctx: PatientContext, draft: PatientDraft): MedicationRequest[] {
  const rng = useStream(ctx, draft.index, STREAM.medications);
  const prescribed = new Set<MedicationKey>();
  const requests: MedicationRequest[] = [];
  for (const problem of draft.problems) {
    const def: ConditionDef = CONDITIONS[problem.key];
    // The first regimen is first-line therapy and the most common.
    const regimen = rng.weighted(def.regimens.map((r, i) => [r, i === 0 ? 3 : 1] as const));
    for (const medication of regimen) {
      if (prescribed.has(medication)) continue;
      prescribed.add(medication);
      // Renewed within the last year, never before diagnosis.
      const authoredMs = Math.max(problem.onsetMs, ctx.nowMs - rng.int(7, 365) * DAY_MS);
      requests.push(
        medicationRequest(draft, {
          medication,
          authoredMs,
          requester: managingClinician(draft, problem.key),
          category: 'community',
          reason: ref('Condition', problem.id),
        }),
      );
    }
  }
  return requests;
}

function allergyCode(def: AllergyDef): AllergyIntolerance['code'] {
  return def.system === 'rxnorm'
    ? concept(SYSTEM.rxnorm, def.code, def.display)
    : concept(SYSTEM.snomed, def.code, def.display);
}

function pickAllergies(rng: Rng, age: number): AllergyDef[] {
  // Allergies are rarely established in the first year of life.
  if (age < 1 || !rng.chance(age < 18 ? 0.22 : 0.3)) return [];
  const count = rng.chance(0.8) ? 1 : 2;
  const chosen: AllergyDef[] = [];
  while (chosen.length < count) {
    const def = rng.weighted(
      ALLERGIES.map((a) => [a, a.category === 'food' && age < 18 ? a.weight * 3 : a.weight] as const),
    );
    if (!chosen.includes(def)) chosen.push(def);
  }
  return chosen;
}

/** Allergies (or an explicit "no known allergy"), plus an epinephrine auto-injector for anaphylactic ones. */
export function buildAllergies(
  ctx: PatientContext,
  draft: PatientDraft,
): { allergies: AllergyIntolerance[]; medications: MedicationRequest[] } {
  const rng = useStream(ctx, draft.index, STREAM.allergies);
  const patient = ref('Patient', draft.id);
  const base = {
    resourceType: 'AllergyIntolerance',
    meta: demoMeta(),
    clinicalStatus: concept(SYSTEM.allergyClinical, 'active', 'Active'),
    verificationStatus: concept(SYSTEM.allergyVerification, 'confirmed', 'Confirmed'),
    patient,
    recorder: ref('Practitioner', draft.pcp.practitionerId),
  } as const;
  const chosen = pickAllergies(rng, draft.age);
  if (chosen.length === 0) {
    if (!rng.chance(0.5)) return { allergies: [], medications: [] };
    const recordedMs = ctx.nowMs - rng.int(30, 900) * DAY_MS;
    const allergy: AllergyIntolerance = {
      ...base,
      meta: demoMeta(),
      id: patientIds.allergy(draft.index, nextSeq(draft, 'allergy')),
      code: concept(SYSTEM.snomed, NO_KNOWN_ALLERGY[0], NO_KNOWN_ALLERGY[1]),
      recordedDate: formatDateTime(Math.max(draft.birthMs, recordedMs)),
    };
    return { allergies: [allergy], medications: [] };
  }
  const allergies = chosen.map(
    (def): AllergyIntolerance => ({
      ...base,
      meta: demoMeta(),
      id: patientIds.allergy(draft.index, nextSeq(draft, 'allergy')),
      type: 'allergy',
      category: [def.category],
      criticality: def.isHighCriticality ? 'high' : 'low',
      code: allergyCode(def),
      recordedDate: formatDateTime(Math.max(draft.birthMs + DAY_MS, ctx.nowMs - rng.int(60, 3000) * DAY_MS)),
      reaction: [
        {
          manifestation: def.reactions.map(([code, display]) => concept(SYSTEM.snomed, code, display)),
          severity: def.isHighCriticality ? 'severe' : rng.chance(0.7) ? 'mild' : 'moderate',
        },
      ],
    }),
  );
  const anaphylactic = chosen.find((def) => def.isHighCriticality);
  const medications = anaphylactic
    ? [
        medicationRequest(draft, {
          medication: 'epinephrine',
          authoredMs: Math.max(draft.birthMs + DAY_MS, ctx.nowMs - rng.int(14, 300) * DAY_MS),
          requester: draft.pcp,
          category: 'community',
          reasonText: `Risk of anaphylaxis: ${anaphylactic.display} allergy`,
        }),
      ]
    : [];
  return { allergies, medications };
}
