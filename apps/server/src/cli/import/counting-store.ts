import type { Resource } from '@medplum/fhirtypes';
import type { StoreTx, WriteOutcome } from '../../platform/store/index.ts';

/** Resources stored, by outcome, in the transactions that committed. */
export type Tally = { created: number; updated: number; unchanged: number; deleted: number };

export const emptyTally = (): Tally => ({ created: 0, updated: 0, unchanged: 0, deleted: 0 });

function add(into: Tally, from: Tally): void {
  into.created += from.created;
  into.updated += from.updated;
  into.unchanged += from.unchanged;
  into.deleted += from.deleted;
}

function count(tally: Tally, outcome: WriteOutcome): void {
  if (outcome === 'created') tally.created++;
  else if (outcome === 'updated') tally.updated++;
  else if (outcome === 'deleted') tally.deleted++;
  else tally.unchanged++;
}

/**
 * The store, counting what its writes did, so a Bundle import can say how many resources were created, updated or
 * left unchanged (its response only says 201 or 200). Counts of a transaction reach `tally` only when it commits, so a
 * rolled-back transaction, or a batch entry that failed, counts nothing.
 */
export function countingStore(inner: StoreTx, tally: Tally): StoreTx {
  return {
    actor: inner.actor,
    audit: inner.audit,
    read: (type, id) => inner.read(type, id),
    vread: (type, id, version) => inner.vread(type, id, version),
    readMany: (type, ids) => inner.readMany(type, ids),
    search: (type, params, options) => inner.search(type, params, options),
    history: (scope, options) => inner.history(scope, options),
    similar: (type, code, text, limit) => inner.similar(type, code, text, limit),
    taskQueue: (filter, page) => inner.taskQueue(filter, page),
    bookings: (actors, window) => inner.bookings(actors, window),
    releaseLapsedHolds: (actors, window) => inner.releaseLapsedHolds(actors, window),
    enqueue: (name, data, options) => inner.enqueue(name, data, options),
    async create(resource, options) {
      const result = await inner.create(resource, options);
      count(tally, result.outcome);
      return result;
    },
    async update(resource, options) {
      const result = await inner.update(resource, options);
      count(tally, result.outcome);
      return result;
    },
    async patch<T extends Resource>(
      type: string,
      id: string,
      ops: unknown,
      options?: { ifMatch?: string | undefined },
    ) {
      const result = await inner.patch<T>(type, id, ops, options);
      count(tally, result.outcome);
      return result;
    },
    async delete(type, id) {
      await inner.delete(type, id);
      tally.deleted++;
    },
    async putMany(resources) {
      const results = await inner.putMany(resources);
      for (const r of results) count(tally, r.outcome);
      return results;
    },
    async transaction(fn) {
      const local = emptyTally();
      const result = await inner.transaction((tx) => fn(countingStore(tx, local)));
      add(tally, local);
      return result;
    },
  };
}
