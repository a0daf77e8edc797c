import type { Appointment, Location, Parameters } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { invalid } from '../../platform/errors.ts';
import { maxCount, type Store } from '../../platform/store/index.ts';
import { noShowFollowUp, usFederalHolidays, worklistTask } from '../worklist/index.ts';
import { timeZoneOn } from './domain/fhir-mapping.ts';

/** Appointments whose time has come and that were kept or missed (cancelled ones are neither). */
const HAPPENED = ['fulfilled', 'arrived', 'checked-in', 'noshow', 'booked'];

/**
 * Records that the patient did not come: the appointment becomes `noshow` (only once its start has passed) and a
 * follow-up call lands on the worklist of the patient's care team (unassigned, so their coordinator sees it), due
 * by the end of the next business day (noShowFollowUp) — a missed visit is a readmission risk; the coordinator rebooks.
 */
export async function markNoShow(store: Store, id: string, now: Temporal.Instant): Promise<Appointment> {
  return store.transaction(async (tx) => {
    const current = await tx.read<Appointment>('Appointment', id);
    if (!['booked', 'arrived', 'checked-in'].includes(current.status))
      throw invalid(`A ${current.status} appointment cannot be a no-show`, 'Appointment.status');
    if (!current.start || Date.parse(current.start) > now.epochMilliseconds)
      throw invalid('An appointment is missed only once its start has passed', 'Appointment.start');
    const { resource } = await tx.update<Appointment>(
      { ...current, status: 'noshow' },
      { ifMatch: current.meta?.versionId },
    );
    const patient = current.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference;
    // Business days in the clinic's zone (the site the visit was at), else UTC.
    const site = current.participant.find(
      (p) => p.required === 'information-only' && p.actor?.reference?.startsWith('Location/'),
    );
    const location = site?.actor?.reference
      ? await tx.read<Location>('Location', site.actor.reference.slice('Location/'.length)).catch(() => undefined)
      : undefined;
    const clock = { timeZone: timeZoneOn(location) ?? 'UTC', calendar: usFederalHolidays };
    if (patient)
      await tx.create({
        ...worklistTask({
          type: 'follow-up-call',
          patient,
          authoredOn: now,
          deadline: noShowFollowUp(now, clock),
          description: 'Missed appointment: call the patient and rebook',
        }),
        focus: { reference: `Appointment/${id}` },
      });
    return resource;
  });
}

/**
 * The no-show rate of a patient or a clinic: of the appointments whose start has passed and were not cancelled, the
 * share missed. Counts what the caller may see.
 */
export async function noShowRate(
  store: Store,
  by: { patient?: string | undefined; location?: string | undefined },
  now: Temporal.Instant,
): Promise<Parameters> {
  if (!by.patient === !by.location) throw invalid('Give a patient or a location, not both', 'patient');
  let total = 0;
  let missed = 0;
  for (let offset = 0; ; offset += maxCount) {
    const page = await store.search(
      'Appointment',
      new URLSearchParams({
        ...(by.patient ? { patient: by.patient } : { location: by.location as string }),
        status: HAPPENED.join(','),
        date: `lt${now.toString()}`,
        _count: String(maxCount),
        _offset: String(offset),
        _elements: 'status',
      }),
    );
    for (const a of page.matches as Appointment[]) {
      total++;
      if (a.status === 'noshow') missed++;
    }
    if (page.matches.length < maxCount) break;
  }
  return {
    resourceType: 'Parameters',
    parameter: [
      { name: 'appointments', valueInteger: total },
      { name: 'noShows', valueInteger: missed },
      ...(total ? [{ name: 'rate', valueDecimal: Math.round((missed / total) * 1000) / 1000 }] : []),
    ],
  };
}
