import type { ExtractResource, Reference, ResourceType } from '@medplum/fhirtypes';

/**
 * Stable ids for every demo resource. The whole population is written with update-as-create (PUT), so the same id
 * must come out on every run: re-seeding then updates in place and never duplicates.
 */

/** Zero-padded patient number, e.g. `000123`; indexes past a million simply grow a digit. */
function patientKey(index: number): string {
  return String(index).padStart(6, '0');
}

/** Resource ids derived from a patient index. */
export const patientIds = {
  patient: (index: number): string => `demo-pat-${patientKey(index)}`,
  coverage: (index: number, n: number): string => `demo-cov-${patientKey(index)}-${n}`,
  condition: (index: number, n: number): string => `demo-cond-${patientKey(index)}-${n}`,
  encounter: (index: number, n: number): string => `demo-enc-${patientKey(index)}-${n}`,
  observation: (index: number, n: number): string => `demo-obs-${patientKey(index)}-${n}`,
  medicationRequest: (index: number, n: number): string => `demo-medrx-${patientKey(index)}-${n}`,
  allergy: (index: number, n: number): string => `demo-allergy-${patientKey(index)}-${n}`,
  careTeam: (index: number): string => `demo-ct-${patientKey(index)}`,
  flag: (index: number, n: number): string => `demo-flag-${patientKey(index)}-${n}`,
  appointment: (index: number, n: number): string => `demo-appt-${patientKey(index)}-${n}`,
};

/**
 * Medical record number for a patient index: an 8-digit number that looks assigned rather than sequential.
 * `index ↦ (index·a + b) mod 90 000 000` is a bijection because `a` is coprime with 90 000 000, so MRNs are unique
 * for the first 90 million patients.
 */
export function medicalRecordNumber(index: number): string {
  const scrambled = (index * 7_368_787 + 1_234_567) % 90_000_000;
  return String(10_000_000 + scrambled);
}

/** Relative reference `Type/id`, typed by its target so it fits FHIR's reference-target constraints. */
export function ref<K extends ResourceType>(
  resourceType: K,
  id: string,
  display?: string,
): Reference<ExtractResource<K>> {
  return display === undefined
    ? { reference: `${resourceType}/${id}` }
    : { reference: `${resourceType}/${id}`, display };
}
