// The audit trail's door for the store, the API and the CLI. Types (AuditEventInput, AuditQuery, VerifyResult, …) are
// re-exported here once something outside this folder needs them (knip keeps unused exports out).
export { appendAuditEvents } from './append.ts';
export { createAuditBatcher } from './batcher.ts';
export { buildAuditEvent } from './build-event.ts';
export {
  type AuditRecorder,
  createAuditRecorder,
  type Interaction as AuditInteraction,
  recordAuditEvent,
} from './recorder.ts';
export { accountingOfDisclosures, searchAuditEvents } from './search.ts';
export { verifyAuditChain } from './verify.ts';
