// Who is acting on each request, and the sign-in endpoints (issue #3).
export { actorOf, CSRF_HEADER, registerAuthContext, SESSION_COOKIE, storeOf, unauthenticated } from './context.ts';
export { authRoutes } from './routes.ts';
export { smartRoutes } from './smart.ts';
