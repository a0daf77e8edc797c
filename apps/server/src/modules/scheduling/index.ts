// Scheduling (issue #5): availability from FHIR Schedules, constraint-aware slot search ($find), booking that the
// database keeps free of double bookings ($book, holds, reschedule, cancel), no-shows. docs/scheduling.md.

export { EXT as SCHEDULING_EXTENSIONS, PARTICIPANT_TYPE } from './domain/fhir-mapping.ts';
export { distanceKm } from './domain/geo.ts';
export { parseReminderSchedule } from './domain/reminders.ts';
export { calendarFeedRoutes } from './feed-routes.ts';
export { type FindInput, findAppointments } from './find.ts';
export { registerSchedulingWorkers, scheduleSchedulingJobs } from './jobs.ts';
export { appointmentLinkRoutes } from './link-routes.ts';
export { patientContext } from './patient-context.ts';
export { schedulingRoutes } from './routes.ts';
export { videoLink } from './telehealth.ts';
