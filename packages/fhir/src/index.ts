export { dateRange } from './date-range.ts';
export { type Language, languageOf, type Words } from './language.ts';
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
