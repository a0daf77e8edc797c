export { type Change, watchChanges } from './changes.ts';
export { findByCondition } from './conditions.ts';
export {
  isStoredType,
  loadDefinitions,
  patientCompartmentParams,
  resourceTypes,
  searchParamsOf,
} from './definitions.ts';
export type { HistoryPage } from './history.ts';
export { indexResource } from './indexer.ts';
export { resolveReferences } from './references.ts';
export { reindex } from './reindex.ts';
export { safeId } from './safe-id.ts';
export { maxCount, type SearchResult } from './search/index.ts';
export {
  createStore,
  type Store,
  type StoreTx,
  type WriteOutcome,
  type WriteResult,
} from './store.ts';
export type { TaskQueueFilter, TaskQueueRow } from './task-queue.ts';
export { validate } from './validate.ts';
