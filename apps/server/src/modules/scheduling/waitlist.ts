import type { Appointment, HealthcareService } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';
import { invalid, OutcomeError } from '../../platform/errors.ts';
import type { Store, StoreTx } from '../../platform/store/index.ts';
import { EXT } from './domain/fhir-mapping.ts';

/** The job that offers a freed time to the waitlist. */
export const WAITLIST_JOB = 'waitlist-offer';
/** Extension on a waitlist entry: the hold offered to the patient from it (one per offer). */
const OFFERED = 'https://careloop.dev/fhir/StructureDefinition/waitlist-offer';

const serviceRef = (a: Appointment) =>
  a.supportingInformation?.find((r) => r.reference?.startsWith('HealthcareService/'))?.reference;
const patientRef = (a: Appointment) =>
  a.participant.find((p) => p.actor?.reference?.startsWith('Patient/'))?.actor?.reference;

/**
 * Puts a patient on a service's waitlist (issue #5): an Appointment with status `waitlist`, the service, the patient
 * and when they could come (`requestedPeriod`). When a booked or held time of that service is freed, the best
 * matching entry — the longest waiting whose period covers the time — is offered it (`offerToWaitlist`).
 */
export async function joinWaitlist(
  store: Store,
  input: { service: string; patient: string; from: string; to: string; appointmentType?: string | undefined },
  now: Temporal.Instant,
): Promise<Appointment> {
  if (!(Date.parse(input.to) > Date.parse(input.from))) throw invalid('to must be after from', 'to');
  const service = await store.read<HealthcareService>('HealthcareService', input.service);
  await store.read('Patient', input.patient);
  const { resource } = await store.create<Appointment>({
    resourceType: 'Appointment',
    status: 'waitlist',
    serviceType: service.type,
    ...(input.appointmentType ? { appointmentType: { coding: [{ code: input.appointmentType }] } } : {}),
    created: now.toString().slice(0, 10),
    requestedPeriod: [{ start: input.from, end: input.to }],
    supportingInformation: [{ reference: `HealthcareService/${service.id}` }],
    participant: [{ actor: { reference: `Patient/${input.patient}` }, status: 'needs-action' }],
  });
  return resource;
}

/** Enqueues, in the caller's transaction, the offer of a freed booking's time to the waitlist of its service. */
export async function offerFreedTime(tx: StoreTx, freed: Appointment): Promise<void> {
  if (freed.id && freed.start && serviceRef(freed)) await tx.enqueue(WAITLIST_JOB, { freed: freed.id });
}

/** When a waitlist offer's hold is confirmed, the entry it came from is done. */
export async function closeWaitlistEntry(tx: StoreTx, booked: Appointment): Promise<void> {
  const entries = await tx.search(
    'Appointment',
    new URLSearchParams({ status: 'waitlist', patient: patientRef(booked) ?? 'Patient/none', _count: '100' }),
  );
  for (const e of entries.matches as Appointment[]) {
    if (!e.extension?.some((x) => x.url === OFFERED && x.valueReference?.reference === `Appointment/${booked.id}`))
      continue;
    await tx.update<Appointment>(
      { ...e, status: 'cancelled', cancelationReason: { text: `Booked from the waitlist: Appointment/${booked.id}` } },
      { ifMatch: e.meta?.versionId },
    );
  }
}

/** Entries of the service covering the time, longest waiting first, none of the freed booking's own patient. */
async function candidates(store: Store, freed: Appointment): Promise<Appointment[]> {
  const page = await store.search(
    'Appointment',
    new URLSearchParams({ status: 'waitlist', 'supporting-info': serviceRef(freed) as string, _count: '1000' }),
  );
  const start = Date.parse(freed.start as string);
  const end = Date.parse(freed.end as string);
  return (page.matches as Appointment[])
    .filter((e) => patientRef(e) && patientRef(e) !== patientRef(freed))
    .filter(
      (e) => !e.extension?.some((x) => x.url === OFFERED && x.valueReference?.reference === `Appointment/${freed.id}`),
    )
    .filter((e) =>
      (e.requestedPeriod ?? []).some(
        (p) => (!p.start || Date.parse(p.start) <= start) && (!p.end || Date.parse(p.end) >= end),
      ),
    )
    .sort((a, b) => (a.created ?? '').localeCompare(b.created ?? '') || (a.id ?? '').localeCompare(b.id ?? ''));
}

/**
 * Offers a freed time to the waitlist: holds it for the best matching waiting patient (the longest waiting whose
 * period covers it), records the offer on their entry and tells them, with a link to confirm. The hold lapses by
 * itself; then the time is offered to the next. Returns the hold, or undefined when no one matched or the time was
 * taken meanwhile.
 */
export async function offerToWaitlist(
  store: Store,
  freedId: string,
  now: Temporal.Instant,
  hold: (tx: StoreTx, proposal: Appointment) => Promise<Appointment>,
): Promise<Appointment | undefined> {
  const freed = await store.read<Appointment>('Appointment', freedId);
  if (Date.parse(freed.start as string) <= now.epochMilliseconds) return undefined;
  for (const entry of await candidates(store, freed)) {
    const patient = patientRef(entry) as string;
    const proposal: Appointment = {
      resourceType: 'Appointment',
      status: 'proposed',
      serviceType: freed.serviceType,
      ...(freed.appointmentType ? { appointmentType: freed.appointmentType } : {}),
      start: freed.start,
      end: freed.end,
      supportingInformation: freed.supportingInformation,
      extension: (freed.extension ?? []).filter((e) => e.url === EXT.virtual),
      participant: freed.participant.map((p) =>
        p.actor?.reference?.startsWith('Patient/') ? { ...p, actor: { reference: patient } } : p,
      ),
    };
    try {
      return await store.transaction(async (tx) => {
        const held = await hold(tx, proposal);
        await tx.update<Appointment>(
          {
            ...entry,
            extension: [
              ...(entry.extension ?? []),
              { url: OFFERED, valueReference: { reference: `Appointment/${held.id}` } },
            ],
          },
          { ifMatch: entry.meta?.versionId },
        );
        return held;
      });
    } catch (e) {
      // The time was taken meanwhile (409): nothing to offer. An entry changed meanwhile (412): try the next.
      if (e instanceof OutcomeError && e.status === 409) return undefined;
      if (!(e instanceof OutcomeError && e.status === 412)) throw e;
    }
  }
  return undefined;
}
