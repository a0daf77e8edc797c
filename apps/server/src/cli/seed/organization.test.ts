import type { Location, Organization, Practitioner, PractitionerRole, Resource } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
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
      (r) => roleCodes(r, SYSTEM.staffRole).length === 0,
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
});
