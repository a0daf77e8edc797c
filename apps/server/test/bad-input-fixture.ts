import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect } from 'vitest';
import { expectOutcome, type FhirClient, fhirClient, type RowCounts, rowCounts } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// Every bad request gets a 4xx OperationOutcome, and the database is exactly as it was before it.
let t: TestApp;
let fhir: FhirClient;
let existing: Patient & { id: string };
let before: RowCounts;

async function load(): Promise<void> {
  t = await createTestApp();
  fhir = fhirClient(t.app);
  existing = await fhir.create<Patient>({
    resourceType: 'Patient',
    name: [{ family: 'Existing' }],
    birthDate: '1980-01-01',
  });
  await fhir.create({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'x' },
    subject: { reference: `Patient/${existing.id}` },
  });
}

/** Sends a raw request and checks the status, the OperationOutcome and that no row changed. */
async function rejected(
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  status: number,
  payload?: string,
  headers: Record<string, string> = {},
) {
  before = await rowCounts(t.db);
  const r = await fhir.request(method, url, payload, headers);
  const outcome = expectOutcome(r, status);
  expect(r.headers['content-type']).toMatch(/^application\/fhir\+json/);
  expect(await rowCounts(t.db)).toEqual(before);
  return outcome;
}
const json = { 'content-type': 'application/fhir+json' };

/**
 * A fresh app holding one Patient (`existing`) with an Observation, for the bad-input tests; `rejected` sends a request
 * and checks it is a 4xx OperationOutcome that changed no row.
 */
export function useBadInputFixture() {
  beforeAll(load);
  afterAll(() => t?.close());
  return {
    get t() {
      return t;
    },
    get fhir() {
      return fhir;
    },
    get existing() {
      return existing;
    },
    rejected,
    json,
  };
}
