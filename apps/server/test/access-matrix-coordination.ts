import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { LightMyRequestResponse } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { expect } from 'vitest';
import { worklistTask } from '../src/modules/worklist/index.ts';
import type { Store } from '../src/platform/store/index.ts';
import { ids, type Probe, probe, R4 } from './access-probe.ts';
import { family, pid, type Role, searchable, visible, type Which } from './access-world.ts';

let fresh = 0;
/** A new worklist Task for `which` patient (own and foreign), or an id nobody stored (absent). */
const freshTask = async (store: Store, which: Which) => {
  const id = `task${++fresh}-${which}`;
  const task = worklistTask({
    type: 'follow-up-call',
    patient: `Patient/${pid(which)}`,
    authoredOn: Temporal.Instant.from('2026-06-01T10:00:00Z'),
  });
  if (which !== 'absent') await store.putMany([{ ...task, id } as Resource]);
  return id;
};

// Staff and organization-wide clients change Tasks and CareTeams; patients and proxies read theirs, change neither.
const changesTasks = (role: Role) => ['supervisor', 'care-coordinator', 'clinician', 'client-all'].includes(role);

/** What acting on a task answers: for what the actor sees, 200 or 403 by role; otherwise as for an absent task. */
const actedOn = (status: number, { sees, role }: { sees: boolean; role: Role }) => {
  if (sees) return expect(status).toBe(changesTasks(role) ? 200 : 403);
  expect([403, 404]).toContain(status);
};

const complete = { resourceType: 'Parameters', parameter: [{ name: 'outcome', valueString: 'done' }] };

const assign = (which: Which) => ({
  resourceType: 'Parameters',
  parameter: [
    // The other organization's coordinator: assigning them gives none of the matrix's callers new patients.
    { name: 'coordinator', valueReference: { reference: 'Practitioner/other-coord' } },
    { name: 'reason', valueString: `matrix ${which}` },
  ],
});

/**
 * The coordination routes (issue #4): worklist Tasks follow their patient's visibility, like every compartment
 * resource; assigning a coordinator writes the patient's CareTeam; a caseload transfer is for supervisors.
 */
export const coordinationProbes: Record<string, Probe[]> = {
  'POST /fhir/R4/Patient/$match': [
    probe({
      name: 'registry search by family name',
      type: 'Patient',
      call: (call, which) =>
        call('POST', `${R4}/Patient/$match`, {
          resourceType: 'Parameters',
          parameter: [{ name: 'resource', resource: { resourceType: 'Patient', name: [{ family: family(which) }] } }],
        }),
      expect: (res, { role, which }) => {
        if (!searchable(role, 'Patient')) return expect(res.statusCode, res.body).toBe(403);
        expect(res.statusCode, res.body).toBe(200);
        expect(ids(res).includes(`Patient/${pid(which)}`), ids(res).join()).toBe(visible(role, 'Patient', which));
      },
    }),
  ],
  'POST /fhir/R4/Patient/:id/:operation': [
    probe({
      name: '$assign-coordinator',
      type: 'Patient',
      call: (call, which) => call('POST', `${R4}/Patient/${pid(which)}/$assign-coordinator`, assign(which)),
      allowed: changesTasks,
      expect: (res, ctx) => actedOn(res.statusCode, ctx),
    }),
  ],
  'GET /fhir/R4/Task/$supervision': [
    probe({
      name: "the team's queue age, overdue trend and after-hours work",
      type: 'none',
      call: (call) => call('GET', `${R4}/Task/$supervision?organization=Organization/team-org&days=7`),
      expect: (res, { role }) =>
        expect(res.statusCode, res.body).toBe(role === 'supervisor' || role === 'client-all' ? 200 : 403),
    }),
  ],
  'POST /fhir/R4/Organization/:id/:operation': [
    probe({
      name: '$rebalance suggestion',
      type: 'none',
      call: (call) => call('POST', `${R4}/Organization/team-org/$rebalance`, { resourceType: 'Parameters' }),
      expect: (res, { role }) =>
        expect(res.statusCode, res.body).toBe(role === 'supervisor' || role === 'client-all' ? 200 : 403),
    }),
  ],
  'POST /fhir/R4/Practitioner/:id/:operation': [
    probe({
      name: '$transfer-caseload of a practitioner with no caseload',
      type: 'none',
      call: (call, which) =>
        call('POST', `${R4}/Practitioner/nobody-${which}/$transfer-caseload`, {
          resourceType: 'Parameters',
          parameter: [
            { name: 'to', valueReference: { reference: 'Practitioner/coord' } },
            { name: 'reason', valueString: 'matrix' },
          ],
        }),
      expect: (res, { role }) => {
        const status =
          role === 'supervisor' || role === 'client-all' ? 200 : role === 'client-observations' ? 400 : 403;
        expect(res.statusCode, res.body).toBe(status);
      },
    }),
  ],
  'GET /fhir/R4/Task/$worklist': [
    probe({
      name: 'queue of every owner, for one patient',
      type: 'Patient',
      prepare: freshTask,
      call: (call, which) => call('GET', `${R4}/Task/$worklist?owner=all&patient=Patient/${pid(which)}`),
      expect: (res, { role, which }) => {
        if (!searchable(role, 'Patient')) return expect(res.statusCode, res.body).toBe(403);
        expect(res.statusCode, res.body).toBe(200);
        expect(
          ids(res).some((id) => id.startsWith('Task/')),
          ids(res).join(),
        ).toBe(visible(role, 'Patient', which));
      },
    }),
  ],
  'POST /fhir/R4/Task/:id/:operation': [
    probe({
      name: '$complete',
      type: 'Patient',
      prepare: freshTask,
      call: (call, _which, target) => call('POST', `${R4}/Task/${target}/$complete`, complete),
      allowed: changesTasks,
      expect: (res, ctx) => actedOn(res.statusCode, ctx),
    }),
  ],
  'POST /fhir/R4/Task/$bulk': [
    probe({
      name: '$complete of one task',
      type: 'Patient',
      prepare: freshTask,
      call: (call, _which, target) =>
        call('POST', `${R4}/Task/$bulk`, {
          resourceType: 'Parameters',
          parameter: [
            { name: 'operation', valueCode: 'complete' },
            { name: 'task', valueReference: { reference: `Task/${target}` } },
            ...complete.parameter,
          ],
        }),
      allowed: changesTasks,
      expect: (res: LightMyRequestResponse, ctx) => {
        expect(res.statusCode, res.body).toBe(200);
        actedOn(Number(res.json<Bundle>().entry?.[0]?.response?.status), ctx);
      },
    }),
  ],
};
