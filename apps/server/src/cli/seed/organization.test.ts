import type {
  HealthcareService,
  Location,
  Organization,
  Practitioner,
  PractitionerRole,
  Resource,
} from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { SCHEDULING_EXTENSIONS as EXT } from '../../modules/scheduling/index.ts';
import { EXTENSION, SYSTEM } from './codes.ts';
import { generateOrganizationResources } from './organization.ts';

const resources = generateOrganizationResources({ seed: 7 });

function ofType<T extends Resource>(type: T['resourceType']): T[] {
  return resources.filter((r): r is T => r.resourceType === type);
}

function roleCodes(role: PractitionerRole, system: string): string[] {
  return (role.code ?? [])
    .flatMap((c) => c.coding ?? [])
    .filter((c) => c.system === system)
    .map((c) => c.code ?? '');
}

const INTERPRETER = '171R00000X';

function specialtyCodes(role: PractitionerRole): string[] {
  return (role.specialty ?? [])
    .flatMap((c) => c.coding ?? [])
    .filter((c) => c.system === SYSTEM.nucc)
    .map((c) => c.code ?? '');
}

describe('generateOrganizationResources', () => {
  test('is deterministic, and only names depend on the seed', () => {
    expect(JSON.stringify(generateOrganizationResources({ seed: 7 }))).toBe(JSON.stringify(resources));
    const other = generateOrganizationResources({ seed: 8 });
    expect(other.map((r) => `${r.resourceType}/${r.id}`)).toEqual(resources.map((r) => `${r.resourceType}/${r.id}`));
    const names = (rs: Resource[]) =>
      rs.filter((r): r is Practitioner => r.resourceType === 'Practitioner').map((p) => p.name?.[0]?.family);
    expect(names(other)).not.toEqual(names(resources));
  });

  test('every id is unique', () => {
    const keys = resources.map((r) => `${r.resourceType}/${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  test('one health system with a hospital and four clinics beneath it', () => {
    const orgs = ofType<Organization>('Organization');
    const system = orgs.find((o) => o.id === 'demo-org-system');
    expect(system?.partOf).toBeUndefined();
    const children = orgs.filter((o) => o.partOf?.reference === 'Organization/demo-org-system');
    expect(children.map((o) => o.id).sort()).toEqual([
      'demo-org-clinic-bellaire',
      'demo-org-clinic-east-end',
      'demo-org-clinic-heights',
      'demo-org-clinic-sugar-land',
      'demo-org-hospital',
    ]);
  });

  test('payers: Medicare, Medicaid and three commercial plans', () => {
    const payers = ofType<Organization>('Organization').filter((o) =>
      o.type?.some((t) => t.coding?.some((c) => c.code === 'pay')),
    );
    expect(payers.map((p) => p.name)).toContain('Medicare');
    expect(payers.map((p) => p.name)).toContain('Texas Medicaid');
    expect(payers.filter((p) => p.type?.some((t) => t.coding?.some((c) => c.code === 'ins')))).toHaveLength(3);
  });

  test('locations have an address, Houston-area coordinates and the Chicago time zone', () => {
    const locations = ofType<Location>('Location');
    expect(locations.length).toBeGreaterThanOrEqual(5);
    for (const loc of locations) {
      expect(loc.address?.postalCode).toMatch(/^77\d{3}$/);
      expect(loc.position?.latitude).toBeGreaterThan(29.4);
      expect(loc.position?.latitude).toBeLessThan(30.1);
      expect(loc.position?.longitude).toBeGreaterThan(-95.9);
      expect(loc.position?.longitude).toBeLessThan(-95.1);
      expect(loc.extension).toContainEqual({ url: EXTENSION.timezone, valueCode: 'America/Chicago' });
    }
  });

  test('about forty clinicians across primary care and the six named specialties, speaking several languages', () => {
    const roles = ofType<PractitionerRole>('PractitionerRole').filter(
      (r) => roleCodes(r, SYSTEM.staffRole).length === 0 && !specialtyCodes(r).includes(INTERPRETER),
    );
    expect(roles.length).toBeGreaterThanOrEqual(36);
    expect(roles.length).toBeLessThanOrEqual(45);
    const specialties = new Set(roles.flatMap(specialtyCodes));
    for (const code of [
      '207Q00000X', // family medicine
      '207RC0000X', // cardiology
      '207RX0202X', // medical oncology
      '207X00000X', // orthopaedic surgery
      '207RE0101X', // endocrinology
      '225100000X', // physical therapy
      '2084P0800X', // psychiatry (behavioral health)
    ]) {
      expect(specialties).toContain(code);
    }
    for (const role of roles) expect(role.location?.length).toBeGreaterThan(0);
    const languages = new Set(
      ofType<Practitioner>('Practitioner').flatMap((p) => (p.communication ?? []).map((c) => c.coding?.[0]?.code)),
    );
    for (const lang of ['en', 'es', 'vi', 'zh', 'ar']) expect(languages).toContain(lang);
  });

  test('eight care coordinators and one supervisor carry CareLoop staff-role codes', () => {
    const roles = ofType<PractitionerRole>('PractitionerRole');
    const coordinators = roles.filter((r) => roleCodes(r, SYSTEM.staffRole).includes('care-coordinator'));
    const supervisors = roles.filter((r) => roleCodes(r, SYSTEM.staffRole).includes('supervisor'));
    expect(coordinators).toHaveLength(8);
    expect(supervisors).toHaveLength(1);
    const practitionerIds = new Set(ofType<Practitioner>('Practitioner').map((p) => `Practitioner/${p.id}`));
    for (const role of [...coordinators, ...supervisors])
      expect(practitionerIds).toContain(role.practitioner?.reference);
  });

  test('outpatient services offer visit kinds, each with a duration and needs; emergency and inpatient none', () => {
    const services = ofType<HealthcareService>('HealthcareService');
    const kinds = (s: HealthcareService) => (s.extension ?? []).filter((e) => e.url === EXT.appointmentType);
    const bookable = services.filter((s) => kinds(s).length > 0).map((s) => s.id);
    expect(bookable).toHaveLength(10);
    for (const id of ['demo-hs-emergency', 'demo-hs-inpatient', 'demo-hs-care-coordination'])
      expect(bookable).not.toContain(id);
    for (const s of services.filter((x) => kinds(x).length > 0)) {
      const codes = kinds(s).map((k) => k.extension?.find((x) => x.url === 'code')?.valueCoding?.code);
      expect(new Set(codes).size, s.id).toBe(codes.length);
      for (const k of kinds(s)) {
        const parts = k.extension ?? [];
        expect(parts.find((x) => x.url === 'duration')?.valueDuration?.value).toBeGreaterThanOrEqual(20);
        expect(parts.filter((x) => x.url === 'requires').map((x) => x.valueCode)).toEqual(['practitioner', 'room']);
      }
    }
    const virtual = (id: string) =>
      kinds(services.find((s) => s.id === id) as HealthcareService).some((k) =>
        k.extension?.some((x) => x.url === 'virtual' && x.valueBoolean),
      );
    expect(virtual('demo-hs-behavioral-health')).toBe(true);
    expect(virtual('demo-hs-orthopedics')).toBe(false);
  });

  test('exam rooms are rooms (physical type ro) inside an outpatient site', () => {
    const locations = ofType<Location>('Location');
    const rooms = locations.filter((l) => l.physicalType?.coding?.[0]?.code === 'ro');
    expect(rooms.length).toBeGreaterThanOrEqual(30);
    for (const room of rooms) {
      const site = locations.find((l) => `Location/${l.id}` === room.partOf?.reference);
      expect(site?.physicalType?.coding?.[0]?.code).toMatch(/^(bu|wi)$/);
    }
  });

  test('most clinicians are in most payers’ networks, some are not', () => {
    const clinicians = ofType<PractitionerRole>('PractitionerRole').filter(
      (r) => roleCodes(r, SYSTEM.staffRole).length === 0 && !specialtyCodes(r).includes(INTERPRETER),
    );
    const payers = ofType<Organization>('Organization').filter((o) => o.id?.startsWith('demo-org-payer-'));
    const pairs = clinicians.flatMap((r) =>
      payers.map((p) =>
        (r.extension ?? []).some(
          (e) => e.url === EXT.network && e.valueReference?.reference === `Organization/${p.id}`,
        ),
      ),
    );
    const share = pairs.filter(Boolean).length / pairs.length;
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.95);
    for (const p of payers)
      expect(
        clinicians.some((r) => r.extension?.some((e) => e.valueReference?.reference === `Organization/${p.id}`)),
      ).toBe(true);
  });

  test('three interpreters, for Spanish and Vietnamese', () => {
    const interpreters = ofType<PractitionerRole>('PractitionerRole').filter((r) =>
      specialtyCodes(r).includes(INTERPRETER),
    );
    expect(interpreters).toHaveLength(3);
    const languages = interpreters.flatMap((r) => {
      const who = ofType<Practitioner>('Practitioner').find(
        (p) => `Practitioner/${p.id}` === r.practitioner?.reference,
      );
      return (who?.communication ?? []).map((c) => c.coding?.[0]?.code);
    });
    expect(new Set(languages)).toEqual(new Set(['es', 'vi', 'en']));
  });
});
