import type { Bundle, Parameters, ParametersParameter, Resource, Task } from '@medplum/fhirtypes';
import { expect } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, person, signIn } from '../../../test/people.ts';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import { ENDPOINT_EXT } from './remote.ts';

/**
 * The world the referral tests refer in: a referring clinic whose coordinator looks after one patient (with a
 * condition, a medication, an allergy, a result and Medicaid-like coverage); three cardiologists inside CareLoop;
 * an outside cardiology office reached by secure e-mail; and a patient the coordinator has no relationship with.
 */
export const CARDIOLOGY = {
  system: 'http://nucc.org/provider-taxonomy',
  code: '207RC0000X',
  display: 'Cardiovascular Disease',
} as const;
export const R4 = '/fhir/R4';

const CONNECTION = 'http://terminology.hl7.org/CodeSystem/endpoint-connection-type';
const payloadType = [{ coding: [{ system: 'http://hl7.org/fhir/endpoint-payload-type', code: 'any' }] }];

/** An Endpoint of a receiver: FHIR REST (with CareLoop's client id there and the owner of referrals there) or e-mail. */
export function endpoint(
  id: string,
  kind: 'fhir' | 'email',
  address: string,
  remote?: { clientId: string; owner: string },
): Resource {
  return {
    resourceType: 'Endpoint',
    id,
    status: 'active',
    connectionType: { system: CONNECTION, code: kind === 'fhir' ? 'hl7-fhir-rest' : 'secure-email' },
    payloadType,
    address,
    ...(remote
      ? {
          extension: [
            { url: ENDPOINT_EXT.clientId, valueString: remote.clientId },
            { url: ENDPOINT_EXT.remoteOwner, valueString: remote.owner },
          ],
        }
      : {}),
  } as Resource;
}

const cardiologist = (n: number): Resource[] => [
  {
    resourceType: 'Practitioner',
    id: `ref-card-${n}`,
    name: [{ family: `Heart${n}`, given: ['Casey'], prefix: ['Dr'] }],
  },
  {
    resourceType: 'PractitionerRole',
    id: `ref-card-role-${n}`,
    active: true,
    practitioner: { reference: `Practitioner/ref-card-${n}` },
    organization: { reference: 'Organization/ref-org' },
    specialty: [{ coding: [CARDIOLOGY] }],
  },
];

export function referralWorld(): Resource[] {
  const patient = { reference: 'Patient/ref-pat' };
  return [
    { resourceType: 'Organization', id: 'ref-org', name: 'Eastside Primary Care', active: true },
    { resourceType: 'Organization', id: 'ref-payer', name: 'Gulf Health Plan', active: true },
    { resourceType: 'Practitioner', id: 'ref-coord', name: [{ family: 'Okafor', given: ['Ada'] }] },
    {
      resourceType: 'PractitionerRole',
      id: 'ref-coord-role',
      active: true,
      practitioner: { reference: 'Practitioner/ref-coord' },
      organization: { reference: 'Organization/ref-org' },
    },
    {
      resourceType: 'Patient',
      id: 'ref-pat',
      identifier: [{ system: 'urn:oid:2.16.840.1.113883.19.5', value: 'MRN-4471' }],
      name: [{ family: 'Alvarez', given: ['Marisol'] }],
      birthDate: '1958-04-12',
      gender: 'female',
      telecom: [
        { system: 'email', value: 'marisol@example.org' },
        { system: 'sms', value: '+17135550142' },
      ],
    },
    {
      resourceType: 'CareTeam',
      id: 'ref-team',
      status: 'active',
      subject: patient,
      participant: [{ member: { reference: 'Practitioner/ref-coord' } }],
    },
    {
      resourceType: 'Condition',
      id: 'ref-cond',
      subject: patient,
      code: { coding: [{ system: 'http://snomed.info/sct', code: '49436004', display: 'Atrial fibrillation' }] },
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
    },
    {
      resourceType: 'MedicationRequest',
      id: 'ref-med',
      status: 'active',
      intent: 'order',
      subject: patient,
      medicationCodeableConcept: { text: 'Apixaban 5 mg tablet' },
    },
    {
      resourceType: 'AllergyIntolerance',
      id: 'ref-allergy',
      patient,
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
      },
      code: { text: 'Penicillin' },
    },
    {
      resourceType: 'Observation',
      id: 'ref-obs',
      status: 'final',
      subject: patient,
      code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
      valueQuantity: { value: 118, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    },
    {
      resourceType: 'Coverage',
      id: 'ref-cov',
      status: 'active',
      beneficiary: patient,
      payor: [{ reference: 'Organization/ref-payer' }],
    },
    ...[1, 2, 3].flatMap(cardiologist),
    {
      resourceType: 'Organization',
      id: 'ref-office',
      name: 'Bayou Cardiology',
      active: true,
      endpoint: [{ reference: 'Endpoint/ref-ep-mail' }],
    },
    endpoint('ref-ep-mail', 'email', 'mailto:office@bayou-cardiology.example'),
    {
      resourceType: 'HealthcareService',
      id: 'ref-office-svc',
      active: true,
      name: 'Bayou Cardiology clinic',
      providedBy: { reference: 'Organization/ref-office' },
      specialty: [{ coding: [CARDIOLOGY] }],
    },
    { resourceType: 'Patient', id: 'ref-other', name: [{ family: 'Stranger' }] },
    {
      resourceType: 'Condition',
      id: 'ref-other-cond',
      subject: { reference: 'Patient/ref-other' },
      code: { text: 'Something private' },
    },
  ];
}

export type ReferralTest = Readonly<{ t: TestApp; coord: Browser; cardiologists: Browser[] }>;

/** The app with the referral world, its coordinator and the three cardiologists signed in. */
export async function referralApp(
  clock: Clock,
  config: Partial<Config> = {},
  extra: Resource[] = [],
): Promise<ReferralTest> {
  const t = await createTestApp({ clock, config: { jobsEnabled: true, logLevel: 'error', ...config } });
  await t.store.putMany([...referralWorld(), ...extra]);
  await person(t, clock, {
    username: 'ref-coord',
    roles: ['care-coordinator'],
    fhirReference: 'Practitioner/ref-coord',
  });
  const cardiologists: Browser[] = [];
  for (const n of [1, 2, 3]) {
    await person(t, clock, {
      username: `ref-card-${n}`,
      roles: ['clinician'],
      fhirReference: `Practitioner/ref-card-${n}`,
    });
    cardiologists.push(await signIn(t.anonymous, clock, `ref-card-${n}`));
  }
  return { t, coord: await signIn(t.anonymous, clock, 'ref-coord'), cardiologists };
}

/** Everyone signed in again (after the clock has moved past the session limits), with the second factor enrolled. */
export async function signInAgain(w: ReferralTest, clock: Clock): Promise<ReferralTest> {
  const again = (b: Browser) => signIn(w.t.anonymous, clock, b.username, b.secret);
  return { t: w.t, coord: await again(w.coord), cardiologists: await Promise.all(w.cardiologists.map(again)) };
}

/** A `$refer` body: the world's patient, cardiology, the packet picked, to these receivers. */
export function referBody(
  receivers: readonly string[],
  options: {
    strategy?: 'parallel' | 'sequential';
    patient?: string;
    packet?: readonly string[];
    urgency?: string;
  } = {},
): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'patient', valueReference: { reference: options.patient ?? 'Patient/ref-pat' } },
    { name: 'reason', valueString: 'New atrial fibrillation, rate not controlled' },
    { name: 'urgency', valueCode: options.urgency ?? 'urgent' },
    { name: 'specialty', valueCoding: CARDIOLOGY },
    { name: 'strategy', valueCode: options.strategy ?? 'sequential' },
    ...(
      options.packet ?? [
        'Condition/ref-cond',
        'MedicationRequest/ref-med',
        'AllergyIntolerance/ref-allergy',
        'Observation/ref-obs',
      ]
    ).map((reference) => ({ name: 'packet', valueReference: { reference } })),
    ...receivers.map((reference) => ({ name: 'receiver', valueReference: { reference } })),
  ];
  return { resourceType: 'Parameters', parameter };
}

/** Refers through the API as `who`; the ServiceRequest id and the offers in candidate order. */
export async function refer(who: Browser, body: Parameters): Promise<{ sr: string; offers: Task[] }> {
  const res = await who.request('POST', `${R4}/ServiceRequest/$refer`, body);
  expect(res.statusCode, res.body).toBe(201);
  const bundle = res.json<Bundle>();
  const resources = (bundle.entry ?? []).map((e) => e.resource as Resource);
  return { sr: resources[0]?.id as string, offers: resources.slice(1) as Task[] };
}

/** `$advance` on an offer as `who`. */
export const advance = (who: Browser, offer: string, stage: string, more: ParametersParameter[] = []) =>
  who.request('POST', `${R4}/Task/${offer}/$advance`, {
    resourceType: 'Parameters',
    parameter: [{ name: 'stage', valueCode: stage }, ...more],
  });

/** The stage an offer is at now (read as `who`). */
export async function stageNow(who: Browser, offer: string): Promise<string | undefined> {
  const res = await who.request('GET', `${R4}/Task/${offer}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<Task>().businessStatus?.coding?.[0]?.code;
}
