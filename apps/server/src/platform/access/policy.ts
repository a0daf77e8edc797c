import type { Role } from '../identity/roles.ts';

/**
 * Resource types that belong to no patient and that anyone signed in may read: the directory (who and where) and
 * shared definitions. Other patient-less resources (a Task with no patient, a Group of staff…) are for staff only.
 */
export const DIRECTORY_TYPES: ReadonlySet<string> = new Set([
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'HealthcareService',
  'Endpoint',
  'Schedule',
  'Slot',
  'Medication',
  'Questionnaire',
  'Measure',
  'Library',
  'PlanDefinition',
]);

/** The directory an administrator maintains. */
const ADMIN_WRITABLE = [
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Location',
  'HealthcareService',
  'Endpoint',
];

/**
 * Security labels (`meta.security` codes) that withhold a resource from anyone whose role does not permit it and who
 * holds no patient Consent lifting it. HL7 v3 ActCode information-sensitivity codes and the v3 Confidentiality codes
 * R (restricted) and V (very restricted): ETH substance use (42 CFR Part 2), PSY psychiatry, BH behavioral health,
 * HIV, SEX sexuality and reproductive health, STD, SDV sexual assault, abuse or domestic violence, GDIS genetic disease.
 */
export const SENSITIVE_LABELS = ['ETH', 'PSY', 'BH', 'HIV', 'SEX', 'STD', 'SDV', 'GDIS', 'R', 'V'] as const;

/**
 * How a person reaches patients: `caseload` (CareTeams they are on, active encounters and appointments they take
 * part in), `team` (the caseloads of the coordinators in the supervisor's organization), `self` (a patient's own
 * record), `proxy` (patients whose RelatedPerson is this account, within its period), `grants` (break-the-glass).
 */
export type Relationship = 'caseload' | 'team' | 'self' | 'proxy' | 'grants';

export type RolePolicy = Readonly<{
  relationships: readonly Relationship[];
  /** Patient-less resources visible beyond the directory: `staff` sees all of them. */
  shared: 'directory' | 'staff';
  /** Types this role may read at all (`all`, or only the directory). */
  read: 'all' | 'directory';
  /** Types this role may create, update and delete (within its patients). */
  write: 'all' | readonly string[];
  /** Sensitive labels the role may see without a Consent (`all`: the patient's own record, unfiltered). */
  labels: 'all' | readonly string[];
  /** May add or remove security labels. */
  canLabel: boolean;
}>;

/** Who sees and changes what, by role (issue #3). An account with several roles gets the union. */
const ROLE_POLICIES = {
  administrator: {
    relationships: ['grants'],
    shared: 'staff',
    read: 'directory',
    write: ADMIN_WRITABLE,
    labels: [],
    canLabel: false,
  },
  supervisor: {
    relationships: ['caseload', 'team', 'grants'],
    shared: 'staff',
    read: 'all',
    write: 'all',
    labels: [],
    canLabel: true,
  },
  'care-coordinator': {
    relationships: ['caseload', 'grants'],
    shared: 'staff',
    read: 'all',
    write: 'all',
    labels: [],
    canLabel: true,
  },
  // Treating clinicians see mental-health, HIV, reproductive and genetic data; substance-use records (42 CFR Part 2)
  // and restricted records need the patient's Consent.
  clinician: {
    relationships: ['caseload', 'grants'],
    shared: 'staff',
    read: 'all',
    write: 'all',
    labels: ['PSY', 'BH', 'HIV', 'SEX', 'STD', 'SDV', 'GDIS'],
    canLabel: true,
  },
  // HIPAA right of access: a patient sees all of their own record.
  patient: {
    relationships: ['self'],
    shared: 'directory',
    read: 'all',
    write: ['Communication', 'QuestionnaireResponse', 'Observation', 'AppointmentResponse'],
    labels: 'all',
    canLabel: false,
  },
  // A proxy sees what the patient shared, minus anything labelled sensitive, unless the patient consented to it.
  proxy: {
    relationships: ['proxy'],
    shared: 'directory',
    read: 'all',
    write: ['Communication', 'QuestionnaireResponse', 'AppointmentResponse'],
    labels: [],
    canLabel: false,
  },
} as const satisfies Record<Exclude<Role, 'integration-client'>, RolePolicy>;

/** The policies of an account's roles (integration clients have none: their scopes decide). */
export function policiesOf(roles: readonly Role[]): RolePolicy[] {
  return roles.flatMap((r) => (r === 'integration-client' ? [] : [ROLE_POLICIES[r]]));
}
