// Administration (issue #3): accounts and roles, the audit trail, break-the-glass and its review.
export { adminRoutes } from './routes.ts';
