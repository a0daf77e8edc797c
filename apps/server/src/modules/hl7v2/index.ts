// HL7 v2 over MLLP (issue 5): the shared listener every replica may run, the dispatcher from message type to handler
// (handlers are data: listener.ts lists them; ADT handlers join the SIU ones there), ACK/NAK building, and the
// SIU^S12–S15 handlers that mirror an EHR's scheduling as FHIR Appointments (docs/hl7v2.md; ADR 0005 for the framing).

export { startHl7v2Listener } from './listener.ts';
export type { MllpServer } from './mllp.ts';
export { MESSAGE_EXTENSION, SOURCE_TAG } from './siu/resources.ts';
