import type {
  Appointment,
  Extension,
  HealthcareService,
  Location,
  Patient,
  Resource,
  Schedule,
  Slot,
} from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { SCHEDULING_EXTENSIONS as EXT } from '../../modules/scheduling/index.ts';
import { generateAppointments } from './appointments.ts';
import { chicago, isOpen } from './open-hours.fixture.ts';
import { generateOrganizationResources } from './organization.ts';
import { generatePatients } from './patients.ts';
import { generateSchedules } from './schedules.ts';

// Monday before Thanksgiving 2026, 09:00 in Houston: the next four weeks hold a holiday and a half day.
const NOW = new Date('2026-11-16T15:00:00Z');
const DAY = 86_400_000;
const SEED = 5;
const N = 600;

const appointments = generateAppointments({ seed: SEED, now: NOW, patients: N });
const organization = generateOrganizationResources({ seed: SEED });
const scheduling = generateSchedules({ seed: SEED, now: NOW });
const patients = new Map(
  [...generatePatients({ count: N, seed: SEED, now: NOW })].map((b) => [`Patient/${b[0]?.id}`, b[0] as Patient]),
);

function ofType<T extends Resource>(rs: readonly Resource[], type: T['resourceType']): T[] {
  return rs.filter((r): r is T => r.resourceType === type);
}
const schedules = ofType<Schedule>(scheduling, 'Schedule');
const slots = ofType<Slot>(scheduling, 'Slot');
const locations = new Map(ofType<Location>(organization, 'Location').map((l) => [`Location/${l.id}`, l]));
const services = new Map(
  ofType<HealthcareService>(organization, 'HealthcareService').map((s) => [`HealthcareService/${s.id}`, s]),
);

const busyOf = (a: Appointment) => a.extension?.find((e) => e.url === EXT.busyPeriod)?.valuePeriod ?? {};
const bookedActors = (a: Appointment) =>
  a.participant
    .filter((p) => p.required !== 'information-only' && !p.actor?.reference?.startsWith('Patient/'))
    .map((p) => p.actor?.reference ?? '');
const minutesPart = (type: Extension, url: string) =>
  type.extension?.find((x) => x.url === url)?.valueDuration?.value ?? 0;

/** Every pair of appointments whose busy periods overlap on a shared practitioner, room or interpreter. */
function overlaps(list: readonly Appointment[]): string[] {
  const byActor = new Map<string, Appointment[]>();
  for (const a of list) for (const actor of bookedActors(a)) byActor.set(actor, [...(byActor.get(actor) ?? []), a]);
  const out: string[] = [];
  for (const [actor, booked] of byActor) {
    const sorted = [...booked].sort((x, y) => Date.parse(busyOf(x).start ?? '') - Date.parse(busyOf(y).start ?? ''));
    for (let i = 1; i < sorted.length; i++)
      if (
        Date.parse(busyOf(sorted[i] as Appointment).start ?? '') <
        Date.parse(busyOf(sorted[i - 1] as Appointment).end ?? '')
      )
        out.push(`${actor}: ${sorted[i - 1]?.id} and ${sorted[i]?.id}`);
  }
  return out;
}

describe('generateAppointments', () => {
  test('is deterministic: the same seed, day and population give the same appointments', () => {
    expect(JSON.stringify(generateAppointments({ seed: SEED, now: NOW, patients: N }))).toBe(
      JSON.stringify(appointments),
    );
  });

  test('about a third of the patients have one booked visit in the next four weeks', () => {
    const booked = appointments.map((a) => a.participant[0]?.actor?.reference);
    expect(new Set(booked).size).toBe(booked.length);
    expect(booked.length / N).toBeGreaterThan(0.2);
    expect(booked.length / N).toBeLessThan(0.45);
    for (const a of appointments) {
      expect(a.status).toBe('booked');
      expect(patients.has(a.participant[0]?.actor?.reference ?? '')).toBe(true);
      expect(Date.parse(a.start ?? '')).toBeGreaterThan(NOW.getTime());
      expect(Date.parse(a.start ?? '')).toBeLessThan(NOW.getTime() + 30 * DAY);
    }
  });

  test('no two overlap for any practitioner, room or interpreter, buffers included', () => {
    expect(overlaps(appointments)).toEqual([]);
  });

  test('length and busy period are those of the visit type the service defines', () => {
    for (const a of appointments) {
      const service = services.get(a.supportingInformation?.[0]?.reference ?? '');
      const type = service?.extension?.find(
        (e) =>
          e.url === EXT.appointmentType &&
          e.extension?.some((x) => x.valueCoding?.code === a.appointmentType?.coding?.[0]?.code),
      );
      expect(type, a.id).toBeDefined();
      const duration = minutesPart(type as Extension, 'duration');
      expect(Date.parse(a.end ?? '') - Date.parse(a.start ?? '')).toBe(duration * 60_000);
      expect(a.minutesDuration).toBe(duration);
      expect(Date.parse(a.start ?? '') - Date.parse(busyOf(a).start ?? '')).toBe(
        minutesPart(type as Extension, 'bufferBefore') * 60_000,
      );
      expect(Date.parse(busyOf(a).end ?? '') - Date.parse(a.end ?? '')).toBe(
        minutesPart(type as Extension, 'bufferAfter') * 60_000,
      );
    }
  });

  test('with the patient, their clinician, a room at the clinician’s site, and the site as information-only', () => {
    for (const a of appointments) {
      const [patient = '', practitioner = '', room = ''] = a.participant.map((p) => p.actor?.reference ?? '');
      const site = a.participant.find((p) => p.required === 'information-only')?.actor?.reference;
      expect(patient).toMatch(/^Patient\//);
      expect(practitioner).toMatch(/^Practitioner\/demo-prac-\d{3}$/);
      expect(locations.get(room)?.physicalType?.coding?.[0]?.code).toBe('ro');
      expect(`Location/${locations.get(room)?.partOf?.reference?.split('/')[1]}`).toBe(site);
      expect(schedules.some((s) => s.actor[0]?.reference === practitioner && s.actor[1]?.reference === site)).toBe(
        true,
      );
    }
  });

  test('everyone taking part is open for the whole visit, by the Schedules and leave as written', () => {
    for (const a of appointments) {
      const serviceTypes = new Set(
        services
          .get(a.supportingInformation?.[0]?.reference ?? '')
          ?.type?.flatMap((t) => t.coding?.map((c) => c.code) ?? []),
      );
      for (const actor of bookedActors(a)) {
        const own = schedules.filter(
          (s) =>
            s.actor[0]?.reference === actor &&
            s.serviceType?.some((t) => t.coding?.some((c) => serviceTypes.has(c.code) || c.code === 'interpreting')),
        );
        const open = own.some((s) => isOpen(s, slots, busyOf(a).start ?? '', busyOf(a).end ?? ''));
        expect(open, `${a.id} ${actor} ${a.start}`).toBe(true);
      }
    }
    expect(appointments.some((a) => chicago(a.start ?? '').date === '2026-11-26')).toBe(false);
  });

  test('an interpreter of the patient’s language joins some visits of patients who need one', () => {
    const interpreted = appointments.filter((a) =>
      a.participant.some((p) => p.type?.[0]?.coding?.[0]?.code === 'translator'),
    );
    expect(interpreted.length).toBeGreaterThan(0);
    for (const a of interpreted) {
      const patient = patients.get(a.participant[0]?.actor?.reference ?? '');
      expect(patient?.extension?.find((e) => e.url.endsWith('patient-interpreterRequired'))?.valueBoolean).toBe(true);
      expect(['es', 'vi']).toContain(patient?.communication?.[0]?.language.coding?.[0]?.code);
    }
  });

  test('re-seeding is safe: a larger population only adds, a later day keeps the days both cover', () => {
    const earlier = new Map(appointments.map((a) => [a.id, JSON.stringify(a)]));
    const smaller = generateAppointments({ seed: SEED, now: NOW, patients: 300 });
    for (const a of smaller) expect(JSON.stringify(a)).toBe(earlier.get(a.id));
    for (const days of [1, 3, 9]) {
      const later = generateAppointments({ seed: SEED, now: new Date(NOW.getTime() + days * DAY), patients: N });
      const shared = later.filter((a) => earlier.has(a.id));
      expect(shared.length).toBeGreaterThan(later.length / 2);
      // Same time, same people and rooms (only what hangs on a patient's age, as for an infant, may move).
      const booking = (a: Appointment) => JSON.stringify([a.start, a.end, busyOf(a), a.participant]);
      for (const a of shared) expect(booking(a)).toBe(booking(JSON.parse(earlier.get(a.id) ?? '{}')));
      // What a later run adds never collides with what the earlier one stored (the database would refuse it).
      const stored = [...appointments, ...later.filter((a) => !earlier.has(a.id))];
      expect(overlaps(stored)).toEqual([]);
    }
  });

  test('a very large population books at most 60% of each clinician’s open time, and stays quick', () => {
    const started = performance.now();
    const many = generateAppointments({ seed: SEED, now: NOW, patients: 100_000 });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(many.length).toBeGreaterThan(1000);
    expect(overlaps(many)).toEqual([]);
  });
});
