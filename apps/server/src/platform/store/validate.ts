import { OperationOutcomeError, type TypedValueWithPath } from '@medplum/core';
import type { OperationOutcomeIssue, Resource } from '@medplum/fhirtypes';
import { OutcomeError } from '../errors.ts';
import { requiredBindingIssues } from './bindings.ts';
import { isStoredType, loadDefinitions } from './definitions.ts';
import { schemaIssues } from './schema-validator.ts';
import { storabilityIssues } from './storable.ts';

/**
 * Checks a resource against the R4 StructureDefinitions (cardinality, types, invariants, required bindings, reference
 * format) before it is stored; throws a 400 OutcomeError whose issues name each offending element in `expression`.
 */
export function validate(resource: Resource): void {
  loadDefinitions();
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    throw new OutcomeError(
      { resourceType: 'OperationOutcome', issue: [issue('structure', 'Expected a JSON object', 'Resource')] },
      400,
    );
  }
  const type = (resource as { resourceType?: unknown }).resourceType;
  if (typeof type !== 'string' || !isStoredType(type)) {
    throw new OutcomeError(
      {
        resourceType: 'OperationOutcome',
        issue: [
          issue(
            'not-supported',
            `Unsupported resource type ${JSON.stringify(String(type)).slice(0, 80)}`,
            'resourceType',
          ),
        ],
      },
      400,
    );
  }
  // Before the recursive validators: hostile nesting would overflow their stack, and jsonb could not store the rest.
  const unstorable = storabilityIssues(resource);
  if (unstorable.length) throw new OutcomeError({ resourceType: 'OperationOutcome', issue: unstorable }, 400);
  // The validator collects the coded values under required bindings but does not check them (bindings.ts does).
  const tokens: Record<string, TypedValueWithPath[]> = {};
  let schema: OperationOutcomeIssue[];
  try {
    schema = schemaIssues(resource, tokens);
  } catch (e) {
    // e.g. a contained resource of an unknown type ("Unknown data type")
    if (!(e instanceof OperationOutcomeError)) throw e;
    schema = e.outcome.issue ?? [];
  }
  const issues = [...schema, ...requiredBindingIssues(tokens), ...referenceIssues(resource)];
  const errors = issues.filter((i) => i.severity === 'error' || i.severity === 'fatal');
  if (errors.length) throw new OutcomeError({ resourceType: 'OperationOutcome', issue: errors }, 400);
}

function issue(code: OperationOutcomeIssue['code'], text: string, expression: string): OperationOutcomeIssue {
  return { severity: 'error', code, details: { text }, expression: [expression] };
}

// R4 §2.3.0 Reference.reference: a relative `Type/id`, an absolute URL, a `urn:` (inside Bundles) or `#contained`.
const referencePattern =
  /^(#.*|[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}(\/_history\/[A-Za-z0-9\-.]{1,64})?|[a-z][a-z0-9+.-]*:\/\/\S+|urn:(uuid|oid):\S+)$/;

// R4 http.html, transaction processing rules: a conditional reference (`Patient?identifier=…`) stands for a search
// that the transaction resolves; it is never stored as such.
const conditionalReference = /^[A-Z][A-Za-z]+\?/;

/**
 * Reference format, and local references (R4 references.html#contained): `#id` must name a contained resource
 * (ref-1), and every contained resource must have an id that is referred to from elsewhere in the resource, or itself
 * refer to its container with `#` (dom-3; @medplum/core skips that invariant).
 */
function referenceIssues(resource: Resource): OperationOutcomeIssue[] {
  const out: OperationOutcomeIssue[] = [];
  const contained: unknown[] = Array.isArray((resource as { contained?: unknown }).contained)
    ? (resource as { contained: unknown[] }).contained
    : [];
  const ids = new Set(contained.map((c) => (c as { id?: unknown } | null)?.id).filter((id) => typeof id === 'string'));
  const pointedTo = new Set<string>(); // ids named by a `#id` anywhere (references and canonicals alike)
  const toContainer = new Set<number>(); // contained resources that refer to their container
  const walk = (value: unknown, path: string, inContained: number | undefined): void => {
    if (typeof value === 'string') {
      if (contained.length && value.startsWith('#')) {
        if (value.length > 1) pointedTo.add(value.slice(1));
        else if (inContained !== undefined) toContainer.add(inContained);
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((v, i) => {
        walk(v, `${path}[${i}]`, inContained);
      });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    for (const [key, child] of Object.entries(value)) {
      const at = `${path}.${key}`;
      if (key === 'reference' && typeof child === 'string') {
        if (conditionalReference.test(child)) {
          out.push(
            issue('value', 'A conditional reference (Type?search) is resolved only inside a transaction Bundle', at),
          );
        } else if (!referencePattern.test(child)) out.push(issue('value', 'Invalid reference format', at));
        else if (child === '#' && inContained === undefined) {
          out.push(issue('value', 'Only a contained resource can refer to its container with #', at));
        } else if (child.length > 1 && child.startsWith('#') && !ids.has(child.slice(1))) {
          out.push(issue('value', 'Local reference does not name a contained resource', at));
        }
      }
      if (key === 'contained' && path === resource.resourceType) {
        contained.forEach((c, i) => {
          walk(c, `${at}[${i}]`, i);
        });
      } else walk(child, at, inContained);
    }
  };
  walk(resource, resource.resourceType, undefined);
  contained.forEach((c, i) => {
    const id = (c as { id?: unknown } | null)?.id;
    if (!(typeof id === 'string' && pointedTo.has(id)) && !toContainer.has(i)) {
      out.push(
        issue(
          'invariant',
          'Contained resource is not referred to from the resource (dom-3)',
          `${resource.resourceType}.contained[${i}]`,
        ),
      );
    }
  });
  return out;
}
