import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import type { LightMyRequestResponse } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { expect } from 'vitest';
import { createReferral } from '../src/modules/referrals/index.ts';
import type { Store } from '../src/platform/store/index.ts';
import { type Probe, probe, R4 } from './access-probe.ts';
import { pid, type Role, type Which } from './access-world.ts';

const SPECIALTY = { system: 'urn:matrix', code: 'cardio' };

/**
 * The receiver every matrix referral goes to: the scheduling world's practitioner (none of the callers; an offer
 * gives its owner access to the patient, and the foreign patient must stay foreign to every caller).
 */
export function referralsWorld(): Resource[] {
  return [
    {
      resourceType: 'PractitionerRole',
      id: 'matrix-cardio',
      active: true,
      practitioner: { reference: 'Practitioner/matrix-doc' },
      organization: { reference: 'Organization/other-org' },
      specialty: [{ coding: [SPECIALTY] }],
    },
  ] as Resource[];
}

const referBody = (which: Which) => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'patient', valueReference: { reference: `Patient/${pid(which)}` } },
    { name: 'reason', valueString: 'matrix' },
    { name: 'specialty', valueCoding: SPECIALTY },
    { name: 'receiver', valueReference: { reference: 'PractitionerRole/matrix-cardio' } },
  ],
});

/** A referral for `which` patient made by the system (own and foreign); for absent, ids nobody stored. */
const referral = async (store: Store, which: Which) => {
  if (which === 'absent') return { serviceRequest: randomUUID(), offer: randomUUID() };
  const { serviceRequest, offers } = await createReferral(
    store,
    {
      patient: pid(which),
      reason: 'matrix',
      urgency: 'routine',
      specialty: { coding: [SPECIALTY] },
      packet: [],
      candidates: ['PractitionerRole/matrix-cardio'],
      strategy: 'sequential',
    },
    { now: Temporal.Instant.from('2026-06-01T12:00:00Z') },
  );
  return { serviceRequest: serviceRequest.id as string, offer: offers[0]?.id as string };
};

// Care team staff and organization-wide clients refer and move referrals on; patients and proxies follow theirs.
const refers = (role: Role) => ['supervisor', 'care-coordinator', 'clinician', 'client-all'].includes(role);
// The loop measures are for staff and clients that read referrals; the directory holds no patient data.
const reads = (role: Role) => role !== 'administrator' && role !== 'client-observations';
const readsDirectory = (role: Role) => role !== 'client-observations';

/** For what the actor sees: `ok` or 403 by role; otherwise as for an absent patient or referral. */
const outcome = (res: LightMyRequestResponse, sees: boolean, may: boolean, ok: number) => {
  if (sees) return expect(res.statusCode, res.body).toBe(may ? ok : 403);
  expect([403, 404], res.body).toContain(res.statusCode);
};

/** The referral routes (issue #6): every one acts on a patient's referral, so it follows their visibility. */
export const referralProbes: Record<string, Probe[]> = {
  'POST /fhir/R4/ServiceRequest/$refer': [
    probe({
      name: 'refer a patient',
      type: 'Patient',
      call: (call, which) => call('POST', `${R4}/ServiceRequest/$refer`, referBody(which)),
      allowed: refers,
      expect: (res, { sees, role }) => outcome(res, sees, refers(role), 201),
    }),
  ],
  'GET /fhir/R4/ServiceRequest/$receivers': [
    probe({
      name: 'the receivers directory',
      type: 'none',
      call: (call) => call('GET', `${R4}/ServiceRequest/$receivers?specialty=urn:matrix|cardio`),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(readsDirectory(role) ? 200 : 403),
    }),
  ],
  'GET /fhir/R4/ServiceRequest/$referral-measures': [
    probe({
      name: 'closed-loop measures',
      type: 'none',
      call: (call) => call('GET', `${R4}/ServiceRequest/$referral-measures`),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(reads(role) ? 200 : 403),
    }),
  ],
  'GET /fhir/R4/ServiceRequest/:id/$packet': [
    probe({
      name: "a referral's packet (PDF)",
      type: 'Patient',
      prepare: async (store, which) => (await referral(store, which)).serviceRequest,
      call: (call, _which, id) => call('GET', `${R4}/ServiceRequest/${id}/$packet`),
      expect: (res, { sees }) => outcome(res, sees, true, 200),
    }),
  ],
  'POST /fhir/R4/ServiceRequest/:id/$cancel': [
    probe({
      name: 'cancel a referral',
      type: 'Patient',
      prepare: async (store, which) => (await referral(store, which)).serviceRequest,
      call: (call, _which, id) =>
        call('POST', `${R4}/ServiceRequest/${id}/$cancel`, {
          resourceType: 'Parameters',
          parameter: [{ name: 'reason', valueString: 'matrix' }],
        }),
      allowed: refers,
      expect: (res, { sees, role }) => outcome(res, sees, refers(role), 200),
    }),
  ],
  'POST /fhir/R4/Task/:id/$advance': [
    probe({
      name: 'the referrer withdraws an offer',
      type: 'Patient',
      prepare: async (store, which) => (await referral(store, which)).offer,
      call: (call, _which, id) =>
        call('POST', `${R4}/Task/${id}/$advance`, {
          resourceType: 'Parameters',
          parameter: [
            { name: 'stage', valueCode: 'cancelled' },
            { name: 'reason', valueString: 'matrix' },
          ],
        }),
      allowed: refers,
      expect: (res, { sees, role }) => outcome(res, sees, refers(role), 200),
    }),
  ],
  'POST /fhir/R4/Task/:id/$sync': [
    probe({
      name: 'read an offer back from its receiver',
      type: 'Patient',
      prepare: async (store, which) => (await referral(store, which)).offer,
      call: (call, _which, id) => call('POST', `${R4}/Task/${id}/$sync`),
      allowed: refers,
      expect: (res, { sees, role }) => outcome(res, sees, refers(role), 200),
    }),
  ],
};
