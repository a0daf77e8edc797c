// Caseloads (issue #4): a patient's primary coordinator on their coordination CareTeam, and moving whole caseloads.
export { caseloadRoutes } from './routes.ts';
