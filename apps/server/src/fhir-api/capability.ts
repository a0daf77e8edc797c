import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { resourceTypes, searchParamsOf } from '../platform/store/index.ts';
import { systemOperations, typeOperations } from './operations.ts';

const interactions = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'create',
  'search-type',
] as const;

// Result and control parameters every type supports (R4 §3.1.1.5), beside its own indexed parameters.
const commonParams = [
  ['_id', 'token'],
  ['_lastUpdated', 'date'],
] as const;

/** Which optional features this process serves (an operation is listed only where it works). */
export type Features = Readonly<{ bulkExport: boolean }>;

const cached = new Map<string, CapabilityStatement>();

/**
 * The server's CapabilityStatement, built from the same lists that drive routing and indexing (resourceTypes,
 * searchParamsOf, operations), so it lists exactly what works.
 */
export function capabilityStatement(baseUrl: string, features: Features): CapabilityStatement {
  const key = `${baseUrl} ${features.bulkExport}`;
  const hit = cached.get(key);
  if (hit) return hit;
  const served = (o: { name: string }) => features.bulkExport || o.name !== 'export';
  const resource: CapabilityStatementRestResource[] = resourceTypes.map((type) => ({
    type,
    interaction: interactions.map((code) => ({ code })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalUpdate: true,
    conditionalDelete: 'single',
    searchInclude: [...searchParamsOf(type).values()]
      .filter((p) => p.type === 'reference')
      .map((p) => `${type}:${p.code}`),
    searchParam: [
      ...commonParams.map(([name, t]) => ({ name, type: t })),
      ...[...searchParamsOf(type).values()].map((p) => ({ name: p.code, type: p.type, definition: p.definition.url })),
    ],
    operation: (typeOperations[type as keyof typeof typeOperations] ?? []).map((o) => ({
      name: o.name,
      definition: o.definition,
    })),
  }));
  const statement: CapabilityStatement = {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-23',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    patchFormat: ['application/json-patch+json'],
    software: { name: 'CareLoop', version: '0.1.0' },
    implementation: { description: 'CareLoop FHIR R4 server', url: `${baseUrl}/fhir/R4` },
    rest: [
      {
        mode: 'server',
        resource,
        interaction: [
          { code: 'transaction' },
          { code: 'batch' },
          { code: 'search-system' },
          { code: 'history-system' },
        ],
        operation: systemOperations.filter(served).map((o) => ({ name: o.name, definition: o.definition })),
      },
    ],
  };
  cached.set(key, statement);
  return statement;
}
