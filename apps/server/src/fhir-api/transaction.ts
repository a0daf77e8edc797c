import { randomUUID } from 'node:crypto';
import { outcome, parseReference } from '@careloop/fhir';
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { invalid, OutcomeError } from '../platform/errors.ts';
import { findByCondition, isStoredType, resolveReferences, type StoreTx } from '../platform/store/index.ts';

export type BundleOptions = Readonly<{
  /**
   * Import mode: a POST entry whose fullUrl is `urn:uuid:X` keeps X as its id (as an update-as-create), so loading
   * the same file twice creates no duplicates.
   */
  keepClientIds?: boolean;
  /** `Prefer: return=minimal`: entries carry only their response, not the stored resource. */
  minimal?: boolean;
}>;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Entry = {
  index: number;
  method: Method;
  url: string;
  resource: Resource | undefined;
  fullUrl: string | undefined;
  raw: BundleEntry;
};

/** Processes a `batch` or `transaction` Bundle (R4 §3.1.0.11); a transaction commits all entries or none. */
export async function processBundle(
  store: StoreTx,
  base: string,
  body: unknown,
  options: BundleOptions = {},
): Promise<Bundle> {
  const bundle = body as Bundle;
  if (typeof bundle !== 'object' || bundle === null || bundle.resourceType !== 'Bundle')
    throw invalid('Body must be a Bundle', 'resourceType');
  if (bundle.type !== 'transaction' && bundle.type !== 'batch')
    throw invalid('Bundle.type must be transaction or batch', 'Bundle.type');
  if (bundle.entry !== undefined && !Array.isArray(bundle.entry))
    throw invalid('Bundle.entry must be an array', 'Bundle.entry');
  // A batch's entries are independent (R4 §3.1.0.11.1): a malformed one gets its own error response.
  if (bundle.type === 'batch') return runBatch(store, base, bundle.entry ?? [], options);
  const entries = (bundle.entry ?? []).map(parseEntry);
  const responses = await store.transaction((tx) => runTransaction(tx, base, entries, options));
  return { resourceType: 'Bundle', type: 'transaction-response', entry: responses };
}

function parseEntry(raw: BundleEntry, index: number): Entry {
  const at = `Bundle.entry[${index}]`;
  if (typeof raw !== 'object' || raw === null) throw invalid('Entry must be an object', at);
  const method = raw.request?.method;
  const url = raw.request?.url;
  if (!method || !['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(method))
    throw invalid('request.method must be GET, POST, PUT, PATCH or DELETE', `${at}.request.method`);
  if (typeof url !== 'string' || url === '') throw invalid('request.url is required', `${at}.request.url`);
  const resource = raw.resource;
  if ((method === 'POST' || method === 'PUT') && (typeof resource !== 'object' || resource === null))
    throw invalid(`${method} needs a resource`, `${at}.resource`);
  return { index, method: method as Method, url: url.replace(/^\//, ''), resource, fullUrl: raw.fullUrl, raw };
}

async function runBatch(store: StoreTx, base: string, raw: BundleEntry[], options: BundleOptions): Promise<Bundle> {
  const out: BundleEntry[] = [];
  for (const [index, entry] of raw.entries()) {
    try {
      const e = parseEntry(entry, index);
      const [response] = await store.transaction((tx) => runTransaction(tx, base, [e], options));
      out.push(response as BundleEntry);
    } catch (err) {
      if (!(err instanceof OutcomeError)) throw err;
      out.push({ response: { status: String(err.status), outcome: err.outcome } });
    }
  }
  return { resourceType: 'Bundle', type: 'batch-response', entry: out };
}

/** Re-labels validation issues of entry i so `expression` points into the Bundle. */
function relabel(index: number, e: OutcomeError): OutcomeError {
  const moved: OperationOutcome = {
    ...e.outcome,
    issue: (e.outcome.issue ?? []).map((i) => ({
      ...i,
      expression: (i.expression ?? ['resource']).map((x) => entryExpression(index, x)),
    })),
  };
  return new OutcomeError(moved, e.status);
}

/**
 * Where an issue raised while processing entry i points inside the Bundle: `Patient.birthDate` → its resource's
 * element, `If-Match` → its request, a JSON Patch operation (`patch[0]`) → the Binary carrying the patch.
 */
function entryExpression(index: number, x: string): string {
  const at = `Bundle.entry[${index}]`;
  if (x.startsWith('Bundle.')) return x;
  if (x === 'resource') return `${at}.resource`;
  if (x === 'If-Match') return `${at}.request.ifMatch`;
  if (x === 'If-None-Exist') return `${at}.request.ifNoneExist`;
  if (/^patch(\[|$)/.test(x)) return `${at}.resource.data`;
  if (/^[A-Z][A-Za-z]+(\.|\[|$)/.test(x)) return `${at}.resource${x.replace(/^[A-Z][A-Za-z]+/, '')}`;
  return `${at}.resource.${x}`;
}

const fhirId = /^[A-Za-z0-9\-.]{1,64}$/;

async function runTransaction(
  tx: StoreTx,
  base: string,
  entries: Entry[],
  options: BundleOptions,
): Promise<BundleEntry[]> {
  // 1. Decide every created resource's id, so references between entries can be rewritten before anything is written.
  const ids = new Map<string, string>();
  const targetOf = new Map<Entry, { type: string; id: string; conditional?: boolean }>();
  for (const e of entries) {
    const type = e.url.split(/[/?]/)[0] ?? '';
    if (!isStoredType(type))
      throw new OutcomeError(
        outcome('not-supported', `Unknown resource type in request.url`, `Bundle.entry[${e.index}].request.url`),
        400,
      );
    if (e.method === 'POST') {
      if (e.resource?.resourceType !== type)
        throw invalid(`resourceType must be ${type}`, `Bundle.entry[${e.index}].resource.resourceType`);
      const urn = /^urn:uuid:([A-Za-z0-9-]{1,64})$/.exec(e.fullUrl ?? '')?.[1];
      const ifNoneExist = e.raw.request?.ifNoneExist;
      let id = options.keepClientIds && urn ? urn : randomUUID();
      let conditional = false;
      if (ifNoneExist) {
        // The same lock as a conditional create over REST, so concurrent Bundles with this condition create once.
        const found = await findByCondition(tx, type, ifNoneExist, `Bundle.entry[${e.index}].request.ifNoneExist`);
        if (found) {
          id = found.id as string;
          conditional = true;
        }
      }
      targetOf.set(e, { type, id, conditional });
      if (e.fullUrl) ids.set(e.fullUrl, `${type}/${id}`);
    } else if (e.method === 'PUT' && !e.url.includes('?')) {
      const ref = parseReference(e.url);
      if (!ref) throw invalid('PUT url must be Type/id', `Bundle.entry[${e.index}].request.url`);
      targetOf.set(e, { type: ref.resourceType, id: ref.id });
      if (e.fullUrl) ids.set(e.fullUrl, e.url);
    }
  }
  // 2. Resolve conditional references (`Patient?identifier=…`) and rewrite urn:uuid references.
  for (const e of entries) {
    if (e.resource)
      e.resource = await resolveReferences(tx, e.resource, {
        at: `Bundle.entry[${e.index}].resource`,
        mapped: ids,
        strictUrn: true,
      });
  }

  // 3. Write. Plain creates and updates go in one batch; the rest one at a time, in the R4 order DELETE, POST, PUT, GET.
  const responses = new Map<Entry, BundleEntry>();
  for (const e of entries.filter((x) => x.method === 'DELETE')) {
    const ref = parseReference(e.url);
    if (!ref) throw invalid('DELETE url must be Type/id', `Bundle.entry[${e.index}].request.url`);
    await tx.delete(ref.resourceType, ref.id);
    responses.set(e, { response: { status: '204' } });
  }
  const batch = entries.filter(
    (e) =>
      (e.method === 'POST' && !targetOf.get(e)?.conditional) ||
      (e.method === 'PUT' && targetOf.has(e) && !e.raw.request?.ifMatch),
  );
  const batchResources = batch.map((e) => {
    const t = targetOf.get(e) as { type: string; id: string };
    if (e.method === 'PUT' && e.resource?.id !== t.id)
      throw invalid('Resource id must match request.url', `Bundle.entry[${e.index}].resource.id`);
    return { ...(e.resource as Resource), id: t.id };
  });
  const written = await tx.putMany(batchResources, { relabel: (i, err) => relabel((batch[i] as Entry).index, err) });
  for (const [i, e] of batch.entries()) {
    const w = written[i] as { resource: Resource; outcome: string };
    responses.set(e, entryResponse(base, w.resource, w.outcome === 'created' ? '201' : '200', options.minimal));
  }
  for (const e of entries) {
    if (responses.has(e)) continue;
    const t = targetOf.get(e);
    if (e.method === 'POST' && t?.conditional)
      responses.set(e, entryResponse(base, await tx.read(t.type, t.id), '200'));
    else if (e.method === 'PUT' || e.method === 'PATCH') responses.set(e, await updateEntry(tx, base, e));
  }
  for (const e of entries.filter((x) => x.method === 'GET')) {
    const [path = '', query = ''] = e.url.split('?');
    const ref = parseReference(path);
    const resource = ref ? await tx.read(ref.resourceType, ref.id) : undefined;
    if (resource) responses.set(e, { resource, response: { status: '200' } });
    else {
      const found = await tx.search(path, new URLSearchParams(query));
      responses.set(e, {
        resource: {
          resourceType: 'Bundle',
          type: 'searchset',
          total: found.total,
          entry: found.matches.map((resource) => ({ resource })),
        },
        response: { status: '200' },
      });
    }
  }
  return entries.map((e) => responses.get(e) as BundleEntry);
}

async function updateEntry(tx: StoreTx, base: string, e: Entry): Promise<BundleEntry> {
  const ifMatch = e.raw.request?.ifMatch;
  if (e.method === 'PATCH') {
    const ref = parseReference(e.url);
    if (!ref) throw invalid('PATCH url must be Type/id', `Bundle.entry[${e.index}].request.url`);
    // FHIR carries a JSON Patch in a transaction as a Binary whose data is the base64 patch document.
    const binary = e.resource as { resourceType?: string; data?: string } | undefined;
    if (binary?.resourceType !== 'Binary' || !binary.data)
      throw invalid('PATCH entries carry a Binary with the JSON Patch', `Bundle.entry[${e.index}].resource`);
    let ops: unknown;
    try {
      ops = JSON.parse(Buffer.from(binary.data, 'base64').toString('utf8'));
    } catch {
      throw invalid('Binary.data is not a JSON Patch', `Bundle.entry[${e.index}].resource.data`);
    }
    const r = await inEntryAsync(e.index, () => tx.patch(ref.resourceType, ref.id, ops, { ifMatch }));
    return entryResponse(base, r.resource, '200');
  }
  const [path = '', query] = e.url.split('?');
  let resource = e.resource as Resource;
  if (query !== undefined) {
    const found = await findByCondition(tx, path, query, `Bundle.entry[${e.index}].request.url`);
    resource = { ...resource, id: found?.id ?? resource.id ?? randomUUID() };
  }
  if (!resource.id || !fhirId.test(resource.id))
    throw invalid('Resource id is required', `Bundle.entry[${e.index}].resource.id`);
  const r = await inEntryAsync(e.index, () => tx.update(resource, { ifMatch }));
  return entryResponse(base, r.resource, r.outcome === 'created' ? '201' : '200');
}

async function inEntryAsync<T>(index: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw e instanceof OutcomeError ? relabel(index, e) : e;
  }
}

function entryResponse(base: string, r: Resource, status: string, minimal = false): BundleEntry {
  return {
    fullUrl: `${base}/${r.resourceType}/${r.id}`,
    ...(minimal ? {} : { resource: r }),
    response: {
      status,
      location: `${r.resourceType}/${r.id}/_history/${r.meta?.versionId}`,
      etag: `W/"${r.meta?.versionId}"`,
      lastModified: r.meta?.lastUpdated,
    },
  };
}
