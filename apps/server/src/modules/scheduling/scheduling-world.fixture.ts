import type { Extension, Resource } from '@medplum/fhirtypes';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, person, signIn } from '../../../test/people.ts';
import type { Clock } from '../../platform/clock.ts';
import { INTERPRETING } from './directory.ts';
import { EXT } from './domain/fhir-mapping.ts';

/**
 * The world the scheduling tests book in: one clinic in Houston (America/Chicago) with two exam rooms; Dr A speaks
 * English and is in the patient's insurance network, Dr B speaks Spanish and English and has seen the patient before;
 * a Spanish interpreter; a cardiology service whose follow-up visit takes 30 minutes plus 10 to clean the room, with a
 * practitioner and a room, and may be held by video. The patient prefers Spanish and lives near the clinic.
 */
export const CARDIOLOGY = { system: 'http://terminology.hl7.org/CodeSystem/service-type', code: '165' } as const;
export const CHICAGO = 'America/Chicago';

const weekdays = (start: string, end: string): Extension => ({
  url: EXT.workingHours,
  extension: [
    { url: 'rrule', valueString: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR' },
    { url: 'start', valueTime: start },
    { url: 'end', valueTime: end },
  ],
});
const schedule = (
  id: string,
  actors: string[],
  serviceType: { system: string; code: string },
  hours: Extension,
): Resource => ({
  resourceType: 'Schedule',
  id,
  active: true,
  actor: actors.map((reference) => ({ reference })),
  serviceType: [{ coding: [serviceType] }],
  extension: [hours],
});
const minutes = (value: number) => ({ value, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' });

export function schedulingWorld(): Resource[] {
  return [
    {
      resourceType: 'Location',
      id: 'sch-site',
      name: 'Heights Clinic',
      status: 'active',
      extension: [{ url: EXT.timeZone, valueCode: CHICAGO }],
      position: { latitude: 29.7904, longitude: -95.3981 },
    },
    ...['sch-room-1', 'sch-room-2'].map(
      (id): Resource => ({
        resourceType: 'Location',
        id,
        name: id,
        status: 'active',
        physicalType: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code: 'ro' }],
        },
        partOf: { reference: 'Location/sch-site' },
      }),
    ),
    {
      resourceType: 'Practitioner',
      id: 'sch-dr-a',
      communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'en' }] }],
    },
    {
      resourceType: 'Practitioner',
      id: 'sch-dr-b',
      communication: [
        { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] },
        { coding: [{ system: 'urn:ietf:bcp:47', code: 'en' }] },
      ],
    },
    {
      resourceType: 'Practitioner',
      id: 'sch-int-es',
      communication: [{ coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }],
    },
    { resourceType: 'Organization', id: 'sch-payer', name: 'Gulf Health Plan' },
    {
      resourceType: 'PractitionerRole',
      id: 'sch-role-a',
      active: true,
      practitioner: { reference: 'Practitioner/sch-dr-a' },
      extension: [{ url: EXT.network, valueReference: { reference: 'Organization/sch-payer' } }],
    },
    schedule(
      'sch-s-dr-a',
      ['Practitioner/sch-dr-a', 'Location/sch-site'],
      CARDIOLOGY,
      weekdays('09:00:00', '12:00:00'),
    ),
    schedule(
      'sch-s-dr-b',
      ['Practitioner/sch-dr-b', 'Location/sch-site'],
      CARDIOLOGY,
      weekdays('09:00:00', '12:00:00'),
    ),
    schedule('sch-s-room-1', ['Location/sch-room-1'], CARDIOLOGY, weekdays('08:00:00', '17:00:00')),
    schedule('sch-s-room-2', ['Location/sch-room-2'], CARDIOLOGY, weekdays('08:00:00', '17:00:00')),
    schedule('sch-s-int', ['Practitioner/sch-int-es'], INTERPRETING, weekdays('08:00:00', '17:00:00')),
    {
      resourceType: 'HealthcareService',
      id: 'sch-cardio',
      active: true,
      name: 'Cardiology',
      type: [{ coding: [CARDIOLOGY] }],
      location: [{ reference: 'Location/sch-site' }],
      extension: [
        {
          url: EXT.appointmentType,
          extension: [
            { url: 'code', valueCoding: { system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: 'FOLLOWUP' } },
            { url: 'duration', valueDuration: minutes(30) },
            { url: 'bufferAfter', valueDuration: minutes(10) },
            { url: 'requires', valueCode: 'practitioner' },
            { url: 'requires', valueCode: 'room' },
            { url: 'virtual', valueBoolean: true },
          ],
        },
      ],
    },
    {
      resourceType: 'Patient',
      id: 'sch-pat',
      name: [{ family: 'Booker', given: ['Beatriz'] }],
      communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }, preferred: true }],
      address: [{ use: 'home', postalCode: '77008' }],
    },
    {
      resourceType: 'Coverage',
      id: 'sch-cov',
      status: 'active',
      beneficiary: { reference: 'Patient/sch-pat' },
      payor: [{ reference: 'Organization/sch-payer' }],
    },
    {
      resourceType: 'Encounter',
      id: 'sch-enc',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: 'Patient/sch-pat' },
      participant: [{ individual: { reference: 'Practitioner/sch-dr-b' } }],
      period: { start: '2026-01-10T15:00:00Z', end: '2026-01-10T15:30:00Z' },
    },
    {
      resourceType: 'CareTeam',
      id: 'sch-team',
      status: 'active',
      subject: { reference: 'Patient/sch-pat' },
      participant: [{ member: { reference: 'Practitioner/sch-coord' } }],
    },
    { resourceType: 'Practitioner', id: 'sch-coord' },
  ] as Resource[];
}

/** A test app holding the scheduling world, and the patient's coordinator signed in as `username`. */
export async function schedulingApp(clock: Clock, username: string): Promise<{ t: TestApp; coord: Browser }> {
  const t = await createTestApp({ clock });
  await t.store.putMany(schedulingWorld());
  await person(t, clock, { username, roles: ['care-coordinator'], fhirReference: 'Practitioner/sch-coord' });
  return { t, coord: await signIn(t.anonymous, clock, username) };
}
