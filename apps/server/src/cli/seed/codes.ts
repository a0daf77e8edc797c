import type { CodeableConcept, Coding, Meta } from '@medplum/fhirtypes';
import { STAFF_ROLE_SYSTEM } from '../../platform/access/index.ts';

/** Code system and identifier-system URIs used by the demo population. */
export const SYSTEM = {
  snomed: 'http://snomed.info/sct',
  icd10cm: 'http://hl7.org/fhir/sid/icd-10-cm',
  rxnorm: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  nucc: 'http://nucc.org/provider-taxonomy',
  bcp47: 'urn:ietf:bcp:47',
  npi: 'http://hl7.org/fhir/sid/us-npi',
  /** Source of Payment Typology, as US Core uses it for Coverage.type. */
  sopt: 'https://nahdo.org/sopt',
  v2IdentifierType: 'http://terminology.hl7.org/CodeSystem/v2-0203',
  v2Degree: 'http://terminology.hl7.org/CodeSystem/v2-0360',
  v2ContactRole: 'http://terminology.hl7.org/CodeSystem/v2-0131',
  v3ActCode: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
  v3ActReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  v3RoleCode: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode',
  v3MaritalStatus: 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus',
  v3ParticipationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  organizationType: 'http://terminology.hl7.org/CodeSystem/organization-type',
  locationPhysicalType: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
  serviceCategory: 'http://terminology.hl7.org/CodeSystem/service-category',
  serviceType: 'http://terminology.hl7.org/CodeSystem/service-type',
  conditionClinical: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
  conditionVerification: 'http://terminology.hl7.org/CodeSystem/condition-ver-status',
  conditionCategory: 'http://terminology.hl7.org/CodeSystem/condition-category',
  allergyClinical: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
  allergyVerification: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
  observationCategory: 'http://terminology.hl7.org/CodeSystem/observation-category',
  medicationRequestCategory: 'http://terminology.hl7.org/CodeSystem/medicationrequest-category',
  admitSource: 'http://terminology.hl7.org/CodeSystem/admit-source',
  dischargeDisposition: 'http://terminology.hl7.org/CodeSystem/discharge-disposition',
  subscriberRelationship: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship',
  coverageClass: 'http://terminology.hl7.org/CodeSystem/coverage-class',
  /** HL7 v2 table 0276, appointment reason codes (CHECKUP, FOLLOWUP, ROUTINE…). */
  v2AppointmentReason: 'http://terminology.hl7.org/CodeSystem/v2-0276',
  participantType: 'http://terminology.hl7.org/CodeSystem/participant-type',
  flagCategory: 'http://terminology.hl7.org/CodeSystem/flag-category',
  /** CareLoop's visit kinds that v2 table 0276 lacks (new patient, therapy sessions, evaluations). */
  appointmentType: 'https://careloop.dev/fhir/CodeSystem/appointment-type',
  /** CareLoop's service codes: `interpreting` (what interpreters' Schedules offer) and each clinic's primary care. */
  careloopService: 'https://careloop.dev/fhir/CodeSystem/service',
  /** CareLoop's standing patient needs on a `Flag` (`transport`, `interpreter`), read when booking. */
  patientNeed: 'https://careloop.dev/fhir/CodeSystem/patient-need',
  /** CareLoop's own staff roles; PractitionerRole.code of coordinators and supervisors. */
  staffRole: STAFF_ROLE_SYSTEM,
  mrn: 'https://careloop.dev/fhir/sid/mrn',
} as const;

/** Extension URLs from the FHIR core extension registry. */
export const EXTENSION = {
  timezone: 'http://hl7.org/fhir/StructureDefinition/timezone',
  interpreterRequired: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired',
} as const;

/** The health system's local time zone (Houston, Texas). */
export const TIME_ZONE = 'America/Chicago';

/** A `Coding` with its display; the argument order reads like a terminology table. */
export function coding(system: string, code: string, display: string): Coding {
  return { system, code, display };
}

/** A one-coding `CodeableConcept` whose text repeats the display. */
export function concept(system: string, code: string, display: string, text = display): CodeableConcept {
  return { coding: [{ system, code, display }], text };
}

/**
 * The tag on every demo resource: `HTEST` ("test health data") is HL7's code for exactly this, so the demo population
 * can be found (`_tag=http://terminology.hl7.org/CodeSystem/v3-ActReason|HTEST`) and purged, and is never mistaken for
 * real patients.
 */
export const DEMO_TAG = { system: SYSTEM.v3ActReason, code: 'HTEST', display: 'test health data' } as const;

/** A fresh `meta` carrying {@link DEMO_TAG} (fresh, so a loader that mutates `meta` cannot affect other resources). */
export function demoMeta(): Meta {
  return { tag: [{ ...DEMO_TAG }] };
}

/** Languages spoken by patients and staff, as BCP 47 primary-language subtags. */
export const LANGUAGES = {
  en: 'English',
  es: 'Spanish',
  vi: 'Vietnamese',
  zh: 'Chinese',
  ar: 'Arabic',
  ur: 'Urdu',
} as const;

/** A language the demo population speaks. */
export type LanguageCode = keyof typeof LANGUAGES;

/** `CodeableConcept` for a language. */
export function languageConcept(code: LanguageCode): CodeableConcept {
  return concept(SYSTEM.bcp47, code, LANGUAGES[code]);
}

/** A clinical specialty: its NUCC taxonomy code (required) and SNOMED CT practice-setting code (when one exists). */
export type Specialty = {
  nucc: readonly [code: string, display: string];
  snomed?: readonly [code: string, display: string];
};

/**
 * Specialties of the roster. NUCC codes and display names are from the NUCC Health Care Provider Taxonomy; SNOMED
 * codes are from the FHIR practice-setting value set (c80-practice-codes).
 */
export const SPECIALTIES = {
  familyMedicine: { nucc: ['207Q00000X', 'Family Medicine Physician'], snomed: ['419772000', 'Family practice'] },
  internalMedicine: { nucc: ['207R00000X', 'Internal Medicine Physician'], snomed: ['419192003', 'Internal medicine'] },
  pediatrics: { nucc: ['208000000X', 'Pediatrics Physician'] },
  cardiology: { nucc: ['207RC0000X', 'Cardiovascular Disease Physician'], snomed: ['394579002', 'Cardiology'] },
  oncology: { nucc: ['207RX0202X', 'Medical Oncology Physician'], snomed: ['394593009', 'Medical oncology'] },
  orthopedics: {
    nucc: ['207X00000X', 'Orthopaedic Surgery Physician'],
    snomed: ['394801008', 'Surgery-Trauma and orthopedics'],
  },
  endocrinology: {
    nucc: ['207RE0101X', 'Endocrinology, Diabetes & Metabolism Physician'],
    snomed: ['394583002', 'Endocrinology'],
  },
  physicalTherapy: { nucc: ['225100000X', 'Physical Therapist'], snomed: ['394602003', 'Rehabilitation'] },
  psychiatry: { nucc: ['2084P0800X', 'Psychiatry Physician'], snomed: ['394587001', 'Psychiatry'] },
  psychology: { nucc: ['103T00000X', 'Psychologist'], snomed: ['394913002', 'Psychotherapy'] },
  clinicalSocialWork: { nucc: ['1041C0700X', 'Clinical Social Worker'] },
  emergencyMedicine: { nucc: ['207P00000X', 'Emergency Medicine Physician'] },
  hospitalist: { nucc: ['208M00000X', 'Hospitalist Physician'] },
  registeredNurse: { nucc: ['163W00000X', 'Registered Nurse'] },
  careCoordination: { nucc: ['171M00000X', 'Case Manager/Care Coordinator'] },
  interpreter: { nucc: ['171R00000X', 'Interpreter'] },
} as const satisfies Record<string, Specialty>;

/** Key of {@link SPECIALTIES}. */
export type SpecialtyKey = keyof typeof SPECIALTIES;

/** `CodeableConcept` for a specialty: NUCC first, SNOMED CT second when known. */
export function specialtyConcept(key: SpecialtyKey): CodeableConcept {
  const s: Specialty = SPECIALTIES[key];
  const codings: Coding[] = [coding(SYSTEM.nucc, s.nucc[0], s.nucc[1])];
  if (s.snomed) codings.push(coding(SYSTEM.snomed, s.snomed[0], s.snomed[1]));
  return { coding: codings, text: s.nucc[1] };
}

/** CareLoop staff roles (PractitionerRole.code, CareTeam.participant.role). */
export const STAFF_ROLES = {
  'care-coordinator': 'Care coordinator',
  supervisor: 'Care coordination supervisor',
} as const;

/** A CareLoop staff role code. */
export type StaffRoleCode = keyof typeof STAFF_ROLES;

/** `CodeableConcept` for a CareLoop staff role. */
export function staffRoleConcept(code: StaffRoleCode): CodeableConcept {
  return concept(SYSTEM.staffRole, code, STAFF_ROLES[code]);
}
