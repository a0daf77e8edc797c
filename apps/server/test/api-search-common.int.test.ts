import type { Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type FhirClient, fhirClient, orderedIds } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// The parameters every resource type has (R4 §3.1.1.4.1): _tag, _profile, _security, _source.
let t: TestApp;
let fhir: FhirClient;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  fhir = fhirClient(t.app);
  const meta = {
    tag: [{ system: 'urn:careloop:test', code: 'demo' }],
    profile: ['http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient'],
    security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality', code: 'R' }],
    source: 'urn:ehr:epic',
  };
  ids.tagged = (await fhir.create({ resourceType: 'Patient', meta })).id;
  ids.plain = (await fhir.create({ resourceType: 'Patient' })).id;
  ids.obs = (
    await fhir.create({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, meta: { tag: meta.tag } })
  ).id;
});
afterAll(() => t?.close());

const search = async (query: string) => orderedIds((await fhir.get<Bundle>(query)).body);

describe('parameters for all resources', () => {
  test.each([
    ['Patient?_tag=urn:careloop:test|demo', ['tagged']],
    ['Patient?_tag=demo', ['tagged']],
    ['Patient?_tag:not=demo', ['plain']],
    ['Observation?_tag=urn:careloop:test|demo', ['obs']],
    ['Patient?_profile=http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient', ['tagged']],
    ['Patient?_security=http://terminology.hl7.org/CodeSystem/v3-Confidentiality|R', ['tagged']],
    ['Patient?_source=urn:ehr:epic', ['tagged']],
    ['Patient?_source=urn:ehr:other', []],
    ['Patient?_tag:missing=true', ['plain']],
  ])('%s', async (query, expected) => {
    expect((await search(query)).sort()).toEqual(expected.map((k) => ids[k]).sort());
  });
});
