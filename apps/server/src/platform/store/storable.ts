import type { OperationOutcomeIssue } from '@medplum/fhirtypes';

/**
 * Deepest nesting of arrays and objects accepted in a request body or resource. Real FHIR stays far below it (a
 * transaction Bundle of Questionnaires with items nested ten deep is about 30 levels); the limit exists because
 * recursive walkers (validation, reference rewriting, indexing) would overflow the stack on hostile input.
 */
const maxJsonDepth = 128;

// R4 §2.1.0.3 id: 1–64 characters from [A-Za-z0-9\-\.].
const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;

/** True for a string that is a valid FHIR logical id. */
export function isFhirId(id: string): boolean {
  return fhirId.test(id);
}

/**
 * The first reason a JSON value cannot be processed or stored: nesting deeper than {@link maxJsonDepth}, or a string
 * or key that PostgreSQL's jsonb rejects (a NUL character, or a lone UTF-16 surrogate such as `"\ud800"`, which
 * JSON.parse accepts). Iterative, so it is safe on any input. `root` names the value in the returned expression;
 * `checkStrings: false` checks the depth only (request bodies, whose resources are checked again when stored).
 */
export function unstorableJson(
  value: unknown,
  root: string,
  checkStrings = true,
): { text: string; expression: string } | undefined {
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length) {
    const [v, path, depth] = stack.pop() as [unknown, string, number];
    if (typeof v === 'string') {
      if (checkStrings && !isStorableString(v))
        return { text: 'String contains a NUL character or an unpaired surrogate', expression: path };
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= maxJsonDepth) return { text: `JSON nested deeper than ${maxJsonDepth} levels`, expression: path };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`, depth + 1]);
      continue;
    }
    for (const [key, child] of Object.entries(v)) {
      if (checkStrings && !isStorableString(key))
        return { text: 'Property name contains a NUL character or an unpaired surrogate', expression: path };
      stack.push([child, `${path}.${key}`, depth + 1]);
    }
  }
  return undefined;
}

const isStorableString = (s: string) => s.isWellFormed() && !s.includes('\u0000');

/** Issues that make a resource unstorable whatever its type: a malformed id, or JSON that {@link unstorableJson} rejects. */
export function storabilityIssues(resource: { resourceType: string; id?: unknown }): OperationOutcomeIssue[] {
  const out: OperationOutcomeIssue[] = [];
  const { id } = resource;
  if (id !== undefined && (typeof id !== 'string' || !isFhirId(id))) {
    out.push(issueOf('value', 'id must be 1–64 characters of A-Z, a-z, 0-9, - and .', `${resource.resourceType}.id`));
  }
  const bad = unstorableJson(resource, resource.resourceType);
  if (bad) out.push(issueOf('structure', bad.text, bad.expression));
  return out;
}

function issueOf(code: OperationOutcomeIssue['code'], text: string, expression: string): OperationOutcomeIssue {
  return { severity: 'error', code, details: { text }, expression: [expression] };
}
