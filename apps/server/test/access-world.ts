import type { Resource } from '@medplum/fhirtypes';
import { STAFF_ROLE_SYSTEM } from '../src/platform/access/index.ts';

/** The callers of the access matrix: every role, and two backend-services clients (all scopes, Observations only). */
export const ROLES = [
  'administrator',
  'supervisor',
  'care-coordinator',
  'clinician',
  'patient',
  'proxy',
  'client-all',
  'client-observations',
] as const;
export type Role = (typeof ROLES)[number];
/** `own`: in every person's relationships; `foreign`: in none; `absent`: never stored. */
export type Which = 'own' | 'foreign' | 'absent';

const staffRole = (code: string) => [{ coding: [{ system: STAFF_ROLE_SYSTEM, code }] }];

/** A patient's id in the matrix: `own` is in every person's relationships, `foreign` in none, `absent` never stored. */
export const pid = (which: Which) => which;
export const oid = (which: Which) => `obs-${which}`;
export const family = (which: Which) => `${which}-family`;
export const code = (which: Which) => `code-${which}`;

export function observation(id: string, which: Which, extra: Partial<Resource> = {}): Resource {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { coding: [{ system: 'urn:matrix', code: code(which) }] },
    subject: { reference: `Patient/${pid(which)}` },
    valueQuantity: { value: 120, unit: 'mmHg' },
    ...extra,
  } as Resource;
}

/**
 * The world every role is tested in: patient `own` with a care team (coordinator `coord`, clinician `clin`) in the
 * organization whose supervisor is `sup`, a proxy, and an observation; patient `foreign` with another coordinator's
 * care team outside that organization, and an observation.
 */
export function accessWorld(): Resource[] {
  return [
    { resourceType: 'Organization', id: 'team-org', name: 'Coordination team' },
    { resourceType: 'Organization', id: 'other-org', name: 'Elsewhere' },
    ...['sup', 'coord', 'clin', 'other-coord'].map(
      (id): Resource => ({ resourceType: 'Practitioner', id, name: [{ family: id }] }),
    ),
    {
      resourceType: 'PractitionerRole',
      id: 'sup-role',
      practitioner: { reference: 'Practitioner/sup' },
      organization: { reference: 'Organization/team-org' },
      code: staffRole('supervisor'),
    },
    {
      resourceType: 'PractitionerRole',
      id: 'coord-role',
      practitioner: { reference: 'Practitioner/coord' },
      organization: { reference: 'Organization/team-org' },
      code: staffRole('care-coordinator'),
    },
    {
      resourceType: 'PractitionerRole',
      id: 'other-coord-role',
      practitioner: { reference: 'Practitioner/other-coord' },
      organization: { reference: 'Organization/other-org' },
      code: staffRole('care-coordinator'),
    },
    ...(['own', 'foreign'] as const).flatMap((which): Resource[] => [
      { resourceType: 'Patient', id: pid(which), name: [{ family: family(which) }] },
      observation(oid(which), which),
    ]),
    {
      resourceType: 'CareTeam',
      id: 'own-team',
      status: 'active',
      subject: { reference: 'Patient/own' },
      participant: [{ member: { reference: 'Practitioner/coord' } }, { member: { reference: 'Practitioner/clin' } }],
    },
    {
      resourceType: 'CareTeam',
      id: 'foreign-team',
      status: 'active',
      subject: { reference: 'Patient/foreign' },
      participant: [{ member: { reference: 'Practitioner/other-coord' } }],
    },
    {
      resourceType: 'RelatedPerson',
      id: 'proxy-own',
      active: true,
      patient: { reference: 'Patient/own' },
      period: { start: '2020-01-01' },
    },
  ];
}

/** Whether `role` may see `which` patient's resources of `type` (the rules of issue #3 for this world). */
export function visible(role: Role, type: 'Patient' | 'Observation' | 'none', which: Which): boolean {
  if (which === 'absent' || type === 'none') return false;
  if (role === 'client-all') return true;
  if (role === 'client-observations') return type === 'Observation';
  if (which === 'foreign') return false;
  return role !== 'administrator';
}

/** Whether `role` may search `type` at all (otherwise 403, the same for every patient). */
export function searchable(role: Role, type: 'Patient' | 'Observation'): boolean {
  if (role === 'administrator') return false;
  if (role === 'client-observations') return type === 'Observation';
  return true;
}

/** Whether `role` may create, update or delete Observations (within the patients it sees). */
export function writesObservations(role: Role): boolean {
  return ['supervisor', 'care-coordinator', 'clinician', 'patient', 'client-all'].includes(role);
}
