import type { Resource } from '@medplum/fhirtypes';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Store } from '../src/platform/store/index.ts';
import { adminProbes } from './access-matrix-admin.ts';
import { coordinationProbes } from './access-matrix-coordination.ts';
import { referralProbes } from './access-matrix-referrals.ts';
import { schedulingProbes } from './access-matrix-scheduling.ts';
import { type Caller, ids, type Probe, probe, R4 } from './access-probe.ts';
import {
  code,
  family,
  observation,
  oid,
  pid,
  type Role,
  searchable,
  visible,
  type Which,
  writesObservations,
} from './access-world.ts';

export type { Caller, Probe } from './access-probe.ts';

/** A read: 200 when visible, otherwise the same 404 as for an absent id. */
const read = (name: string, type: Probe['type'], url: (w: Which) => string): Probe =>
  probe({
    name,
    type,
    call: (call, which) => call('GET', `${R4}/${url(which)}`),
    expect: (res, { sees }) => expect(res.statusCode, res.body).toBe(sees ? 200 : 404),
  });

/**
 * A search: 403 when the role may not search the type at all; otherwise 200 whose entries hold `target(which)`
 * exactly when the actor may see it.
 */
const search = (
  name: string,
  type: 'Patient' | 'Observation',
  send: (call: Caller, which: Which) => Promise<LightMyRequestResponse>,
  target: (w: Which) => string,
  sees: (role: Role, which: Which) => boolean = (role, which) => visible(role, type, which),
): Probe =>
  probe({
    name,
    type,
    call: (call, which) => send(call, which),
    expect: (res, { role, which }) => {
      if (!searchable(role, type)) return expect(res.statusCode, res.body).toBe(403);
      expect(res.statusCode, res.body).toBe(200);
      expect(ids(res).includes(target(which)), `${target(which)} in ${ids(res)}`).toBe(sees(role, which));
    },
  });

const get = (url: (w: Which) => string) => (call: Caller, which: Which) => call('GET', `${R4}/${url(which)}`);

let fresh = 0;
/** A new Observation of `which` patient (for foreign and own), or a new id nobody stored (absent). */
const freshObservation = async (store: Store, which: Which) => {
  const id = `w${++fresh}-${which}`;
  if (which !== 'absent') await store.putMany([observation(id, which)]);
  return id;
};

/**
 * A write: for what the actor sees, `ok` when its role writes Observations, else 403; otherwise 403/404 as for an
 * absent id. Clients act for the organization: for an absent id they get `clientAbsent` (created, deleted, or 404
 * for a patch, which cannot create).
 */
const write = (name: string, ok: number, clientAbsent: number, send: Probe['call'], withPrepare = true): Probe =>
  probe({
    name,
    type: 'Observation',
    ...(withPrepare ? { prepare: freshObservation } : {}),
    call: send,
    allowed: writesObservations,
    expect: (res, { sees, allowed, role, which }) => {
      if (role === 'client-all' && which === 'absent') return expect(res.statusCode, res.body).toBe(clientAbsent);
      if (sees) return expect(res.statusCode, res.body).toBe(allowed ? ok : 403);
      expect([403, 404], res.body).toContain(res.statusCode);
    },
  });

const changed = (id: string, which: Which) =>
  observation(id, which, { valueQuantity: { value: 99, unit: 'mmHg' } } as Partial<Resource>);

const fhirProbes: Record<string, Probe[]> = {
  'GET /fhir/R4/:type': [
    search(
      'Observation?patient=',
      'Observation',
      get((w) => `Observation?patient=${pid(w)}`),
      (w) => `Observation/${oid(w)}`,
    ),
    search(
      'Patient?family=',
      'Patient',
      get((w) => `Patient?family=${family(w)}`),
      (w) => `Patient/${pid(w)}`,
    ),
    search(
      'Observation?_id=&_include=Observation:subject (the included patient)',
      'Observation',
      get((w) => `Observation?_id=${oid(w)}&_include=Observation:subject`),
      (w) => `Patient/${pid(w)}`,
      (role, w) => visible(role, 'Observation', w) && visible(role, 'Patient', w),
    ),
    search(
      'Patient?_id=&_revinclude=Observation:subject (the observation)',
      'Patient',
      get((w) => `Patient?_id=${pid(w)}&_revinclude=Observation:subject`),
      (w) => `Observation/${oid(w)}`,
      (role, w) => visible(role, 'Observation', w) && visible(role, 'Patient', w),
    ),
    search(
      'Observation?subject:Patient.family= (chained)',
      'Observation',
      get((w) => `Observation?subject:Patient.family=${family(w)}`),
      (w) => `Observation/${oid(w)}`,
      (role, w) => visible(role, 'Observation', w) && visible(role, 'Patient', w),
    ),
    search(
      'Patient?_has:Observation:subject:code=',
      'Patient',
      get((w) => `Patient?_has:Observation:subject:code=${code(w)}`),
      (w) => `Patient/${pid(w)}`,
      (role, w) => visible(role, 'Observation', w) && visible(role, 'Patient', w),
    ),
    search(
      'Observation?code=&encounter:missing=true',
      'Observation',
      get((w) => `Observation?code=${code(w)}&encounter:missing=true`),
      (w) => `Observation/${oid(w)}`,
    ),
  ],
  'POST /fhir/R4/:type/_search': [
    search(
      'POST Observation/_search (form)',
      'Observation',
      (call, w) =>
        call('POST', `${R4}/Observation/_search`, `_id=${oid(w)}`, {
          'content-type': 'application/x-www-form-urlencoded',
        }),
      (w) => `Observation/${oid(w)}`,
    ),
  ],
  'GET /fhir/R4': [
    probe({
      name: 'system search ?_id=',
      type: 'Observation',
      call: (call, which) => call('GET', `${R4}?_id=${oid(which)}`),
      expect: (res, { sees }) => {
        expect(res.statusCode, res.body).toBe(200);
        expect(ids(res).length).toBe(sees ? 1 : 0);
      },
    }),
  ],
  'GET /fhir/R4/:type/:id': [
    read('read Patient', 'Patient', (w) => `Patient/${pid(w)}`),
    read('read Observation', 'Observation', (w) => `Observation/${oid(w)}`),
  ],
  'GET /fhir/R4/:type/:id/_history/:vid': [
    read('vread Observation', 'Observation', (w) => `Observation/${oid(w)}/_history/1`),
  ],
  'GET /fhir/R4/:type/:id/:sub': [
    read('instance history', 'Observation', (w) => `Observation/${oid(w)}/_history`),
    read('Patient/$everything', 'Patient', (w) => `Patient/${pid(w)}/$everything`),
    read('compartment Patient/{id}/Observation', 'Patient', (w) => `Patient/${pid(w)}/Observation`),
  ],
  'GET /fhir/R4/:type/_history': [
    search(
      'type history',
      'Observation',
      get(() => 'Observation/_history?_count=500'),
      (w) => `Observation/${oid(w)}`,
    ),
  ],
  'GET /fhir/R4/_history': [
    probe({
      name: 'system history',
      type: 'Observation',
      call: (call) => call('GET', `${R4}/_history?_count=1000`),
      expect: (res, { sees, which }) => {
        expect(res.statusCode, res.body).toBe(200);
        expect(ids(res).includes(`Observation/${oid(which)}`)).toBe(sees);
      },
    }),
  ],
  'POST /fhir/R4/:type': [
    write(
      'create Observation for the patient',
      201,
      201,
      (call, which) => call('POST', `${R4}/Observation`, { ...observation('x', which), id: undefined }),
      false,
    ),
  ],
  'PUT /fhir/R4/:type/:id': [
    write('update Observation', 200, 201, (call, which, id) =>
      call('PUT', `${R4}/Observation/${id}`, changed(id as string, which)),
    ),
  ],
  'PATCH /fhir/R4/:type/:id': [
    write('patch Observation', 200, 404, (call, _which, id) =>
      call('PATCH', `${R4}/Observation/${id}`, JSON.stringify([{ op: 'replace', path: '/status', value: 'amended' }]), {
        'content-type': 'application/json-patch+json',
      }),
    ),
  ],
  'DELETE /fhir/R4/:type/:id': [
    write('delete Observation', 204, 204, (call, _which, id) => call('DELETE', `${R4}/Observation/${id}`)),
  ],
  'PUT /fhir/R4/:type': [
    write('conditional update Observation?_id=', 200, 201, (call, which, id) =>
      call('PUT', `${R4}/Observation?_id=${id}`, { ...changed(id as string, which), id: undefined }),
    ),
  ],
  'DELETE /fhir/R4/:type': [
    probe({
      name: 'conditional delete Observation?_id=',
      type: 'Observation',
      prepare: freshObservation,
      call: (call, _which, id) => call('DELETE', `${R4}/Observation?_id=${id}`),
      // What the actor cannot see matches nothing: deleting nothing is 204, exactly as for an absent id.
      expect: (res, { sees, role }) =>
        expect(res.statusCode, res.body).toBe(
          !searchable(role, 'Observation') || (sees && !writesObservations(role)) ? 403 : 204,
        ),
    }),
  ],
  'POST /fhir/R4': [
    write(
      'transaction creating an Observation',
      200,
      200,
      (call, which) =>
        call('POST', R4, {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [
            {
              resource: { ...observation('t', which), id: undefined },
              request: { method: 'POST', url: 'Observation' },
            },
          ],
        }),
      false,
    ),
  ],
};

/** Bulk Data is for backend-services clients with `*` read: everyone else is refused, whichever patient. */
const exportProbes: Record<string, Probe[]> = {
  'GET /fhir/R4/$export': [
    probe({
      name: 'system $export kick-off',
      type: 'none',
      call: (call) => call('GET', `${R4}/$export?_type=Observation`, undefined, { prefer: 'respond-async' }),
      expect: (res, { role }) =>
        expect(res.statusCode, res.body).toBe(role === 'client-all' || role === 'client-observations' ? 202 : 403),
    }),
  ],
  'GET /fhir/R4/Patient/$export': [
    probe({
      name: 'Patient/$export kick-off',
      type: 'none',
      call: (call) => call('GET', `${R4}/Patient/$export`, undefined, { prefer: 'respond-async' }),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(role === 'client-all' ? 202 : 403),
    }),
  ],
  'GET /fhir/R4/Group/:id/$export': [
    probe({
      name: 'Group/{id}/$export kick-off (absent group)',
      type: 'none',
      call: (call, which) => call('GET', `${R4}/Group/${which}/$export`, undefined, { prefer: 'respond-async' }),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(role === 'client-all' ? 404 : 403),
    }),
  ],
  'GET /fhir/R4/$export-status/:id': [
    probe({
      name: "someone else's or no export status",
      type: 'none',
      call: (call) => call('GET', `${R4}/$export-status/00000000-0000-4000-8000-000000000000`),
      expect: (res) => expect(res.statusCode).toBe(404),
    }),
  ],
  'DELETE /fhir/R4/$export-status/:id': [
    probe({
      name: "cancel someone else's or no export",
      type: 'none',
      call: (call) => call('DELETE', `${R4}/$export-status/00000000-0000-4000-8000-000000000000`),
      expect: (res) => expect(res.statusCode).toBe(404),
    }),
  ],
  'GET /fhir/R4/$export-file/:id/:file': [
    probe({
      name: "someone else's or no export file",
      type: 'none',
      call: (call) => call('GET', `${R4}/$export-file/00000000-0000-4000-8000-000000000000/Patient-1.ndjson`),
      expect: (res) => expect(res.statusCode).toBe(404),
    }),
  ],
};

type Entry = Readonly<{ probes: readonly Probe[] }> | Readonly<{ noPatientData: string }>;

/** Every route, with the probes that exercise it or why it holds no patient data. */
export const MATRIX: Record<string, Entry> = {
  ...Object.fromEntries(
    Object.entries({
      ...fhirProbes,
      ...exportProbes,
      ...coordinationProbes,
      ...schedulingProbes,
      ...referralProbes,
      ...adminProbes,
    }).map(([k, probes]) => [k, { probes }]),
  ),
  'GET /worklist/events': {
    noPatientData: 'ids and versions of Tasks the caller may read, nothing else (worklist events.int.test)',
  },
  'GET /fhir/R4/metadata': { noPatientData: 'the CapabilityStatement is public (FHIR R4 §3.1.0.13)' },
  'GET /appointment': {
    noPatientData:
      "no role: the holder of a signed link sent to the patient sees one appointment's date, time and place; audited (scheduling notify.int.test)",
  },
  'POST /appointment': {
    noPatientData:
      'no role: the holder of a signed link confirms or cancels one appointment; audited (notify.int.test)',
  },
  'GET /calendar/feed.ics': {
    noPatientData:
      "a signed link's practitioner feed: times and places of their bookings, no patient (notify.int.test)",
  },
  'POST /calendar/feed-link': {
    noPatientData:
      'a signed feed link for oneself (supervisors and administrators: any practitioner) (notify.int.test)',
  },
  'GET /referral': {
    noPatientData:
      'no role: the holder of a signed link e-mailed to a receiving office sees that one referral; audited (referrals office-link.int.test)',
  },
  'GET /referral/packet.pdf': {
    noPatientData: "no role: the same signed link prints that referral's packet; audited (office-link.int.test)",
  },
  'POST /referral': {
    noPatientData:
      'no role: the holder of the signed link accepts, declines, schedules or reports seen; audited (office-link.int.test)',
  },
  'POST /referral/report': {
    noPatientData: 'no role: the holder of the signed link uploads the consult note; audited (office-link.int.test)',
  },
  'GET /.well-known/jwks.json': {
    noPatientData: 'the public keys CareLoop signs its client assertions with (SMART backend services)',
  },
  'GET /*': {
    noPatientData:
      'the web workbench: its static files and index.html; data comes only through the API (workbench e2e)',
  },
  'GET /metrics': { noPatientData: 'counters by route pattern and status, no ids (ops.int.test)' },
  'GET /healthz': { noPatientData: 'liveness' },
  'GET /readyz': { noPatientData: 'readiness: database reachable, migrations current' },
  'POST /auth/login': { noPatientData: 'sign-in (auth-sessions.int.test)' },
  'POST /auth/mfa/verify': { noPatientData: 'second factor (auth-sessions.int.test)' },
  'POST /auth/mfa/enrol': { noPatientData: 'TOTP enrolment (auth-sessions.int.test)' },
  'POST /auth/mfa/enrol/confirm': { noPatientData: 'TOTP enrolment (auth-sessions.int.test)' },
  'POST /auth/logout': { noPatientData: 'sign-out (auth-sessions.int.test)' },
  'GET /auth/session': { noPatientData: "the caller's own session" },
  'POST /auth/password-reset': { noPatientData: 'asks for a reset link by e-mail (password-reset.int.test)' },
  'POST /auth/password-reset/complete': {
    noPatientData: 'sets a password with a reset token (password-reset.int.test)',
  },
  'POST /auth/token': { noPatientData: 'SMART Backend Services token endpoint (smart-backend.int.test)' },
  'GET /.well-known/smart-configuration': { noPatientData: 'SMART discovery document' },
  'GET /fhir/R4/.well-known/smart-configuration': { noPatientData: 'SMART discovery document' },
};
