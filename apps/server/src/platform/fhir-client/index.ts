// Calling other FHIR servers as CareLoop: SMART Backend Services with CareLoop's own signing key.
export { fhirClient, RemoteError } from './client.ts';
export { type OutboundKey, outboundKeyOf } from './key.ts';
