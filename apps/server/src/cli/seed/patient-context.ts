import type { LanguageCode } from './codes.ts';
import type { ConditionKey, Sex } from './conditions.ts';
import { CLINICS, type ClinicKey } from './geography.ts';
import { createNameSource, type NameSex, type NameSource } from './names.ts';
import { Rng } from './random.ts';
import { buildRoster, type Department, type RosterMember } from './roster.ts';

/** Shared, read-only state of one `generatePatients` run plus its random stream. */
export type PatientContext = {
  seed: number;
  nowMs: number;
  rng: Rng;
  names: NameSource;
  pcpsByClinic: Record<ClinicKey, readonly RosterMember[]>;
  coordinatorsByClinic: Record<ClinicKey, readonly RosterMember[]>;
  specialistsByDepartment: Record<Department, readonly RosterMember[]>;
};

/** Independent random streams per aspect of a patient, so changing one aspect's draws never reshuffles the others. */
export const STREAM = {
  demographics: 1,
  conditions: 2,
  careTeam: 3,
  encounters: 4,
  medications: 5,
  allergies: 6,
  coverage: 7,
  tasks: 8,
  needs: 9,
} as const;

const PATIENT_STREAM = 0x9a71;

/** Builds the context of a run: roster lookups and one random stream with its faker instances. */
export function createPatientContext(seed: number, now: Date): PatientContext {
  const roster = buildRoster(seed);
  const rng = new Rng(seed, PATIENT_STREAM);
  const byClinic = (members: readonly RosterMember[]): Record<ClinicKey, readonly RosterMember[]> =>
    Object.fromEntries(CLINICS.map((c) => [c, members.filter((m) => m.sites.includes(c))])) as unknown as Record<
      ClinicKey,
      readonly RosterMember[]
    >;
  const departments = new Set(roster.clinicians.map((m) => m.department));
  const specialistsByDepartment = Object.fromEntries(
    [...departments].map((d) => [d, roster.clinicians.filter((m) => m.department === d)]),
  ) as unknown as Record<Department, readonly RosterMember[]>;
  return {
    seed,
    nowMs: now.getTime(),
    rng,
    names: createNameSource(rng),
    pcpsByClinic: byClinic(roster.clinicians.filter((m) => m.department === 'primary-care')),
    coordinatorsByClinic: byClinic(roster.staff.filter((m) => m.staffRole === 'care-coordinator')),
    specialistsByDepartment,
  };
}

/** Points the context's stream at one aspect of one patient. */
export function useStream(ctx: PatientContext, index: number, aspect: number): Rng {
  ctx.rng.reseed(ctx.seed, PATIENT_STREAM, index, aspect);
  return ctx.rng;
}

/** A condition on the patient's problem list. */
export type ProblemEntry = { key: ConditionKey; onsetMs: number; id: string };

/** Everything decided about a patient before its resources are written. */
export type PatientDraft = {
  index: number;
  id: string;
  birthMs: number;
  /** Age in whole years at `now`. */
  age: number;
  sex: Sex;
  nameSex: NameSex;
  given: string[];
  family: string;
  language: LanguageCode;
  needsInterpreter: boolean;
  clinic: ClinicKey;
  problems: ProblemEntry[];
  has: Set<ConditionKey>;
  pcp: RosterMember;
  coordinator: RosterMember;
  specialists: RosterMember[];
  /** Per-type counters for resource ids (`demo-cond-000001-3`). */
  seq: {
    condition: number;
    encounter: number;
    observation: number;
    medication: number;
    allergy: number;
    coverage: number;
  };
};

/** Next sequence number of a resource type for the patient. */
export function nextSeq(draft: PatientDraft, kind: keyof PatientDraft['seq']): number {
  draft.seq[kind] += 1;
  return draft.seq[kind];
}

/**
 * Chooses among candidates, preferring those who speak the patient's language and then those at the patient's
 * clinic; the fallback keeps assignment total even where no one matches (an interpreter is used).
 */
export function pickMember(
  rng: Rng,
  candidates: readonly RosterMember[],
  language: LanguageCode,
  clinic?: ClinicKey,
): RosterMember {
  let pool = candidates.filter((m) => m.languages.includes(language));
  if (pool.length === 0) pool = [...candidates];
  if (clinic) {
    const local = pool.filter((m) => m.sites.includes(clinic));
    if (local.length > 0) pool = local;
  }
  return rng.pick(pool);
}

/** Primary care clinician suited to the patient's age: pediatrics or family medicine for children. */
export function pickPcp(
  ctx: PatientContext,
  rng: Rng,
  age: number,
  language: LanguageCode,
  clinic: ClinicKey,
): RosterMember {
  const atClinic = ctx.pcpsByClinic[clinic];
  const suitable = atClinic.filter((m) =>
    age < 18 ? m.specialty === 'pediatrics' || m.specialty === 'familyMedicine' : m.specialty !== 'pediatrics',
  );
  return pickMember(rng, suitable.length > 0 ? suitable : atClinic, language);
}
