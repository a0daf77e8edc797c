/**
 * FHIR operations CareLoop serves, declared once for routing docs and the CapabilityStatement. Modules add theirs
 * here through their index.ts as they arrive.
 */
export const systemOperations = [
  { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export' },
] as const satisfies readonly { name: string; definition: string }[];

export const typeOperations = {
  Patient: [
    { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
    {
      name: 'assign-coordinator',
      definition: 'https://careloop.dev/fhir/OperationDefinition/Patient-assign-coordinator',
    },
    { name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export' },
  ],
  Organization: [
    { name: 'rebalance', definition: 'https://careloop.dev/fhir/OperationDefinition/Organization-rebalance' },
  ],
  Practitioner: [
    {
      name: 'transfer-caseload',
      definition: 'https://careloop.dev/fhir/OperationDefinition/Practitioner-transfer-caseload',
    },
  ],
  Group: [{ name: 'export', definition: 'http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export' }],
  // The worklist (modules/worklist, issue #4): CareLoop's own operations, documented in docs/worklist.md.
  Task: ['worklist', 'supervision', 'bulk', 'claim', 'reassign', 'snooze', 'resume', 'complete', 'escalate'].map(
    (name) => ({
      name,
      definition: `https://careloop.dev/fhir/OperationDefinition/Task-${name}`,
    }),
  ),
} as const satisfies Record<string, readonly { name: string; definition: string }[]>;
