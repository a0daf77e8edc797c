import type { Practitioner, PractitionerRole } from '@medplum/fhirtypes';
import { demoMeta, type LanguageCode, languageConcept, specialtyConcept } from './codes.ts';
import { HOSPITAL_LOCATION_ID, SYSTEM_NAME, SYSTEM_ORG_ID } from './facilities.ts';
import { availableTimeOf, SUPPORT_WEEKS, type WorkWeek } from './hours.ts';
import { ref } from './ids.ts';
import { asciiSlug, createNameSource } from './names.ts';
import { Rng } from './random.ts';

/**
 * Staff healthcare interpreters for the two languages most patients who need one speak (Spanish, Vietnamese).
 * Scheduling adds one to a visit when the clinician does not speak the patient's language; they work system-wide
 * (in person or by video), so their Schedules name no site.
 */
export type InterpreterDef = Readonly<{
  practitionerId: string;
  roleId: string;
  scheduleId: string;
  language: LanguageCode;
  week: WorkWeek;
}>;

const interpreter = (n: string, language: LanguageCode, week: WorkWeek): InterpreterDef => ({
  practitionerId: `demo-prac-interp-${n}`,
  roleId: `demo-role-interp-${n}`,
  scheduleId: `demo-sched-interp-${n}`,
  language,
  week,
});

/** The interpreters; the late shift covers the Tuesday evening clinics. */
export const INTERPRETERS: readonly InterpreterDef[] = [
  interpreter('01', 'es', SUPPORT_WEEKS.interpreterDays),
  interpreter('02', 'es', SUPPORT_WEEKS.interpreterLate),
  interpreter('03', 'vi', SUPPORT_WEEKS.interpreterPartTime),
];

const INTERPRETER_STREAM = 0x1a7e;

/** The interpreters' Practitioners and PractitionerRoles; as with the roster, only their names depend on the seed. */
export function interpreterResources(seed: number): (Practitioner | PractitionerRole)[] {
  return INTERPRETERS.flatMap((def, i) => {
    const rng = new Rng(seed, INTERPRETER_STREAM, i);
    const sex = rng.chance(0.7) ? 'female' : 'male';
    const { given, family } = createNameSource(rng).name(def.language, sex);
    const email = `${asciiSlug(given[0] ?? '')}.${asciiSlug(family)}@bayoucityhealth.example`;
    const telecom = [{ system: 'email' as const, value: email, use: 'work' as const }];
    const practitioner: Practitioner = {
      resourceType: 'Practitioner',
      id: def.practitionerId,
      meta: demoMeta(),
      active: true,
      name: [{ use: 'official', family, given }],
      telecom,
      gender: sex,
      // CCHI's credential: US hospitals commonly require certified interpreters for medical encounters.
      qualification: [{ code: { text: 'Certified Healthcare Interpreter (CHI)' } }],
      communication: [languageConcept(def.language), languageConcept('en')],
    };
    const role: PractitionerRole = {
      resourceType: 'PractitionerRole',
      id: def.roleId,
      meta: demoMeta(),
      active: true,
      practitioner: ref('Practitioner', def.practitionerId, `${given.join(' ')} ${family}`),
      organization: ref('Organization', SYSTEM_ORG_ID, SYSTEM_NAME),
      code: [{ text: 'Healthcare interpreter' }],
      specialty: [specialtyConcept('interpreter')],
      location: [ref('Location', HOSPITAL_LOCATION_ID)],
      telecom,
      availableTime: availableTimeOf(def.week),
    };
    return [practitioner, role];
  });
}
