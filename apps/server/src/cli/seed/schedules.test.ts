import type { HealthcareService, Location, PractitionerRole, Resource, Schedule, Slot } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { SCHEDULING_EXTENSIONS as EXT } from '../../modules/scheduling/index.ts';
import { SYSTEM } from './codes.ts';
import { chicago, hoursOn } from './open-hours.fixture.ts';
import { generateOrganizationResources } from './organization.ts';
import { generateSchedules } from './schedules.ts';

// Monday before Thanksgiving 2026, 09:00 in Houston: the holidays at the end of the year are in reach.
const NOW = new Date('2026-11-16T15:00:00Z');
const SEED = 11;
const organization = generateOrganizationResources({ seed: SEED });
const resources = generateSchedules({ seed: SEED, now: NOW });

function ofType<T extends Resource>(rs: readonly Resource[], type: T['resourceType']): T[] {
  return rs.filter((r): r is T => r.resourceType === type);
}
const schedules = ofType<Schedule>(resources, 'Schedule');
const slots = ofType<Slot>(resources, 'Slot');
const locations = new Map(ofType<Location>(organization, 'Location').map((l) => [`Location/${l.id}`, l]));
const services = ofType<HealthcareService>(organization, 'HealthcareService');
const codes = (concepts: { coding?: { system?: string; code?: string }[] }[] | undefined) =>
  (concepts ?? []).flatMap((c) => c.coding ?? []).map((c) => `${c.system}|${c.code}`);
const actorsOf = (s: Schedule) => s.actor.map((a) => a.reference ?? '');
const isRoom = (l: Location | undefined) => l?.physicalType?.coding?.[0]?.code === 'ro';

/** The clinicians who see booked outpatients: their role names a service that offers visit types. */
const outpatientRoles = ofType<PractitionerRole>(organization, 'PractitionerRole').filter((role) =>
  role.healthcareService?.some((ref) =>
    services.some(
      (s) => `HealthcareService/${s.id}` === ref.reference && s.extension?.some((e) => e.url === EXT.appointmentType),
    ),
  ),
);

describe('generateSchedules', () => {
  test('is deterministic, and only displays depend on the seed', () => {
    expect(JSON.stringify(generateSchedules({ seed: SEED, now: NOW }))).toBe(JSON.stringify(resources));
    const other = generateSchedules({ seed: SEED + 1, now: NOW });
    expect(other.map((r) => r.id)).toEqual(resources.map((r) => r.id));
  });

  test('every outpatient clinician has a Schedule at each of their sites, offering their service', () => {
    expect(outpatientRoles.length).toBe(35);
    for (const role of outpatientRoles) {
      const practitioner = role.practitioner?.reference ?? '';
      const own = schedules.filter((s) => actorsOf(s).includes(practitioner));
      expect(own.length, practitioner).toBe(role.location?.length);
      const serviceTypes = new Set(
        services
          .filter((s) => role.healthcareService?.some((r) => r.reference === `HealthcareService/${s.id}`))
          .flatMap((s) => codes(s.type)),
      );
      for (const s of own) {
        const [who, where] = actorsOf(s);
        expect(who).toBe(practitioner);
        expect(role.location?.map((l) => l.reference)).toContain(where);
        expect(codes(s.serviceType).every((c) => serviceTypes.has(c))).toBe(true);
        expect(s.extension).toContainEqual({ url: EXT.timeZone, valueCode: 'America/Chicago' });
      }
    }
  });

  test('emergency physicians, hospitalists and staff have none', () => {
    const scheduled = new Set(schedules.flatMap(actorsOf));
    const others = ofType<PractitionerRole>(organization, 'PractitionerRole').filter(
      (r) => !outpatientRoles.includes(r) && !r.id?.includes('interp'),
    );
    expect(others.length).toBeGreaterThan(10);
    for (const r of others) expect(scheduled).not.toContain(r.practitioner?.reference);
  });

  test('exam rooms are part of their site, and serve every service the site’s clinicians offer there', () => {
    const rooms = schedules.filter((s) => isRoom(locations.get(actorsOf(s)[0] ?? '')));
    expect(rooms.length).toBeGreaterThanOrEqual(30);
    for (const clinician of schedules.filter((s) => s.actor.length === 2)) {
      const site = actorsOf(clinician)[1];
      const here = rooms.filter(
        (r) => `Location/${locations.get(actorsOf(r)[0] ?? '')?.partOf?.reference?.split('/')[1]}` === site,
      );
      expect(here.length, site).toBeGreaterThanOrEqual(2);
      for (const room of here)
        for (const c of codes(clinician.serviceType)) expect(codes(room.serviceType)).toContain(c);
    }
  });

  test('interpreters for Spanish and Vietnamese have interpreting Schedules with no site', () => {
    const interpreting = schedules.filter((s) =>
      codes(s.serviceType).includes(`${SYSTEM.careloopService}|interpreting`),
    );
    expect(interpreting.length).toBe(3);
    for (const s of interpreting) expect(s.actor).toHaveLength(1);
  });

  test('working weeks vary: four-day weeks, Friday mornings, alternate Fridays, a Tuesday evening clinic', () => {
    const rules = schedules.flatMap((s) =>
      (s.extension ?? [])
        .filter((e) => e.url === EXT.workingHours)
        .map((e) =>
          Object.fromEntries((e.extension ?? []).map((x) => [x.url, x.valueString ?? x.valueTime ?? x.valueDate])),
        ),
    );
    expect(rules).toContainEqual({ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH', start: '07:30:00', end: '12:00:00' });
    expect(rules).toContainEqual({ rrule: 'FREQ=WEEKLY;BYDAY=FR', start: '08:00:00', end: '12:00:00' });
    expect(rules).toContainEqual({ rrule: 'FREQ=WEEKLY;BYDAY=TU', start: '15:30:00', end: '19:30:00' });
    expect(rules.some((r) => r.rrule?.includes('INTERVAL=2') && r.validFrom)).toBe(true);
  });

  test('clinics close on Thanksgiving and Christmas, and at noon the day after Thanksgiving', () => {
    const worksThursday = schedules.filter(
      (s) =>
        hoursOn({ ...s, extension: s.extension?.filter((e) => e.url === EXT.workingHours) }, '2026-11-26', 'TH')
          .length > 0,
    );
    expect(worksThursday.length).toBeGreaterThan(20);
    for (const s of worksThursday) expect(hoursOn(s, '2026-11-26', 'TH')).toEqual([]);
    for (const s of schedules) {
      expect(hoursOn(s, '2026-12-25', 'FR')).toEqual([]);
      for (const h of hoursOn(s, '2026-11-27', 'FR')) expect(h.end).toBeLessThanOrEqual(12 * 60);
      // Veterans Day and Columbus Day are federal holidays the clinics keep open.
      expect(s.extension?.some((e) => e.extension?.some((x) => x.valueDate === '2026-11-11'))).toBe(false);
    }
  });

  test('a few clinicians have a week of leave, Monday to Friday, as busy-unavailable Slots', () => {
    const away = new Set(slots.map((s) => s.schedule.reference));
    expect(away.size).toBeGreaterThanOrEqual(2);
    expect(away.size).toBeLessThanOrEqual(12);
    for (const slot of slots) {
      expect(slot.status).toBe('busy-unavailable');
      expect(schedules.map((s) => `Schedule/${s.id}`)).toContain(slot.schedule.reference);
      expect(chicago(slot.start)).toMatchObject({ weekday: 'MO', minutes: 0 });
      expect(chicago(slot.end)).toMatchObject({ weekday: 'SA', minutes: 0 });
    }
    // Within the four weeks ahead, someone is away.
    expect(
      slots.some((s) => Date.parse(s.start) < NOW.getTime() + 28 * 86_400_000 && Date.parse(s.end) > NOW.getTime()),
    ).toBe(true);
  });

  test('leave and exceptions are calendar facts: a later run writes the same ones for the dates both cover', () => {
    const later = generateSchedules({ seed: SEED, now: new Date(NOW.getTime() + 3 * 86_400_000) });
    const earlier = new Map(slots.map((s) => [s.id, JSON.stringify(s)]));
    const shared = ofType<Slot>(later, 'Slot').filter((s) => earlier.has(s.id ?? ''));
    expect(shared.length).toBeGreaterThan(0);
    for (const s of shared) expect(JSON.stringify(s)).toBe(earlier.get(s.id ?? ''));
  });
});
