/**
 * Demo population for `careloop seed`: a Houston health system (organisations, locations and exam rooms, bookable
 * services, clinicians, interpreters, care coordination staff and payers), their Schedules as of a day, a streamed,
 * deterministic patient population and its booked appointments. Pure: builds FHIR R4 resources in memory; loading
 * them (PUT, so re-seeding never duplicates) is the caller's job.
 */
export { generateAppointments } from './appointments.ts';
export { DEMO_DEFAULTS } from './defaults.ts';
export { generateOrganizationResources } from './organization.ts';
export { generatePatients } from './patients.ts';
export { generateSchedules } from './schedules.ts';
