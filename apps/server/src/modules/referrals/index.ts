// Closed-loop referrals (issue #6): a ServiceRequest offered to one or more receivers, each offer a Task tracked
// through the lifecycle until the loop closes; inside CareLoop, to another FHIR server, or by a secure link by e-mail.
// docs/referrals.md.

export { createReferral } from './create.ts';
export { registerReferralWorkers, scheduleReferralJobs } from './jobs.ts';
export { officeLinkRoutes } from './office-routes.ts';
export { referralRoutes } from './routes.ts';
