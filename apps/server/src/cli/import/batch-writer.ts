import { outcome } from '@careloop/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { OutcomeError } from '../../platform/errors.ts';
import { resolveReferences, validate, type WriteResult } from '../../platform/store/index.ts';
import { type ImportError, issuesOf, type Run } from './types.ts';

/** A resource to store and where it came from, for the error list. */
export type Item = Readonly<{ resource: Resource; file: string; line?: number; entry?: number }>;

export type BatchWriter = Readonly<{
  /** Queues a resource; resolves once it fits in the pipeline (waits while `concurrency` batches are being written). */
  add(item: Item): Promise<void>;
  /** Writes what is queued and waits for every batch of this writer. */
  finish(): Promise<void>;
}>;

/**
 * Collects resources into batches of `run.batchSize` and stores each batch with one `putMany` transaction, keeping up
 * to `run.concurrency` batches in flight so reading and parsing the next batch overlaps the database write of the
 * previous one. Memory stays at (concurrency + 1) batches whatever the file size. One writer can serve many files
 * (the NDJSON files of an import): batches then run across file boundaries, and `finish` is the only barrier.
 */
export function createBatchWriter(run: Run): BatchWriter {
  // Each batch being written, with the keys (Type/id) of its resources.
  const inflight = new Map<Promise<void>, ReadonlySet<string>>();
  let batch: Item[] = [];
  // A database failure (not a refused resource) stops the import; it surfaces at the next add or at finish.
  const failure: { fatal?: { error: unknown } } = {};
  const rethrow = () => {
    if (failure.fatal) throw failure.fatal.error;
  };

  const flush = async () => {
    rethrow();
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    const keys = new Set(items.map((i) => `${i.resource.resourceType}/${i.resource.id}`));
    // A resource that is also in a batch still being written waits for it, so the later line wins, as it would in order.
    const overlaps = () => [...inflight.values()].some((other) => [...keys].some((k) => other.has(k)));
    while (inflight.size >= run.concurrency || overlaps()) await Promise.race(inflight.keys());
    rethrow();
    // The batches still being written hold resources that come earlier in the input.
    const earlier = [...inflight.keys()];
    const done: Promise<void> = writeBatch(run, items, () => Promise.all(earlier))
      .catch((error: unknown) => {
        failure.fatal ??= { error };
      })
      .finally(() => inflight.delete(done));
    inflight.set(done, keys);
  };

  return {
    async add(item) {
      batch.push(item);
      if (batch.length >= run.batchSize) await flush();
    },
    async finish() {
      await flush();
      await Promise.all(inflight.keys());
      rethrow();
    },
  };
}

/**
 * Bulk Data NDJSON (e.g. Synthea's) refers to practitioners and organizations conditionally; they are resolved
 * against what is already stored, once per distinct reference. A reference that matches nothing may name a resource
 * of an earlier batch still being written: it is tried once more when those have committed, then refused.
 */
async function resolveItems(run: Run, items: readonly Item[], earlier: () => Promise<unknown>): Promise<Item[]> {
  const out: Item[] = [];
  let waited = false;
  for (const item of items) {
    const at = `${item.resource.resourceType}`;
    const resolve = () => resolveReferences(run.store, item.resource, { at, cache: run.references });
    try {
      out.push({ ...item, resource: await resolve() });
    } catch (e) {
      if (!(e instanceof OutcomeError)) throw e;
      if (e.status === 412 && !waited) {
        waited = true;
        await earlier();
        try {
          out.push({ ...item, resource: await resolve() });
          continue;
        } catch (again) {
          if (!(again instanceof OutcomeError)) throw again;
          failItem(run, item, again);
          continue;
        }
      }
      failItem(run, item, e);
    }
  }
  return out;
}

async function writeBatch(run: Run, batch: readonly Item[], earlier: () => Promise<unknown>): Promise<void> {
  const items = await resolveItems(run, batch, earlier);
  try {
    tally(run, await run.store.putMany(items.map((i) => i.resource)));
  } catch (e) {
    if (!(e instanceof OutcomeError)) throw e;
    await writeSalvaging(run, items);
  }
  run.report();
}

/**
 * The batch was refused. Validation (the usual cause) is pure, so each resource is checked on its own first and the
 * rest written as one batch; should that fail too (e.g. the same id twice in the batch), the rest are written one by
 * one, so every refused entry is reported with its own reason and every good one is stored.
 */
async function writeSalvaging(run: Run, items: readonly Item[]): Promise<void> {
  const good: Item[] = [];
  for (const item of items) {
    try {
      validate(item.resource);
      if (!item.resource.id)
        throw new OutcomeError(outcome('required', 'Resource id is required', `${item.resource.resourceType}.id`));
      good.push(item);
    } catch (e) {
      if (!(e instanceof OutcomeError)) throw e;
      failItem(run, item, e);
    }
  }
  try {
    tally(run, await run.store.putMany(good.map((i) => i.resource)));
    return;
  } catch (e) {
    if (!(e instanceof OutcomeError)) throw e;
  }
  for (const item of good) {
    try {
      tally(run, await run.store.putMany([item.resource]));
    } catch (e) {
      if (!(e instanceof OutcomeError)) throw e;
      failItem(run, item, e);
    }
  }
}

function failItem(run: Run, item: Item, e: OutcomeError): void {
  const { resourceType, id } = item.resource;
  const error: ImportError = {
    file: item.file,
    ...(item.line !== undefined ? { line: item.line } : {}),
    ...(item.entry !== undefined ? { entry: item.entry } : {}),
    ...(typeof resourceType === 'string' ? { resourceType } : {}),
    ...(typeof id === 'string' ? { id } : {}),
    issues: issuesOf(e.outcome),
  };
  run.fail(error);
}

function tally(run: Run, results: readonly WriteResult<Resource>[]): void {
  for (const r of results) {
    if (r.outcome === 'created') run.counts.created++;
    else if (r.outcome === 'updated') run.counts.updated++;
    else run.counts.unchanged++;
  }
}
