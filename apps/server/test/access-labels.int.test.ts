import type { Consent, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedClock } from '../src/platform/clock.ts';
import type { Role } from '../src/platform/identity/roles.ts';
import { accessWorld, observation } from './access-world.ts';
import { createTestApp, type TestApp } from './harness.ts';
import { type Browser, person, signIn } from './people.ts';

// Sensitive data (security labels) is withheld unless the role permits it or the patient consented; withheld means
// invisible (404, absent from searches), never redacted in place. Only staff may set labels.
const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
const as = new Map<string, Browser>();
const label = (code: string) => ({
  meta: {
    security: [
      {
        system:
          code === 'R' || code === 'V'
            ? 'http://terminology.hl7.org/CodeSystem/v3-Confidentiality'
            : 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code,
      },
    ],
  },
});

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.store.putMany([
    ...accessWorld(),
    observation('obs-eth', 'own', label('ETH')),
    observation('obs-psy', 'own', label('PSY')),
    observation('obs-r', 'own', label('R')),
  ]);
  const people: [string, Role, string][] = [
    ['coordinator', 'care-coordinator', 'Practitioner/coord'],
    ['clinician', 'clinician', 'Practitioner/clin'],
    ['patient', 'patient', 'Patient/own'],
    ['proxy', 'proxy', 'RelatedPerson/proxy-own'],
  ];
  for (const [username, role, ref] of people) {
    await person(t, clock, { username, roles: [role], fhirReference: ref });
    as.set(username, await signIn(t.anonymous, clock, username));
  }
});
afterAll(() => t?.close());

const sees = async (who: string, id: string) => {
  const b = as.get(who) as Browser;
  const read = (await b.request('GET', `/fhir/R4/Observation/${id}`)).statusCode;
  const search = await b.request('GET', '/fhir/R4/Observation?patient=own&_count=100');
  const found = (search.json().entry ?? []).some((e: { resource: Resource }) => e.resource.id === id);
  // A read and a search agree: visible in both or in neither.
  expect(read === 200, `${who} ${id}: read ${read}, search ${found}`).toBe(found);
  if (read !== 200) expect(read).toBe(404);
  return found;
};

describe('security labels and consent', () => {
  test.each([
    ['obs-eth', 'substance use (42 CFR Part 2)', { coordinator: false, clinician: false, patient: true, proxy: false }],
    ['obs-psy', 'psychiatry', { coordinator: false, clinician: true, patient: true, proxy: false }],
    ['obs-r', 'restricted', { coordinator: false, clinician: false, patient: true, proxy: false }],
    ['obs-own', 'unlabelled', { coordinator: true, clinician: true, patient: true, proxy: true }],
  ])('%s (%s) is visible exactly to the roles that may see it', async (id, _what, expected) => {
    for (const [who, visible] of Object.entries(expected)) expect(await sees(who, id), `${who} → ${id}`).toBe(visible);
  });

  test("the patient's Consent lifts a label for the person it names, for its period only", async () => {
    const consent: Consent = {
      resourceType: 'Consent',
      id: 'eth-to-coord',
      status: 'active',
      scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] },
      category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }],
      patient: { reference: 'Patient/own' },
      policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
      provision: {
        type: 'permit',
        period: { start: '2026-01-01', end: '2026-12-31' },
        actor: [
          {
            role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] },
            reference: { reference: 'Practitioner/coord' },
          },
        ],
        securityLabel: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'ETH' }],
      },
    };
    await t.store.putMany([consent]);
    // Access is resolved per request: a new sign-in is not needed.
    expect(await sees('coordinator', 'obs-eth')).toBe(true);
    expect(await sees('clinician', 'obs-eth')).toBe(false);
    expect(await sees('coordinator', 'obs-psy')).toBe(false);
    await t.store.putMany([{ ...consent, provision: { ...consent.provision, period: { end: '2026-02-01' } } }]);
    expect(await sees('coordinator', 'obs-eth')).toBe(false);
  });

  test('a patient cannot set or remove security labels; staff can', async () => {
    const patient = as.get('patient') as Browser;
    const labelled = { ...observation('x', 'own', label('ETH')), id: undefined };
    const refused = await patient.request('POST', '/fhir/R4/Observation', labelled);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().issue[0].expression).toEqual(['Observation.meta.security']);
    const unlabel = await patient.request('PUT', '/fhir/R4/Observation/obs-eth', observation('obs-eth', 'own'));
    expect(unlabel.statusCode).toBe(403);
    const clinician = as.get('clinician') as Browser;
    expect((await clinician.request('POST', '/fhir/R4/Observation', { ...labelled, ...label('PSY') })).statusCode).toBe(
      201,
    );
  });
});
