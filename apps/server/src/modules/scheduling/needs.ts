import type { Appointment, Flag, Patient } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import type { StoreTx } from '../../platform/store/index.ts';
import { worklistTask } from '../worklist/index.ts';
import { EXT, isInterpreterParticipant } from './domain/fhir-mapping.ts';
import { needsInterpreter } from './patient-context.ts';

/** CareLoop's codes for a patient's standing needs, on an active `Flag` about them. */
const PATIENT_NEED_SYSTEM = 'https://careloop.dev/fhir/CodeSystem/patient-need';

/** The patient's active needs: from Flags (`transport`, `interpreter`) and the interpreterRequired extension. */
async function needsOf(tx: StoreTx, patient: Patient): Promise<Set<string>> {
  const flags = await tx.search('Flag', new URLSearchParams({ patient: `Patient/${patient.id}`, _count: '100' }));
  // R4 has no Flag?status or Flag?code search parameter: both are read here.
  const needs = new Set(
    (flags.matches as Flag[])
      .filter((f) => f.status === 'active')
      .flatMap((f) => (f.code.coding ?? []).filter((c) => c.system === PATIENT_NEED_SYSTEM).map((c) => c.code ?? '')),
  );
  if (needsInterpreter(patient)) needs.add('interpreter');
  return needs;
}

/**
 * Booking for a patient who needs a ride or an interpreter puts that work on the worklist (issue #5): a `transport`
 * task for an in-person visit, an `interpreter` task unless an interpreter already takes part in the visit — each
 * due a day before it starts, linked to the appointment (Task.focus), in the booking's transaction.
 */
export async function createNeedTasks(
  tx: StoreTx,
  patient: Patient,
  appointment: Appointment,
  now: Temporal.Instant,
): Promise<void> {
  const needs = await needsOf(tx, patient);
  if (needs.size === 0 || !appointment.start) return;
  const isVirtual = appointment.extension?.some((e) => e.url === EXT.virtual && e.valueBoolean === true) === true;
  const hasInterpreter = appointment.participant.some(isInterpreterParticipant);
  const due = Temporal.Instant.from(appointment.start).subtract({ hours: 24 });
  const make = async (type: 'transport' | 'interpreter', description: string) =>
    tx.create({
      ...worklistTask({
        type,
        patient: `Patient/${patient.id}`,
        authoredOn: now,
        description,
        ...(Temporal.Instant.compare(due, now) > 0
          ? {
              deadline: { due, rule: 'appointment-preparation', source: 'CareLoop: arranged the day before the visit' },
            }
          : {}),
      }),
      focus: { reference: `Appointment/${appointment.id}` },
    });
  if (needs.has('transport') && !isVirtual) await make('transport', 'Arrange a ride to the appointment');
  if (needs.has('interpreter') && !hasInterpreter)
    await make('interpreter', 'Arrange an interpreter for the appointment');
}
