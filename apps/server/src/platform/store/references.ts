import { preconditionFailed } from '@careloop/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { invalid, OutcomeError } from '../errors.ts';
import { isStoredType } from './definitions.ts';
import type { StoreTx } from './store.ts';

const conditionalPattern = /^([A-Z][A-Za-z]+)\?(.+)$/;

/**
 * Rewrites a resource's references: `mapped` replaces references by exact string (a Bundle's urn:uuid fullUrls);
 * conditional references (`Practitioner?identifier=sys|val`, R4 §3.1.0.11.3) are resolved by search and must match
 * exactly one resource, otherwise 412 and nothing is written. `cache` (optional) remembers resolutions across calls,
 * for imports where thousands of resources point at the same few practitioners.
 * `at` names where the resource sits, for error expressions (e.g. `Bundle.entry[3].resource`).
 */
export async function resolveReferences(
  tx: StoreTx,
  resource: Resource,
  options: { at: string; mapped?: ReadonlyMap<string, string>; cache?: Map<string, string>; strictUrn?: boolean },
): Promise<Resource> {
  const resolved = options.cache ?? new Map<string, string>();
  const pending = new Set<string>();
  const collect = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(collect);
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) {
        if (k === 'reference' && typeof child === 'string' && conditionalPattern.test(child)) pending.add(child);
        else collect(child);
      }
    }
  };
  collect(resource);
  for (const ref of pending) {
    if (resolved.has(ref)) continue;
    const [, type = '', query = ''] = conditionalPattern.exec(ref) ?? [];
    if (!isStoredType(type)) throw invalid('Conditional reference to an unknown type', options.at);
    const found = await tx.search(type, new URLSearchParams(`${query}&_count=2`), { total: 'none' });
    if (found.matches.length !== 1) {
      const what = found.matches.length === 0 ? 'nothing' : 'more than one resource';
      throw new OutcomeError(preconditionFailed(`Conditional reference to ${type} matches ${what}`, options.at), 412);
    }
    resolved.set(ref, `${type}/${found.matches[0]?.id}`);
  }
  if (pending.size === 0 && !options.mapped) return resource;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      if (k === 'reference' && typeof child === 'string') {
        const mapped = options.mapped?.get(child) ?? (pending.has(child) ? resolved.get(child) : undefined);
        if (!mapped && options.strictUrn && child.startsWith('urn:uuid:')) {
          throw invalid('Reference to a urn:uuid that is not in the Bundle', options.at);
        }
        out[k] = mapped ?? child;
      } else out[k] = rewrite(child);
    }
    return out;
  };
  return rewrite(resource) as Resource;
}
