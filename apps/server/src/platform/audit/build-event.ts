import type { AuditEvent, AuditEventEntity, Coding } from '@medplum/fhirtypes';

const dicom = 'http://dicom.nema.org/resources/ontology/DCM';
const restType: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  code: 'rest',
  display: 'RESTful Operation',
};

/**
 * The events that are not FHIR interactions, coded with DICOM's audit vocabulary (DICOM PS3.15 A.5.3, which FHIR's
 * AuditEvent.type value set includes): sign-in/out are "User Authentication" (110114); break-the-glass and role or
 * permission changes are "Security Alert" (110113) with the matching CID 403 subtype.
 */
const securitySubtypes = {
  login: { type: { system: dicom, code: '110114', display: 'User Authentication' }, code: '110122', display: 'Login' },
  logout: {
    type: { system: dicom, code: '110114', display: 'User Authentication' },
    code: '110123',
    display: 'Logout',
  },
  'break-the-glass': {
    type: { system: dicom, code: '110113', display: 'Security Alert' },
    code: '110127',
    display: 'Emergency Override Started',
  },
  'role-change': {
    type: { system: dicom, code: '110113', display: 'Security Alert' },
    code: '110136',
    display: 'Security Roles Changed',
  },
  'permission-change': {
    type: { system: dicom, code: '110113', display: 'Security Alert' },
    code: '110137',
    display: 'User Security Attributes Changed',
  },
} as const satisfies Record<string, { type: Coding; code: string; display: string }>;

/** FHIR R4 restful-interaction codes (http://hl7.org/fhir/restful-interaction), plus `export` for bulk data. */
const restSubtypes = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history',
  'history-instance',
  'history-type',
  'history-system',
  'create',
  'search',
  'search-type',
  'search-system',
  'capabilities',
  'transaction',
  'batch',
  'operation',
] as const;

export type AuditSubtype = (typeof restSubtypes)[number] | keyof typeof securitySubtypes;

/** AuditEvent.outcome: 0 success, 4 minor failure (e.g. a refused request), 8 serious, 12 major. */
export type AuditOutcome = 'success' | 'minor' | 'serious' | 'major';
const outcomeCodes = { success: '0', minor: '4', serious: '8', major: '12' } as const;

export type AuditEventInput = Readonly<{
  /** C create, R read/search, U update, D delete, E execute (operations, export, sign-in/out, security events). */
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  subtype: AuditSubtype;
  /** `$everything`, `$export`, …: named in the subtype's display when `subtype` is `operation`. */
  operation?: string;
  outcome: AuditOutcome;
  /** Why it failed (never PHI): goes to AuditEvent.outcomeDesc. */
  outcomeDesc?: string;
  /** The requesting user: `Practitioner/1`, `Patient/2`, …; `display` for a failed sign-in that has no user. */
  agent: Readonly<{ reference?: string; display?: string; ip?: string }>;
  /** `Patient/x` references of every patient whose data the event touched. */
  patients: readonly string[];
  /** The resources touched (besides the patients), e.g. `Observation/7`; `type` defaults to the resource type. */
  entities: readonly Readonly<{ reference: string; type?: string }>[];
  /** v3 ActReason code (TREAT, ETREAT for break-the-glass, HPAYMT, …). */
  purposeOfUse?: string;
  /** ISO instant. */
  recorded: string;
  /** Who observed and recorded the event; defaults to the CareLoop server. */
  observer?: string;
}>;

/**
 * A FHIR R4 AuditEvent for one request (pure). `who` is `agent.who` with `requestor = true`; each patient is an entity
 * with role Patient (1) and each touched resource an entity with role Domain Resource (4) whose `type` is its resource
 * type, which is the "category of data" an accounting of disclosures reports.
 */
export function buildAuditEvent(input: AuditEventInput): AuditEvent {
  const security =
    input.subtype in securitySubtypes ? securitySubtypes[input.subtype as keyof typeof securitySubtypes] : undefined;
  const subtype: Coding = security
    ? { system: dicom, code: security.code, display: security.display }
    : {
        system: 'http://hl7.org/fhir/restful-interaction',
        code: input.subtype,
        ...(input.subtype === 'operation' && input.operation ? { display: input.operation } : {}),
      };
  const patients: AuditEventEntity[] = input.patients.map((reference) => ({
    what: { reference },
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
    role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
  }));
  const resources: AuditEventEntity[] = input.entities.map((e) => ({
    what: { reference: e.reference },
    type: { system: 'http://hl7.org/fhir/resource-types', code: e.type ?? e.reference.split('/')[0] ?? 'Resource' },
    role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4', display: 'Domain Resource' },
  }));
  const purpose = input.purposeOfUse
    ? [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason', code: input.purposeOfUse }] }]
    : undefined;
  const who = {
    ...(input.agent.reference ? { reference: input.agent.reference } : {}),
    ...(input.agent.display ? { display: input.agent.display } : {}),
  };
  return {
    resourceType: 'AuditEvent',
    type: security ? security.type : restType,
    subtype: [subtype],
    action: input.action,
    recorded: input.recorded,
    outcome: outcomeCodes[input.outcome],
    ...(input.outcomeDesc ? { outcomeDesc: input.outcomeDesc } : {}),
    ...(purpose ? { purposeOfEvent: purpose } : {}),
    agent: [
      {
        ...(Object.keys(who).length ? { who } : {}),
        requestor: true,
        ...(input.agent.ip ? { network: { address: input.agent.ip, type: '2' as const } } : {}),
        ...(purpose ? { purposeOfUse: purpose } : {}),
      },
    ],
    source: {
      site: 'CareLoop',
      observer: { display: input.observer ?? 'CareLoop server' },
      type: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/security-source-type',
          code: '4',
          display: 'Application Server',
        },
      ],
    },
    ...(patients.length + resources.length ? { entity: [...patients, ...resources] } : {}),
  };
}
