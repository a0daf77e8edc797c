import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalFhirPathTyped, toTypedValue } from '@medplum/core';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { r4Examples, syntheaResources } from '../../../test/corpora.ts';
import { resourceTypes, searchParamsOf } from './definitions.ts';

// The compiled search-parameter paths must give what the FHIRPath evaluator gives, value for value and type for type.
const fixtures = new URL('../../../test/fixtures/import/', import.meta.url).pathname;

function fixtureResources(): Resource[] {
  const out: Resource[] = [];
  for (const f of readdirSync(fixtures)) {
    const text = readFileSync(join(fixtures, f), 'utf8');
    if (f.endsWith('.ndjson'))
      for (const line of text.split('\n')) if (line.trim()) out.push(JSON.parse(line) as Resource);
    if (f.endsWith('.json'))
      for (const e of (JSON.parse(text) as Bundle).entry ?? []) if (e.resource) out.push(e.resource);
  }
  return out;
}

function mismatches(resources: readonly Resource[]): string[] {
  const out: string[] = [];
  for (const r of resources) {
    const input = toTypedValue(r);
    for (const p of searchParamsOf(r.resourceType).values()) {
      let expected: unknown;
      try {
        expected = evalFhirPathTyped(p.atom, [input]).map((v) => ({ type: v.type, value: v.value }));
      } catch {
        expected = 'throws';
      }
      let actual: unknown;
      try {
        actual = p.evaluate(input).map((v) => ({ type: v.type, value: v.value }));
      } catch {
        actual = 'throws';
      }
      if (JSON.stringify(actual) !== JSON.stringify(expected))
        out.push(`${r.resourceType}/${r.id} ${p.code}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
    }
  }
  return out;
}

describe('compiled search-parameter paths', () => {
  test('most parameters of the stored types compile (the rest use the FHIRPath evaluator)', () => {
    const params = resourceTypes.flatMap((t) => [...searchParamsOf(t).values()]);
    const compiled = params.filter((p) => p.compiled).length;
    expect(params.length).toBeGreaterThan(900);
    expect(compiled / params.length).toBeGreaterThan(0.9);
  });

  test('agree with the FHIRPath evaluator on the project fixtures', () => {
    const resources = fixtureResources();
    expect(resources.length).toBeGreaterThan(5);
    expect(mismatches(resources)).toEqual([]);
  });

  test('agree on primitive extensions, choice types and references of every form', () => {
    const patient = {
      resourceType: 'Patient',
      id: 'p1',
      birthDate: '1970-01-01',
      _birthDate: { extension: [{ url: 'http://example.org/x', valueString: 'approx' }] },
      deceasedDateTime: '2020-01-01',
      name: [
        { family: 'Ng', given: ['A', 'B'] },
        { family: 'Ng', given: ['A', 'B'] },
      ],
      generalPractitioner: [
        { reference: 'Practitioner/1' },
        { reference: 'http://x.org/fhir/Organization/2' },
        { reference: 'Organization?identifier=a|b' },
        { type: 'Practitioner', identifier: { system: 's', value: 'v' } },
        { display: 'nobody' },
      ],
    } as Resource;
    const observation = {
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      code: { coding: [{ system: 's', code: 'c' }], text: 'x' },
      identifier: [{ value: 'x' }, { value: 'x' }],
      subject: { reference: 'Patient/p1' },
      valueCodeableConcept: { text: 'positive' },
      component: [
        { code: { text: 'a' }, valueQuantity: { value: 1, unit: 'mm' } },
        { code: { text: 'a' }, valueQuantity: { value: 1, unit: 'mm' } },
        { code: { coding: [{ system: 's', code: 'c' }] }, valueString: 'x' },
        { code: { text: 'x' }, valueCodeableConcept: { text: 'positive' } },
      ],
    } as Resource;
    expect(mismatches([patient, observation])).toEqual([]);
  });

  const examples = r4Examples('fast-path');
  test.skipIf(!examples)('agree on the 206 official R4 examples', () => {
    expect(examples).toHaveLength(206);
    expect(mismatches(examples ?? [])).toEqual([]);
  });

  const synthea = syntheaResources('fast-path', 10);
  test.skipIf(!synthea)('agree on every resource of ten Synthea patients', () => {
    expect(synthea?.length).toBeGreaterThan(1000);
    expect(mismatches(synthea ?? [])).toEqual([]);
  });
});
