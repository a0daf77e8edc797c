import type { Encounter, Resource, Task } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import {
  careGapOutreach,
  tcmFaceToFaceVisit,
  tcmInteractiveContact,
  usFederalHolidays,
  worklistTask,
} from '../../modules/worklist/index.ts';
import { demoMeta, TIME_ZONE } from './codes.ts';
import type { PatientContext, PatientDraft } from './patient-context.ts';
import { STREAM, useStream } from './patient-context.ts';

const DAY_MS = 24 * 3600_000;
const clock = { timeZone: TIME_ZONE, calendar: usFederalHolidays };

/**
 * The coordinator's worklist for one demo patient (issue #4): after a discharge in the last two weeks, the TCM
 * follow-up call and visit (deadlines from the CMS TCM rules) and, with a discharge prescription, medication
 * reconciliation; an interpreter for patients who need one; now and then an eligibility check or a care-gap outreach.
 * Some are already claimed by the patient's coordinator, a few done. Deterministic like the rest of the seed.
 */
export function buildWorklistTasks(ctx: PatientContext, draft: PatientDraft, encounters: readonly Resource[]): Task[] {
  const rng = useStream(ctx, draft.index, STREAM.tasks);
  const patient = `Patient/${draft.id}`;
  const coordinator = `Practitioner/${draft.coordinator.practitionerId}`;
  const now = Temporal.Instant.fromEpochMilliseconds(ctx.nowMs);
  const tasks: Task[] = [];
  const add = (task: Task) => {
    const roll = rng.float(0, 1);
    const status = roll < 0.25 ? 'in-progress' : roll < 0.32 ? 'completed' : 'requested';
    tasks.push({
      ...task,
      id: `demo-task-${draft.id.slice(9)}-${tasks.length + 1}`,
      meta: demoMeta(),
      status,
      ...(status !== 'requested' ? { owner: { reference: coordinator } } : {}),
      ...(status === 'completed'
        ? { output: [{ type: { text: 'outcome' }, valueString: 'Done; documented in the chart' }] }
        : {}),
    });
  };
  for (const e of encounters as Encounter[]) {
    const end = e.period?.end ? Date.parse(e.period.end) : Number.NaN;
    if (e.class?.code !== 'IMP' || !(end > ctx.nowMs - 14 * DAY_MS)) continue;
    const discharged = Temporal.Instant.fromEpochMilliseconds(end);
    const base = { patient, authoredOn: discharged };
    add(worklistTask({ ...base, type: 'follow-up-call', deadline: tcmInteractiveContact(discharged, clock) }));
    const complexity = rng.chance(0.5) ? 'high' : 'moderate';
    add(
      worklistTask({
        ...base,
        type: 'schedule-appointment',
        deadline: tcmFaceToFaceVisit(discharged, complexity, clock),
      }),
    );
    if (rng.chance(0.6))
      add(
        worklistTask({
          ...base,
          type: 'medication-reconciliation',
          deadline: tcmInteractiveContact(discharged, clock),
        }),
      );
  }
  if (draft.needsInterpreter && rng.chance(0.5)) add(worklistTask({ patient, authoredOn: now, type: 'interpreter' }));
  if (rng.chance(0.08)) add(worklistTask({ patient, authoredOn: now, type: 'eligibility-check' }));
  if (rng.chance(0.1)) {
    const found = now.subtract({ hours: 24 * rng.int(1, 40) });
    add(
      worklistTask({ patient, authoredOn: found, type: 'care-gap-outreach', deadline: careGapOutreach(found, clock) }),
    );
  }
  return tasks;
}
