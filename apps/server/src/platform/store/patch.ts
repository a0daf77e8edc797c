import type { Resource } from '@medplum/fhirtypes';
import jsonpatch from 'fast-json-patch';
import { invalid } from '../errors.ts';

export type PatchOperation = jsonpatch.Operation;

const ops = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/**
 * Applies an RFC 6902 JSON Patch to a copy of the resource. Malformed operations, failed `test`s and changes to
 * `id` or `resourceType` are a 400 naming the operation; the stored resource is not touched.
 */
export function applyPatch<T extends Resource>(resource: T, patch: unknown): T {
  if (!Array.isArray(patch)) throw invalid('A JSON Patch body must be an array of operations', 'patch');
  patch.forEach((op: unknown, i) => {
    const o = op as { op?: unknown; path?: unknown };
    if (
      typeof op !== 'object' ||
      op === null ||
      typeof o.op !== 'string' ||
      !ops.has(o.op) ||
      typeof o.path !== 'string'
    ) {
      throw invalid('Each operation needs an op (add, remove, replace, move, copy, test) and a path', `patch[${i}]`);
    }
    if (/^\/(id|resourceType)(\/|$)/.test(o.path)) throw invalid(`${o.path} cannot be patched`, `patch[${i}].path`);
  });
  const copy = structuredClone(resource);
  try {
    const result = jsonpatch.applyPatch(copy, patch as PatchOperation[], true, true).newDocument;
    return result as T;
  } catch (e) {
    const index = (e as { index?: number }).index;
    const name =
      (e as { name?: string }).name === 'TEST_OPERATION_FAILED'
        ? 'test operation failed'
        : 'operation cannot be applied';
    throw invalid(`JSON Patch ${name}`, `patch[${index ?? 0}]`);
  }
}
