export { dateRange } from './date-range.ts';
export {
  allOk,
  badRequest,
  conflict,
  forbidden,
  gone,
  isError,
  notFound,
  notSupported,
  outcome,
  preconditionFailed,
  tooLarge,
} from './outcome.ts';
export { parseReference, referenceTo } from './reference.ts';
