export { fhirRoutes } from './routes.ts';
export { processBundle } from './transaction.ts';
