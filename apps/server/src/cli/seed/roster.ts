import type { LanguageCode, SpecialtyKey, StaffRoleCode } from './codes.ts';
import type { ClinicKey, SiteKey } from './geography.ts';
import { asciiSlug, createNameSource, type NameSex } from './names.ts';
import { Rng } from './random.ts';

/**
 * The roster's shape (who works where, in which specialty, speaking which languages) is fixed, so patient generation
 * can reference clinicians by id without generating the organisation first; only names and sex depend on the seed.
 */

/** Professional credential, shown as a name suffix. */
export type Credential = 'MD' | 'DO' | 'PT, DPT' | 'PhD' | 'LCSW' | 'RN';

/** Where a clinician's work is grouped for patients: primary care, a hospital specialty, or care coordination. */
export type Department =
  | 'primary-care'
  | 'cardiology'
  | 'oncology'
  | 'orthopedics'
  | 'endocrinology'
  | 'physical-therapy'
  | 'behavioral-health'
  | 'emergency'
  | 'hospital-medicine'
  | 'care-coordination';

type Slot = {
  specialty: SpecialtyKey;
  department: Department;
  sites: readonly SiteKey[];
  languages: readonly LanguageCode[];
  staffRole?: StaffRoleCode;
};

const pc = (specialty: SpecialtyKey, site: ClinicKey, ...languages: LanguageCode[]): Slot => ({
  specialty,
  department: 'primary-care',
  sites: [site],
  languages: ['en', ...languages],
});
const spec = (
  department: Department,
  specialty: SpecialtyKey,
  sites: readonly SiteKey[],
  ...languages: LanguageCode[]
): Slot => ({
  specialty,
  department,
  sites,
  languages: ['en', ...languages],
});
const staff = (role: StaffRoleCode, specialty: SpecialtyKey, site: SiteKey, ...languages: LanguageCode[]): Slot => ({
  specialty,
  department: 'care-coordination',
  sites: [site],
  languages: ['en', ...languages],
  staffRole: role,
});

/** The 41 clinicians: 14 in primary care across the clinics, the rest on the hospital campus. */
const CLINICIAN_SLOTS: readonly Slot[] = [
  pc('familyMedicine', 'heights', 'es'),
  pc('familyMedicine', 'heights'),
  pc('internalMedicine', 'heights'),
  pc('pediatrics', 'heights', 'es'),
  pc('familyMedicine', 'bellaire', 'vi'),
  pc('familyMedicine', 'bellaire', 'zh'),
  pc('internalMedicine', 'bellaire', 'ar'),
  pc('pediatrics', 'bellaire', 'vi'),
  pc('familyMedicine', 'east-end', 'es'),
  pc('familyMedicine', 'east-end', 'es'),
  pc('internalMedicine', 'east-end', 'es'),
  pc('pediatrics', 'east-end', 'es'),
  pc('familyMedicine', 'sugar-land', 'ur'),
  pc('internalMedicine', 'sugar-land', 'zh'),
  spec('cardiology', 'cardiology', ['hospital', 'sugar-land']),
  spec('cardiology', 'cardiology', ['hospital'], 'es'),
  spec('cardiology', 'cardiology', ['hospital'], 'zh'),
  spec('cardiology', 'cardiology', ['hospital', 'bellaire'], 'ar'),
  spec('oncology', 'oncology', ['hospital']),
  spec('oncology', 'oncology', ['hospital'], 'es'),
  spec('oncology', 'oncology', ['hospital'], 'vi'),
  spec('orthopedics', 'orthopedics', ['hospital', 'heights']),
  spec('orthopedics', 'orthopedics', ['hospital'], 'es'),
  spec('orthopedics', 'orthopedics', ['hospital', 'sugar-land']),
  spec('endocrinology', 'endocrinology', ['hospital'], 'es'),
  spec('endocrinology', 'endocrinology', ['hospital', 'sugar-land']),
  spec('endocrinology', 'endocrinology', ['hospital', 'bellaire'], 'vi'),
  spec('physical-therapy', 'physicalTherapy', ['hospital', 'east-end'], 'es'),
  spec('physical-therapy', 'physicalTherapy', ['hospital', 'heights']),
  spec('physical-therapy', 'physicalTherapy', ['hospital', 'bellaire'], 'vi'),
  spec('physical-therapy', 'physicalTherapy', ['hospital', 'sugar-land'], 'es'),
  spec('behavioral-health', 'psychiatry', ['hospital'], 'es'),
  spec('behavioral-health', 'psychiatry', ['hospital']),
  spec('behavioral-health', 'psychology', ['hospital', 'bellaire'], 'zh'),
  spec('behavioral-health', 'clinicalSocialWork', ['hospital', 'east-end'], 'es'),
  spec('emergency', 'emergencyMedicine', ['hospital'], 'es'),
  spec('emergency', 'emergencyMedicine', ['hospital']),
  spec('emergency', 'emergencyMedicine', ['hospital']),
  spec('hospital-medicine', 'hospitalist', ['hospital']),
  spec('hospital-medicine', 'hospitalist', ['hospital'], 'es'),
  spec('hospital-medicine', 'hospitalist', ['hospital'], 'ar'),
];

/** Eight care coordinators (two per clinic) and one supervisor. */
const STAFF_SLOTS: readonly Slot[] = [
  staff('care-coordinator', 'registeredNurse', 'heights', 'es'),
  staff('care-coordinator', 'clinicalSocialWork', 'heights'),
  staff('care-coordinator', 'registeredNurse', 'bellaire', 'vi'),
  staff('care-coordinator', 'registeredNurse', 'bellaire', 'zh'),
  staff('care-coordinator', 'registeredNurse', 'east-end', 'es'),
  staff('care-coordinator', 'clinicalSocialWork', 'east-end', 'es'),
  staff('care-coordinator', 'registeredNurse', 'sugar-land', 'ur'),
  staff('care-coordinator', 'clinicalSocialWork', 'sugar-land', 'ar'),
  staff('supervisor', 'registeredNurse', 'hospital', 'es'),
];

/** One person on the roster, with the ids of their Practitioner and PractitionerRole. */
export type RosterMember = Slot & {
  practitionerId: string;
  roleId: string;
  sex: NameSex;
  given: string[];
  family: string;
  credential: Credential;
  /** Work e-mail on a reserved `.example` domain, so nothing is ever delivered. */
  email: string;
};

/** The whole roster. */
export type Roster = {
  clinicians: readonly RosterMember[];
  staff: readonly RosterMember[];
};

const ROSTER_STREAM = 0x505e;

function credentialFor(slot: Slot, rng: Rng): Credential {
  switch (slot.specialty) {
    case 'physicalTherapy':
      return 'PT, DPT';
    case 'psychology':
      return 'PhD';
    case 'clinicalSocialWork':
      return 'LCSW';
    case 'registeredNurse':
      return 'RN';
    default:
      // About one US physician in ten is a DO.
      return rng.chance(0.1) ? 'DO' : 'MD';
  }
}

function member(
  slot: Slot,
  practitionerId: string,
  roleId: string,
  rng: Rng,
  names: ReturnType<typeof createNameSource>,
): RosterMember {
  const sex: NameSex = rng.chance(0.52) ? 'female' : 'male';
  // Clinicians who speak a second language often (not always) grew up with it.
  const second = slot.languages[1];
  const nameLanguage = second && rng.chance(0.6) ? second : 'en';
  const { given, family } = names.name(nameLanguage, sex);
  const email = `${asciiSlug(given[0] ?? '')}.${asciiSlug(family)}@bayoucityhealth.example`;
  return { ...slot, practitionerId, roleId, sex, given, family, credential: credentialFor(slot, rng), email };
}

/** The roster for a seed: cheap (50 people), so every generator builds its own instead of sharing a cache. */
export function buildRoster(seed: number): Roster {
  const rng = new Rng(seed, ROSTER_STREAM);
  const names = createNameSource(rng);
  const clinicians = CLINICIAN_SLOTS.map((slot, i) => {
    rng.reseed(seed, ROSTER_STREAM, 1, i);
    const n = String(i + 1).padStart(3, '0');
    return member(slot, `demo-prac-${n}`, `demo-role-${n}`, rng, names);
  });
  const staffMembers = STAFF_SLOTS.map((slot, i) => {
    rng.reseed(seed, ROSTER_STREAM, 2, i);
    const n = String(i + 1).padStart(2, '0');
    return member(slot, `demo-prac-staff-${n}`, `demo-role-staff-${n}`, rng, names);
  });
  return { clinicians, staff: staffMembers };
}
