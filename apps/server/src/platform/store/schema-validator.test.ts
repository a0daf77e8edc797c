import { OperationOutcomeError, type TypedValueWithPath, validateResource } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { r4Examples, syntheaResources } from '../../../test/corpora.ts';
import { loadDefinitions } from './definitions.ts';
import { schemaIssues } from './schema-validator.ts';

// schemaIssues must find exactly the errors (and collect exactly the tokens) that @medplum/core's validator finds.

type Verdict = { errors: string[]; tokens: string[] } | { throws: string };

const summarize = (issues: readonly OperationOutcomeIssue[], tokens: Record<string, TypedValueWithPath[]>) => ({
  errors: issues
    .filter((i) => i.severity === 'error')
    .map((i) => `${i.expression?.join(',')}: ${i.details?.text}`)
    .sort(),
  tokens: Object.entries(tokens)
    .flatMap(([url, list]) => list.map((t) => `${url} ${t.path} ${t.type} ${JSON.stringify(t.value)}`))
    .sort(),
});

function medplum(resource: Resource): Verdict {
  const tokens: Record<string, TypedValueWithPath[]> = {};
  try {
    return summarize(validateResource(resource, { collect: { tokens } }), tokens);
  } catch (e) {
    if (!(e instanceof OperationOutcomeError)) return { throws: String(e) };
    return summarize(e.outcome.issue ?? [], tokens);
  }
}

function ours(resource: Resource): Verdict {
  const tokens: Record<string, TypedValueWithPath[]> = {};
  try {
    return summarize(schemaIssues(resource, tokens), tokens);
  } catch (e) {
    // validate.ts, like Medplum's caller, turns a thrown OperationOutcomeError into its issues.
    if (!(e instanceof OperationOutcomeError)) return { throws: String(e) };
    return summarize(e.outcome.issue ?? [], tokens);
  }
}

const errorCount = (v: Verdict) => ('errors' in v ? v.errors.length : 1);

function disagreements(resources: readonly Resource[]): string[] {
  loadDefinitions();
  return resources.flatMap((r) => {
    const [a, b] = [JSON.stringify(ours(r)), JSON.stringify(medplum(r))];
    return a === b ? [] : [`${r.resourceType}/${r.id}: ours ${a.slice(0, 600)} ≠ medplum ${b.slice(0, 600)}`];
  });
}

const observation = (): Resource =>
  ({
    resourceType: 'Observation',
    id: 'o1',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Heart rate' },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2026-01-02T03:04:05Z',
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
    component: [{ code: { text: 'a' }, valueString: 'x' }],
    referenceRange: [{ low: { value: 1 }, text: 'normal' }],
    _status: { extension: [{ url: 'http://example.org/x', valueBoolean: true }] },
  }) as Resource;

describe('schema validation walks the data and agrees with @medplum/core', () => {
  test('on valid and broken resources written by hand', () => {
    const broken = [
      { resourceType: 'Observation', id: 'x' }, // status and code missing
      { ...observation(), status: 'done', valueQuantity: { value: 'high' } },
      { ...observation(), code: [{ text: 'array' }], component: { code: { text: 'single' } } },
      { ...observation(), subject: {}, note: [], issued: '2026-02-30T00:00:00Z', extra: 1 },
      { ...observation(), component: [{ valueString: '' }, null], referenceRange: [{}] },
      { resourceType: 'Patient', id: 'p', birthDate: '1970', multipleBirthInteger: 2.5, active: 'yes' },
      { resourceType: 'Patient', id: 'p', contained: [{ resourceType: 'Organization', id: 'o', name: 1 }] },
      { resourceType: 'Binary', id: 'b', contentType: 'text/plain', data: 'abc' },
      { resourceType: 'Patient', id: 'p', contained: [{ resourceType: { system: [] } }, { resourceType: 'Nonsense' }] },
      {
        resourceType: 'Questionnaire',
        id: 'q',
        status: 'draft',
        item: [{ type: 'group', item: [{ type: 'display' }] }],
      },
    ] as unknown as Resource[];
    // Accepted by both: a null kept by its `_` partner; Medplum's leniency on a second choice key when one is valid.
    const accepted = [
      { resourceType: 'Patient', id: 'p', name: [{ given: ['A', null], _given: [null, { id: 'g' }] }] },
      { ...observation(), valueFoo: 1, _effectiveDateTime: { id: 'e' }, effectivePeriod: { start: 'x' } },
    ] as unknown as Resource[];
    expect(disagreements([observation(), ...accepted, ...broken])).toEqual([]);
    expect(accepted.map((r) => errorCount(ours(r)))).toEqual([0, 0]);
    // The comparison can fail: these resources do have errors.
    expect(broken.filter((r) => errorCount(ours(r)) === 0).map((r) => JSON.stringify(r))).toEqual([]);
  });

  test('on thousands of generated mutations of a valid resource', () => {
    const junk = fc.oneof(
      fc.constant(null),
      fc.constant(''),
      fc.constant([]),
      fc.constant({}),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('2026-13-01', 'Patient/p1', '#x', ' ', 'final'),
      fc.dictionary(fc.constantFrom('text', 'value', 'code', 'id', 'extension', 'reference'), fc.string(), {
        maxKeys: 3,
      }),
    );
    const paths = [
      'status',
      'code',
      'code.coding',
      'code.text',
      'subject',
      'valueQuantity',
      'valueQuantity.value',
      'component',
      'effectiveDateTime',
      'referenceRange',
      'issued',
      'interpretation',
      'note',
      'valueString',
      '_status',
      'bogus',
    ];
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...paths), junk), { minLength: 1, maxLength: 3 }), (edits) => {
        const r = observation() as unknown as Record<string, unknown>;
        for (const [path, value] of edits) {
          const [head, tail] = path.split('.') as [string, string | undefined];
          if (tail && typeof r[head] === 'object' && r[head] !== null)
            (r[head] as Record<string, unknown>)[tail] = value;
          else r[head] = value;
        }
        // What a request body can be: JSON (no prototype-less objects, no undefined, no NaN).
        expect(disagreements([JSON.parse(JSON.stringify(r)) as Resource])).toEqual([]);
      }),
      { numRuns: 2000, seed: 20261123 },
    );
  });

  const examples = r4Examples('schema-validator');
  test.skipIf(!examples)('agree on the 206 official R4 examples', () => {
    expect(examples).toHaveLength(206);
    expect(disagreements(examples ?? [])).toEqual([]);
  });

  const synthea = syntheaResources('schema-validator', 10);
  test.skipIf(!synthea)('agree on every resource of ten Synthea patients', () => {
    expect(synthea?.length).toBeGreaterThan(1000);
    expect(disagreements(synthea ?? [])).toEqual([]);
  });
});
