import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** ../shared/data/synthea/bundles beside the repository (SYNTHEA_BUNDLES overrides). */
export const syntheaDir =
  process.env.SYNTHEA_BUNDLES ?? fileURLToPath(new URL('../../../shared/data/synthea/bundles', import.meta.url));

type Json = Record<string, unknown>;
type Entry = { fullUrl?: string; resource?: Json & { resourceType: string; id?: string } };

/** One distinct resource of the source population, as compact JSON with `Type/id` references (NDJSON-ready). */
export type SourceResource = Readonly<{ type: string; line: string }>;

export type SyntheaPopulation = Readonly<{
  /** Each patient's transaction Bundle as compact JSON (urn:uuid fullUrls and references, POST entries). */
  bundles: readonly string[];
  /** Entries over all bundles (shared Organizations and Practitioners counted once per bundle). */
  bundleResources: number;
  /** Distinct resources (shared ones once), with references resolved for NDJSON. */
  resources: readonly SourceResource[];
}>;

/** Reads the Synthea bundles; undefined when the folder is absent. */
export function loadSynthea(dir = syntheaDir): SyntheaPopulation | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const parsed = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as { entry: Entry[] });
  // urn:uuid:X → Type/X over the whole population: a bundle may reference shared resources by their urn.
  const typeOf = new Map<string, string>();
  for (const b of parsed) {
    for (const e of b.entry) if (e.fullUrl && e.resource) typeOf.set(e.fullUrl, e.resource.resourceType);
  }
  const seen = new Set<string>();
  const resources: SourceResource[] = [];
  let bundleResources = 0;
  for (const b of parsed) {
    for (const e of b.entry) {
      if (!e.resource || !e.fullUrl) continue;
      bundleResources++;
      if (seen.has(e.fullUrl)) continue;
      seen.add(e.fullUrl);
      const { resourceType, id: _id, ...rest } = e.resource;
      const id = e.fullUrl.replace(/^urn:uuid:/, '');
      // resourceType and id first: the COPY baseline reads them off the start of each line.
      const text = JSON.stringify({ resourceType, id, ...rest }).replace(
        /"urn:uuid:([0-9a-f-]{36})"/g,
        (m, uuid: string) => {
          const type = typeOf.get(`urn:uuid:${uuid}`);
          return type ? `"${type}/${uuid}"` : m;
        },
      );
      resources.push({ type: resourceType, line: text });
    }
  }
  return { bundles: parsed.map((b) => JSON.stringify(b)), bundleResources, resources };
}

const uuidPattern = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/**
 * A uuid for clone `k` of `uuid`, v5-style (SHA-1 of the pair, version and variant bits set): deterministic, so every
 * occurrence of one uuid in clone k (ids, fullUrls, references, identifiers) maps to the same new uuid.
 */
function cloneUuid(uuid: string, k: number): string {
  const h = createHash('sha1').update(`${uuid}/${k}`).digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** Clone k of a JSON text: every uuid rewritten consistently. Clone 0 is the original. */
export function cloneText(text: string, k: number, cache = new Map<string, string>()): string {
  if (k === 0) return text;
  return text.replace(uuidPattern, (u) => {
    let v = cache.get(u);
    if (v === undefined) {
      v = cloneUuid(u, k);
      cache.set(u, v);
    }
    return v;
  });
}

/** Number of population clones needed for at least `resources` distinct resources. */
export const clonesFor = (population: SyntheaPopulation, resources: number): number =>
  Math.max(1, Math.ceil(resources / population.resources.length));
