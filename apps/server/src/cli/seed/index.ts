/**
 * Demo population for `careloop seed`: a Houston health system (organisations, locations, services, clinicians, care
 * coordination staff and payers) and a streamed, deterministic patient population. Pure: builds FHIR R4 resources in
 * memory; loading them (PUT, so re-seeding never duplicates) is the caller's job.
 */
export { DEMO_DEFAULTS } from './defaults.ts';
export { generateOrganizationResources } from './organization.ts';
export { generatePatients } from './patients.ts';
