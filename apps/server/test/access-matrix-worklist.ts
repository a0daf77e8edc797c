import type { Bundle, Resource } from '@medplum/fhirtypes';
import type { LightMyRequestResponse } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import { expect } from 'vitest';
import { worklistTask } from '../src/modules/worklist/index.ts';
import type { Store } from '../src/platform/store/index.ts';
import { ids, type Probe, probe, R4 } from './access-probe.ts';
import { pid, type Role, searchable, visible, type Which } from './access-world.ts';

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

// Staff and organization-wide clients change Tasks; patients and proxies read theirs but do not change them.
const changesTasks = (role: Role) => ['supervisor', 'care-coordinator', 'clinician', 'client-all'].includes(role);

/** What acting on a task answers: for what the actor sees, 200 or 403 by role; otherwise as for an absent task. */
const actedOn = (status: number, { sees, role }: { sees: boolean; role: Role }) => {
  if (sees) return expect(status).toBe(changesTasks(role) ? 200 : 403);
  expect([403, 404]).toContain(status);
};

const complete = { resourceType: 'Parameters', parameter: [{ name: 'outcome', valueString: 'done' }] };

/** The worklist routes (issue #4): Task follows its patient's visibility, like every compartment resource. */
export const worklistProbes: Record<string, Probe[]> = {
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
