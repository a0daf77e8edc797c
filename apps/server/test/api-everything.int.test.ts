import type { Bundle, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type FhirClient, fhirClient } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// Patient/$everything: the compartment, plus what it refers to (R4 Patient-everything: "SHOULD include referenced
// resources"), but never another patient pulled in through a reference.
let t: TestApp;
let fhir: FhirClient;
const ref = (r: { resourceType: string; id: string }) => ({ reference: `${r.resourceType}/${r.id}` });

let ids: Record<string, string> = {};
beforeAll(async () => {
  t = await createTestApp();
  fhir = fhirClient(t.app);
  const org = await fhir.create({ resourceType: 'Organization', name: 'Bayou Clinic' });
  const dr = await fhir.create({ resourceType: 'Practitioner', name: [{ family: 'Osler' }] });
  const med = await fhir.create({ resourceType: 'Medication', code: { text: 'metformin 500 mg' } });
  const other = await fhir.create({ resourceType: 'Patient', name: [{ family: 'Other' }] });
  const pat = await fhir.create({
    resourceType: 'Patient',
    managingOrganization: ref(org),
    generalPractitioner: [ref(dr)],
  });
  const rx = await fhir.create({
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    subject: ref(pat),
    medicationReference: ref(med),
    requester: ref(dr),
  });
  // An observation about the patient whose focus is another patient: that patient must not come along.
  const obs = await fhir.create({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'x' },
    subject: ref(pat),
    focus: [ref(other)],
  });
  await fhir.create({ resourceType: 'Observation', status: 'final', code: { text: 'y' }, subject: ref(other) });
  ids = { org: org.id, dr: dr.id, med: med.id, other: other.id, pat: pat.id, rx: rx.id, obs: obs.id };
});
afterAll(() => t?.close());

const keyOf = (r: Resource | undefined) => `${r?.resourceType}/${r?.id}`;

test('$everything returns the compartment as matches and the referenced resources as includes', async () => {
  const bundle = (await fhir.get<Bundle>(`Patient/${ids.pat}/$everything`)).body;
  const byMode = (mode: string) =>
    (bundle.entry ?? [])
      .filter((e) => e.search?.mode === mode)
      .map((e) => keyOf(e.resource))
      .sort();
  expect(byMode('match')).toEqual(
    [`MedicationRequest/${ids.rx}`, `Observation/${ids.obs}`, `Patient/${ids.pat}`].sort(),
  );
  expect(byMode('include')).toEqual(
    [`Medication/${ids.med}`, `Organization/${ids.org}`, `Practitioner/${ids.dr}`].sort(),
  );
  expect(bundle.total).toBe(3);
});

test('the compartment search (Patient/{id}/*) does not add referenced resources', async () => {
  const bundle = (await fhir.get<Bundle>(`Patient/${ids.pat}/*`)).body;
  expect((bundle.entry ?? []).every((e) => e.search?.mode === 'match')).toBe(true);
  expect(bundle.entry).toHaveLength(3);
});
