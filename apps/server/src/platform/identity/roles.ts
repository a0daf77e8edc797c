/**
 * The roles a CareLoop account can hold (issue #3). Staff roles act on many patients' records and must sign in with
 * a second factor; the others act for one patient (patient, proxy) or are machines (integration client).
 */
const STAFF_ROLES = ['administrator', 'supervisor', 'care-coordinator', 'clinician'] as const;

/** Roles that are not staff: a patient, a family member or caregiver acting for one, and system-to-system clients. */
const OTHER_ROLES = ['patient', 'proxy', 'integration-client'] as const;

/** Every role, in the order the migration's CHECK constraint lists them. */
export const ROLES = [...STAFF_ROLES, ...OTHER_ROLES] as const;

export type Role = (typeof ROLES)[number];

/** True when `value` names a role. */
export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** TOTP multi-factor is required for every staff role (issue #3), so for any account holding one of them. */
export function requiresMfa(roles: readonly Role[]): boolean {
  return roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r));
}

/**
 * The FHIR resource type an account with these roles must be linked to, `null` for none (integration clients), or
 * an error text when the roles mix kinds of person (one account is one person: a clinician who is also a patient
 * gets two accounts, so staff access and personal access stay apart in the audit trail).
 */
export function linkedResourceType(
  roles: readonly Role[],
): { type: 'Practitioner' | 'Patient' | 'RelatedPerson' | null } | { error: string } {
  const kinds = new Set(
    roles.map((r) =>
      r === 'patient'
        ? 'Patient'
        : r === 'proxy'
          ? 'RelatedPerson'
          : r === 'integration-client'
            ? null
            : 'Practitioner',
    ),
  );
  if (kinds.size > 1) return { error: `roles ${roles.join(', ')} cannot be held by one account` };
  const [only] = kinds;
  return { type: only ?? null };
}
