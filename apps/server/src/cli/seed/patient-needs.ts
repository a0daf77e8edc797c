import type { Flag } from '@medplum/fhirtypes';
import { concept, demoMeta, SYSTEM } from './codes.ts';
import { patientIds, ref } from './ids.ts';
import { type PatientContext, type PatientDraft, STREAM, useStream } from './patient-context.ts';
import { DAY_MS, formatDate } from './time.ts';

/**
 * Lack of transportation delays care for millions of US patients a year (Wolfe, McDonald & Holmes, "Transportation
 * barriers to health care in the United States", AJPH 2020); here it is likeliest among the oldest patients, many of
 * whom no longer drive.
 */
function chanceOfTransportNeed(age: number): number {
  if (age >= 80) return 0.2;
  if (age >= 65) return 0.08;
  if (age >= 18) return 0.03;
  // Children come with a parent, who usually drives; a few families have no car.
  return 0.01;
}

/**
 * The patient's standing needs, as active `Flag`s with CareLoop's patient-need codes: booking an in-person visit for a
 * patient who needs a ride puts a transport task on the worklist. (An interpreter need is the Patient's
 * interpreterRequired extension, already on the Patient.)
 */
export function buildNeedFlags(ctx: PatientContext, draft: PatientDraft): Flag[] {
  const rng = useStream(ctx, draft.index, STREAM.needs);
  if (!rng.chance(chanceOfTransportNeed(draft.age))) return [];
  return [
    {
      resourceType: 'Flag',
      id: patientIds.flag(draft.index, 1),
      meta: demoMeta(),
      status: 'active',
      category: [concept(SYSTEM.flagCategory, 'admin', 'Administrative')],
      code: concept(SYSTEM.patientNeed, 'transport', 'Needs transportation', 'Needs a ride to appointments'),
      subject: ref('Patient', draft.id),
      period: { start: formatDate(Math.max(draft.birthMs, ctx.nowMs - rng.int(14, 400) * DAY_MS)) },
      author: ref('Practitioner', draft.coordinator.practitionerId),
    },
  ];
}
