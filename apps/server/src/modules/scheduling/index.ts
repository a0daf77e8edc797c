// Scheduling (issue #5): availability from FHIR Schedules, constraint-aware slot search ($find), booking that the
// database keeps free of double bookings ($book, holds, reschedule, cancel), no-shows. docs/scheduling.md.

export { EXT as SCHEDULING_EXTENSIONS } from './domain/fhir-mapping.ts';
export { schedulingRoutes } from './routes.ts';
export { videoLink } from './telehealth.ts';
