// The coordinator's worklist over FHIR Task (issue #4): task types and deadline clocks (domain/), the ranked queue and
// the task operations.

export { registerDeadlineAlertWorker, scheduleDeadlineAlerts } from './deadline-alerts.ts';
export {
  careGapOutreach,
  type Deadline,
  noShowFollowUp,
  referralCloseDue,
  referralReportDue,
  referralServiceLevel,
  referralStalledFollowUp,
  tcmFaceToFaceVisit,
  tcmInteractiveContact,
} from './domain/deadline-rules.ts';
export { usFederalHolidays } from './domain/holidays.ts';
export { organizationClock } from './domain/organization-clock.ts';
export { worklistTask } from './domain/task-resource.ts';
export { TASK_TYPES, type TaskType } from './domain/task-types.ts';
export { worklistEventRoutes } from './events.ts';
export { worklist } from './queue.ts';
export { worklistRoutes } from './routes.ts';
