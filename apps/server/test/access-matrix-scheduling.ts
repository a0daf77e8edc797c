import type { Appointment, Resource } from '@medplum/fhirtypes';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { SCHEDULING_EXTENSIONS as EXT } from '../src/modules/scheduling/index.ts';
import type { Store } from '../src/platform/store/index.ts';
import { type Probe, probe, R4 } from './access-probe.ts';
import { pid, type Role, type Which } from './access-world.ts';

/**
 * What the scheduling probes book: a service whose visit takes 30 minutes with one practitioner, open every day all
 * day, so any future time is free until a probe takes it. The practitioner is none of the callers: a booked visit
 * gives its practitioner access to the patient, and the matrix's foreign patient must stay foreign to everyone.
 */
export function schedulingWorld(): Resource[] {
  const service = { system: 'urn:matrix', code: 'visit' };
  return [
    { resourceType: 'Practitioner', id: 'matrix-doc' },
    {
      resourceType: 'HealthcareService',
      id: 'matrix-svc',
      active: true,
      type: [{ coding: [service] }],
      extension: [
        {
          url: EXT.appointmentType,
          extension: [
            { url: 'code', valueCoding: { system: 'urn:matrix', code: 'visit' } },
            {
              url: 'duration',
              valueDuration: { value: 30, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
            },
          ],
        },
      ],
    },
    {
      resourceType: 'Schedule',
      id: 'matrix-sched',
      active: true,
      actor: [{ reference: 'Practitioner/matrix-doc' }],
      serviceType: [{ coding: [service] }],
      extension: [
        {
          url: EXT.workingHours,
          extension: [
            { url: 'rrule', valueString: 'FREQ=DAILY' },
            { url: 'start', valueTime: '00:00:00' },
            { url: 'end', valueTime: '00:00:00' },
          ],
        },
      ],
    },
  ] as Resource[];
}

// Every booking probe takes its own half hour, from the first of next year on.
let slot = 0;
const nextStart = () => new Date(Date.UTC(2027, 0, 1) + ++slot * 3_600_000).toISOString();
const proposal = (which: Which, start: string): Appointment => ({
  resourceType: 'Appointment',
  status: 'proposed',
  appointmentType: { coding: [{ system: 'urn:matrix', code: 'visit' }] },
  start,
  supportingInformation: [{ reference: 'HealthcareService/matrix-svc' }],
  participant: [
    { actor: { reference: `Patient/${pid(which)}` }, status: 'needs-action' },
    { actor: { reference: 'Practitioner/matrix-doc' }, required: 'required', status: 'needs-action' },
  ],
});

// Staff and organization-wide clients book; patients and proxies see their appointments but do not make them here.
const books = (role: Role) => ['supervisor', 'care-coordinator', 'clinician', 'client-all'].includes(role);
const reads = (role: Role) => role !== 'administrator' && role !== 'client-observations';

/** For what the actor sees: `ok` or 403 by role; otherwise as for an absent patient or appointment. */
const outcome = (res: LightMyRequestResponse, sees: boolean, may: boolean, ok: number) => {
  if (sees) return expect(res.statusCode, res.body).toBe(may ? ok : 403);
  expect([403, 404], res.body).toContain(res.statusCode);
};

const booked = async (store: Store, which: Which) => {
  const id = `appt${++slot}-${which}`;
  const start = nextStart();
  const end = new Date(Date.parse(start) + 30 * 60_000).toISOString();
  if (which !== 'absent') await store.putMany([{ ...proposal(which, start), id, status: 'booked', end } as Resource]);
  return id;
};

const findQuery = (which: Which) =>
  `service=HealthcareService/matrix-svc&patient=Patient/${pid(which)}&start=2027-01-01T00:00:00Z&_count=1`;

/** The scheduling routes (issue #5): every one acts on a patient's appointments, so it follows their visibility. */
export const schedulingProbes: Record<string, Probe[]> = {
  'GET /fhir/R4/Appointment/$find': [
    probe({
      name: 'free times for a patient',
      type: 'Patient',
      call: (call, which) => call('GET', `${R4}/Appointment/$find?${findQuery(which)}`),
      expect: (res, { sees }) => outcome(res, sees, true, 200),
    }),
  ],
  'POST /fhir/R4/Appointment/$find': [
    probe({
      name: 'free times for a patient (Parameters)',
      type: 'Patient',
      call: (call, which) =>
        call('POST', `${R4}/Appointment/$find`, {
          resourceType: 'Parameters',
          parameter: [
            { name: 'service', valueReference: { reference: 'HealthcareService/matrix-svc' } },
            { name: 'patient', valueReference: { reference: `Patient/${pid(which)}` } },
            { name: 'start', valueDateTime: '2027-01-01T00:00:00Z' },
          ],
        }),
      expect: (res, { sees }) => outcome(res, sees, true, 200),
    }),
  ],
  'POST /fhir/R4/Appointment/$book': [
    probe({
      name: 'book a time for a patient',
      type: 'Patient',
      call: (call, which) => call('POST', `${R4}/Appointment/$book`, proposal(which, nextStart())),
      allowed: books,
      expect: (res, { sees, role }) => outcome(res, sees, books(role), 201),
    }),
  ],
  'POST /fhir/R4/Appointment/$waitlist': [
    probe({
      name: 'put a patient on the waitlist',
      type: 'Patient',
      call: (call, which) =>
        call('POST', `${R4}/Appointment/$waitlist`, {
          resourceType: 'Parameters',
          parameter: [
            { name: 'service', valueReference: { reference: 'HealthcareService/matrix-svc' } },
            { name: 'patient', valueReference: { reference: `Patient/${pid(which)}` } },
          ],
        }),
      allowed: books,
      expect: (res, { sees, role }) => outcome(res, sees, books(role), 201),
    }),
  ],
  'POST /fhir/R4/Appointment/:id/:operation': [
    probe({
      name: '$cancel',
      type: 'Patient',
      prepare: booked,
      call: (call, _which, id) =>
        call('POST', `${R4}/Appointment/${id}/$cancel`, {
          resourceType: 'Parameters',
          parameter: [{ name: 'reason', valueString: 'matrix' }],
        }),
      allowed: books,
      expect: (res, { sees, role }) => outcome(res, sees, books(role), 200),
    }),
  ],
  'GET /fhir/R4/Appointment/$no-show-rate': [
    probe({
      name: "a patient's no-show rate",
      type: 'none',
      call: (call, which) => call('GET', `${R4}/Appointment/$no-show-rate?patient=Patient/${pid(which)}`),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(reads(role) ? 200 : 403),
    }),
  ],
};
