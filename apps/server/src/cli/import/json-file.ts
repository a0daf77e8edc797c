import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { processBundle } from '../../fhir-api/transaction.ts';
import { OutcomeError } from '../../platform/errors.ts';
import { createBatchWriter, type Item } from './batch-writer.ts';
import { countingStore, emptyTally, type Tally } from './counting-store.ts';
import { issuesOf, type Run } from './types.ts';

/**
 * Imports one `.json` file: a transaction or batch Bundle goes through the FHIR transaction processor (client ids kept,
 * so a re-import changes nothing); the entries of a collection or searchset Bundle, or a lone resource, are stored
 * like NDJSON resources. The file is read whole: a Bundle is one JSON document.
 * Returns 'skipped' for JSON that is not a FHIR resource.
 */
export async function importJsonFile(run: Run, path: string, name: string): Promise<'imported' | 'skipped'> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    if (e instanceof SyntaxError) {
      run.fail({ file: name, issues: [{ text: 'File is not valid JSON' }] }, 0);
      return 'imported';
    }
    throw e;
  }
  const resource = value as Partial<Resource> | null;
  if (
    typeof resource !== 'object' ||
    resource === null ||
    Array.isArray(resource) ||
    typeof resource.resourceType !== 'string'
  )
    return 'skipped';
  if (resource.resourceType !== 'Bundle') {
    const writer = createBatchWriter(run);
    if (typeof resource.id !== 'string') {
      run.fail({
        file: name,
        resourceType: resource.resourceType,
        issues: [{ text: 'Resource id is required', expression: [`${resource.resourceType}.id`] }],
      });
    } else await writer.add({ resource: resource as Resource, file: name });
    await writer.finish();
    return 'imported';
  }
  const bundle = resource as Bundle;
  if (!Array.isArray(bundle.entry ?? [])) {
    run.fail({ file: name, issues: [{ text: 'Bundle.entry must be an array', expression: ['Bundle.entry'] }] }, 0);
  } else if (bundle.type === 'transaction' || bundle.type === 'batch') await importTransaction(run, bundle, name);
  else if (bundle.type === 'collection' || bundle.type === 'searchset') await importCollection(run, bundle, name);
  else
    run.fail(
      {
        file: name,
        issues: [{ text: `Bundle.type ${String(bundle.type)} cannot be imported`, expression: ['Bundle.type'] }],
      },
      0,
    );
  return 'imported';
}

async function importTransaction(run: Run, bundle: Bundle, name: string): Promise<void> {
  const entries = bundle.entry ?? [];
  const tally: Tally = emptyTally();
  try {
    const response = await processBundle(countingStore(run.store, tally), run.base, withStableIds(bundle), {
      keepClientIds: true,
    });
    // A batch answers each entry on its own: the refused ones are errors, the rest stand.
    for (const [entry, answer] of (response.entry ?? []).entries()) {
      if (Number(answer.response?.status ?? '500') < 400) continue;
      run.fail({ file: name, entry, ...what(entries[entry]), issues: issuesOf(answer.response?.outcome) });
    }
  } catch (e) {
    if (!(e instanceof OutcomeError)) throw e;
    // A transaction is all or nothing: every entry failed, because of the one the outcome names.
    const at = /Bundle\.entry\[(\d+)\]/.exec(e.outcome.issue?.[0]?.expression?.[0] ?? '')?.[1];
    const entry = at === undefined ? undefined : Number(at);
    run.fail(
      { file: name, ...(entry === undefined ? {} : { entry, ...what(entries[entry]) }), issues: issuesOf(e.outcome) },
      entries.length,
    );
  }
  run.counts.created += tally.created;
  run.counts.updated += tally.updated;
  run.counts.unchanged += tally.unchanged;
  run.counts.deleted += tally.deleted;
  run.report();
}

/**
 * A POST entry with no fullUrl would get a random id, so importing the file again would create it again. It gets a
 * `urn:uuid:` fullUrl derived from its position and content instead (nothing can reference an entry without a
 * fullUrl, so no reference changes), and the transaction keeps that id.
 */
function withStableIds(bundle: Bundle): Bundle {
  const entries = bundle.entry ?? [];
  if (!entries.some((e) => e?.request?.method === 'POST' && !e.fullUrl)) return bundle;
  return {
    ...bundle,
    entry: entries.map((e, i) => {
      if (e?.request?.method !== 'POST' || e.fullUrl) return e;
      const hex = createHash('sha256')
        .update(`${i}\n${JSON.stringify(e.resource)}`)
        .digest('hex');
      return {
        ...e,
        fullUrl: `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`,
      };
    }),
  };
}

/** The id a collection entry without one is known by: its `urn:uuid:` fullUrl, or the id at the end of `…/Type/id`. */
function idFromFullUrl(resourceType: string, fullUrl: string | undefined): string | undefined {
  const urn = /^urn:uuid:([A-Za-z0-9-]{1,64})$/.exec(fullUrl ?? '')?.[1];
  if (urn) return urn;
  const m = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(fullUrl ?? '');
  return m?.[1] === resourceType ? m[2] : undefined;
}

function what(entry: BundleEntry | undefined): { resourceType?: string; id?: string } {
  const r = entry?.resource;
  return {
    ...(typeof r?.resourceType === 'string' ? { resourceType: r.resourceType } : {}),
    ...(typeof r?.id === 'string' ? { id: r.id } : {}),
  };
}

/**
 * A collection's entries are stored as they are. An entry without an id takes the one its fullUrl gives (`urn:uuid:X`
 * or `…/Type/X`), and references to fullUrls are rewritten to `Type/id`, as a transaction would.
 */
async function importCollection(run: Run, bundle: Bundle, name: string): Promise<void> {
  const entries = bundle.entry ?? [];
  const targets = new Map<string, string>();
  const items: (Omit<Item, 'file'> | undefined)[] = entries.map((e, entry) => {
    const r = e?.resource;
    if (typeof r !== 'object' || r === null || typeof r.resourceType !== 'string') {
      run.fail({
        file: name,
        entry,
        issues: [{ text: 'Entry has no resource', expression: [`Bundle.entry[${entry}].resource`] }],
      });
      return undefined;
    }
    const id = r.id ?? idFromFullUrl(r.resourceType, e.fullUrl);
    if (!id) {
      run.fail({
        file: name,
        entry,
        resourceType: r.resourceType,
        issues: [
          {
            text: 'Resource id is required (no id, and no fullUrl to take one from)',
            expression: [`Bundle.entry[${entry}].resource.id`],
          },
        ],
      });
      return undefined;
    }
    if (e?.fullUrl) targets.set(e.fullUrl, `${r.resourceType}/${id}`);
    return { resource: { ...r, id }, entry };
  });
  const writer = createBatchWriter(run);
  for (const item of items)
    if (item) await writer.add({ ...item, file: name, resource: rewriteReferences(item.resource, targets) });
  await writer.finish();
}

function rewriteReferences<T>(value: T, targets: ReadonlyMap<string, string>): T {
  if (targets.size === 0) return value;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v))
      out[k] = k === 'reference' && typeof child === 'string' ? (targets.get(child) ?? child) : walk(child);
    return out;
  };
  return walk(value) as T;
}
