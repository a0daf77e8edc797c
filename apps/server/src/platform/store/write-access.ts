import type { Resource } from '@medplum/fhirtypes';
import { type Access, canSee, hidden, refused } from '../access/index.ts';
import { compartmentPatients } from './indexer.ts';
import { safeId } from './safe-id.ts';

/**
 * Refuses a write the actor may not make: a current version they cannot see (404, as if absent), a type their role or
 * scopes do not let them write (403), a resource that would belong to a patient outside their access (403), or a
 * change of security labels by someone who may not set them (403). Returns the compartment patients of the new
 * version (for the audit record).
 */
export function checkWriteAccess(
  a: Access,
  resource: Resource,
  interaction: 'c' | 'u',
  before: { content: Resource | null; patients: readonly string[] } | undefined,
): readonly string[] {
  const patients = compartmentPatients(resource);
  if (a.unrestricted) return patients;
  const type = resource.resourceType;
  const ref = `${type}/${safeId(resource.id ?? '')}`;
  if (before && !canSee(a, before.content ?? resource, before.patients)) throw hidden(type, safeId(resource.id ?? ''));
  if (!a.allows(type, interaction))
    throw refused(`Your access does not allow ${interaction === 'c' ? 'creating' : 'changing'} ${type}`);
  // Registering a new patient is staff work; everything else must stay within the actor's patients.
  const registering = type === 'Patient' && !before && a.shared === 'all';
  if (!registering && !canSee(a, { ...resource, meta: { ...resource.meta, security: [] } }, patients))
    throw refused(`${ref} would belong to a patient outside your access`, `${type}.subject`);
  const labels = (r: Resource | null | undefined) =>
    JSON.stringify((r?.meta?.security ?? []).map((c) => `${c.system}|${c.code}`).sort());
  if (!a.canLabel && labels(resource) !== labels(before?.content))
    throw refused('Security labels can only be set by staff', `${type}.meta.security`);
  return patients;
}
