import { randomUUID } from 'node:crypto';
import { gone, notFound } from '@careloop/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { type Access, type Actor, canSee, hidden, refused, resolveAccess, systemActor } from '../access/index.ts';
import { type AuditRecorder, createAuditRecorder } from '../audit/index.ts';
import { invalid, OutcomeError } from '../errors.ts';
import type { PutManyOptions, Store, StoreDeps, StoreTx, WriteResult } from './api.ts';
import { bookingConflict, bookings, releaseLapsedHolds } from './bookings.ts';
import { findByCondition } from './conditions.ts';
import { isStoredType, searchParamsOf } from './definitions.ts';
import { history } from './history.ts';
import { compartmentPatients } from './indexer.ts';
import { applyPatch, type PatchOperation } from './patch.ts';
import { safeId } from './safe-id.ts';
import { search } from './search/index.ts';
import { similar } from './search/similar.ts';
import { isFhirId } from './storable.ts';
import { taskQueue } from './task-queue.ts';
import { executors, txExec } from './tx-exec.ts';
import { validate } from './validate.ts';
import { checkIfMatch, sameContent, stamp, write } from './versions.ts';
import { type Executor, keyOf, loadCurrent, type VersionWrite, versionContent, writeVersions } from './write.ts';
import { checkWriteAccess } from './write-access.ts';

export type { Store, StoreDeps, StoreTx, WriteOutcome, WriteResult } from './api.ts';

/** The store: the only way modules reach data (DESIGN.md §1). This handle acts as the system (CLI, jobs). */
export function createStore(deps: StoreDeps): Store {
  const scoped = (actor: Actor, recorder?: AuditRecorder): Store => {
    const scope = makeScope(deps, actor, recorder);
    return { ...session(deps, deps.db.kysely, false, scope), as: scoped };
  };
  return scoped(systemActor('server'));
}

/** The actor of a store handle, their access (resolved once, on first use) and the interaction recorder. */
type Scope = Readonly<{ actor: Actor; recorder: AuditRecorder; access(exec: Executor): Promise<Access> }>;

function makeScope(deps: StoreDeps, actor: Actor, recorder?: AuditRecorder): Scope {
  let access: Promise<Access> | undefined;
  return {
    actor,
    recorder: recorder ?? createAuditRecorder(actor, deps.clock),
    // Resolved on the caller's executor: on PGlite a query outside a running transaction would wait for it forever.
    access: (exec) => {
      access ??= resolveAccess(exec, actor, deps.clock.now().toString());
      return access;
    },
  };
}

const retryableCodes = new Set(['40001', '40P01']);
const maxAttempts = 6;

function isRetryable(e: unknown): boolean {
  const err = e as { code?: string; constraint?: string; message?: string };
  if (retryableCodes.has(err.code ?? '')) return true;
  // Two writers created the same client id at once: the loser retries and sees the winner's row.
  return err.code === '23505' && (err.constraint === 'resource_type_id' || /resource_type_id/.test(err.message ?? ''));
}

function session(deps: StoreDeps, exec: Executor, inTx: boolean, scope: Scope): StoreTx {
  const now = () => deps.clock.now().toString({ fractionalSecondDigits: 3 });
  const { recorder } = scope;
  const access = () => scope.access(exec);

  const inTransaction = async <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
    if (inTx) return fn(self);
    for (let attempt = 1; ; attempt++) {
      const mark = recorder.checkpoint();
      try {
        return await exec.transaction().execute(async (trx) => {
          const result = await fn(session(deps, trx, true, scope));
          // The interaction's audit record commits with its writes, or neither does (issue #3).
          await recorder.flush(trx);
          return result;
        });
      } catch (e) {
        if (attempt >= maxAttempts || !isRetryable(e)) throw bookingConflict(e) ?? e;
        recorder.restore(mark);
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  };

  /** A read outside a transaction is an interaction of its own unless the caller groups reads (HTTP). */
  const readDone = async () => {
    if (!inTx && !recorder.deferReads) await recorder.flush(exec);
  };

  /** Refuses a write the actor may not make: the type (403), a patient outside their access (404), labels (403). */
  /** Refuses a write the actor may not make (write-access.ts), with their access resolved in this transaction. */
  const checkWrite = async (
    tx: StoreTx,
    resource: Resource,
    interaction: 'c' | 'u',
    before: { content: Resource | null; patients: readonly string[] } | undefined,
  ): Promise<readonly string[]> => checkWriteAccess(await scope.access(txExec(tx)), resource, interaction, before);

  const self: StoreTx = {
    async read<T extends Resource>(resourceType: string, id: string) {
      checkType(resourceType);
      if (!isFhirId(id)) throw new OutcomeError(notFound(`${resourceType}/${safeId(id)} not found`), 404);
      const a = await access();
      if (!a.allows(resourceType, 'r')) throw hidden(resourceType, safeId(id));
      const { rows } = await sql<{ content: T | null; deleted: boolean; patients: string[] }>`
        SELECT content, deleted, patients FROM resource WHERE resource_type = ${resourceType} AND id = ${id}`.execute(
        exec,
      );
      const row = rows[0];
      const stub = { resourceType, id } as T;
      if (!row || !canSee(a, row.content ?? stub, row.patients)) throw hidden(resourceType, safeId(id));
      if (row.deleted || !row.content) throw new OutcomeError(gone(`${resourceType}/${safeId(id)} was deleted`), 410);
      recorder.note({ action: 'R', subtype: 'read', patients: row.patients, entities: [`${resourceType}/${id}`] });
      await readDone();
      return row.content;
    },

    async readMany<T extends Resource>(resourceType: string, ids: readonly string[]) {
      checkType(resourceType);
      const a = await access();
      if (!a.allows(resourceType, 'r')) return [];
      const wanted = [...new Set(ids.filter(isFhirId))];
      const { rows } = await sql<{ content: T; patients: string[] }>`
        SELECT content, patients FROM resource
        WHERE resource_type = ${resourceType} AND id = ANY(${wanted}::text[]) AND NOT deleted`.execute(exec);
      const found = rows.filter((r) => canSee(a, r.content, r.patients));
      recorder.note({
        action: 'R',
        subtype: 'search-type',
        patients: [...new Set(found.flatMap((r) => r.patients))],
        entities: found.map((r) => `${resourceType}/${r.content.id}`),
      });
      await readDone();
      return found.map((r) => r.content);
    },

    async vread<T extends Resource>(resourceType: string, id: string, versionId: string) {
      checkType(resourceType);
      if (!isFhirId(id)) throw new OutcomeError(notFound(`${resourceType}/${safeId(id)} not found`), 404);
      const a = await access();
      if (!a.allows(resourceType, 'r')) throw hidden(resourceType, safeId(id));
      const { rows } = await sql<{ content: T | null; patients: string[] }>`
        SELECT ${versionContent}, r.patients FROM resource r JOIN resource_version v ON v.rid = r.rid
        WHERE r.resource_type = ${resourceType} AND r.id = ${id} AND v.version_id = ${/^\d{1,9}$/.test(versionId) ? Number(versionId) : -1}`.execute(
        exec,
      );
      const row = rows[0];
      // An old version is checked as it was (its own patients and labels) and as the resource is now.
      const then = row?.content ? compartmentPatients(row.content) : [];
      const stub = { resourceType, id } as T;
      if (!row || !canSee(a, stub, row.patients) || (row.content && !canSee(a, row.content, then)))
        throw new OutcomeError(notFound(`${resourceType}/${safeId(id)} version ${safeId(versionId)} not found`), 404);
      if (!row.content)
        throw new OutcomeError(gone(`${resourceType}/${safeId(id)} version ${safeId(versionId)} is a deletion`), 410);
      recorder.note({ action: 'R', subtype: 'vread', patients: then, entities: [`${resourceType}/${id}`] });
      await readDone();
      return row.content;
    },

    create<T extends Resource>(resource: T, options: { ifNoneExist?: string | undefined } = {}) {
      return inTransaction(async (tx) => {
        validate(resource);
        if (options.ifNoneExist) {
          const existing = await findByCondition(tx, resource.resourceType, options.ifNoneExist);
          if (existing) return { resource: existing as T, outcome: 'existing' as const };
        }
        const stored = stamp(resource, randomUUID(), 1, now());
        const patients = await checkWrite(tx, stored, 'c', undefined);
        await writeVersions(txExec(tx), [write(stored, 'POST', undefined)]);
        recorder.note({ action: 'C', subtype: 'create', patients, entities: [`${stored.resourceType}/${stored.id}`] });
        return { resource: stored, outcome: 'created' as const };
      });
    },

    update<T extends Resource>(resource: T, options: { ifMatch?: string | undefined; method?: 'PUT' | 'PATCH' } = {}) {
      return inTransaction(async (tx) => {
        validate(resource);
        if (!resource.id) throw invalid('Resource id is required for update', `${resource.resourceType}.id`);
        const current = (await loadCurrent(txExec(tx), [{ type: resource.resourceType, id: resource.id }])).get(
          keyOf(resource.resourceType, resource.id),
        );
        const a = await scope.access(txExec(tx));
        // People never create with an id of their choosing: an id they cannot see answers as an absent one (404).
        if (!current && scope.actor.kind === 'user') throw hidden(resource.resourceType, safeId(resource.id));
        const stored = stamp(resource, resource.id, (current?.versionId ?? 0) + 1, now());
        const patients = await checkWrite(tx, stored, current && !current.deleted ? 'u' : 'c', current);
        if (options.ifMatch !== undefined) checkIfMatch(options.ifMatch, current?.versionId, current?.deleted);
        const entities = [`${resource.resourceType}/${resource.id}`];
        if (current && !current.deleted && current.content && sameContent(current.content, resource)) {
          if (!a.unrestricted) recorder.note({ action: 'U', subtype: 'update', patients, entities });
          return { resource: current.content as T, outcome: 'unchanged' as const };
        }
        await writeVersions(txExec(tx), [write(stored, options.method ?? 'PUT', current?.rid)]);
        const created = !current || current.deleted;
        recorder.note({
          action: created ? 'C' : 'U',
          subtype: created ? 'create' : options.method === 'PATCH' ? 'patch' : 'update',
          patients,
          entities,
        });
        return { resource: stored, outcome: created ? ('created' as const) : ('updated' as const) };
      });
    },

    patch<T extends Resource>(
      resourceType: string,
      id: string,
      ops: unknown,
      options: { ifMatch?: string | undefined } = {},
    ) {
      return inTransaction(async (tx) => {
        // Lock the row before reading it: two concurrent patches must apply one after the other, not both to the
        // same version (the second would silently drop the first's change).
        checkType(resourceType);
        if (isFhirId(id)) await loadCurrent(txExec(tx), [{ type: resourceType, id }]);
        const current = await tx.read<T>(resourceType, id);
        if (options.ifMatch !== undefined) checkIfMatch(options.ifMatch, Number(current.meta?.versionId), false);
        const patched = applyPatch(current, ops as PatchOperation[]);
        return tx.update(patched, { method: 'PATCH' });
      });
    },

    delete(resourceType: string, id: string) {
      return inTransaction(async (tx) => {
        checkType(resourceType);
        // No resource can have a malformed id (and PostgreSQL text cannot hold some, e.g. NUL): nothing to delete.
        const a = await scope.access(txExec(tx));
        if (!isFhirId(id)) {
          if (a.allPatients) return;
          throw hidden(resourceType, safeId(id));
        }
        const current = (await loadCurrent(txExec(tx), [{ type: resourceType, id }])).get(keyOf(resourceType, id));
        if (!a.allPatients) {
          // For people, deleting what they cannot see, or what is absent, is the same 404.
          if (!current || !canSee(a, current.content ?? ({ resourceType, id } as Resource), current.patients))
            throw hidden(resourceType, safeId(id));
        }
        if (!a.allows(resourceType, 'd')) throw refused(`Your access does not allow deleting ${resourceType}`);
        // Deleting what is absent or already deleted succeeds and changes nothing (R4 §3.1.0.7.1).
        if (!current || current.deleted) return;
        recorder.note({
          action: 'D',
          subtype: 'delete',
          patients: current.patients,
          entities: [`${resourceType}/${id}`],
        });
        await writeVersions(txExec(tx), [
          {
            resourceType,
            id,
            versionId: current.versionId + 1,
            lastUpdated: now(),
            method: 'DELETE',
            content: null,
            rid: current.rid,
            patients: current.patients,
          },
        ]);
      });
    },

    putMany(resources: readonly Resource[], options: PutManyOptions = {}) {
      return inTransaction(async (tx) => {
        for (const [i, r] of resources.entries()) {
          try {
            validate(r);
            if (!r.id) throw invalid('Resource id is required', `${r.resourceType}.id`);
          } catch (e) {
            throw e instanceof OutcomeError && options.relabel ? options.relabel(i, e) : e;
          }
        }
        const currents = await loadCurrent(
          txExec(tx),
          resources.map((r) => ({ type: r.resourceType, id: r.id as string })),
        );
        const at = now();
        const writes: VersionWrite[] = [];
        const results: WriteResult<Resource>[] = [];
        const seen = new Map<string, number>();
        for (const r of resources) {
          const key = keyOf(r.resourceType, r.id as string);
          const current = currents.get(key);
          if (seen.has(key)) throw invalid(`${key} appears twice in one batch`, `${r.resourceType}.id`);
          seen.set(key, writes.length);
          if (current && !current.deleted && current.content && sameContent(current.content, r)) {
            results.push({ resource: current.content, outcome: 'unchanged' });
            continue;
          }
          const stored = stamp(r, r.id as string, (current?.versionId ?? 0) + 1, at);
          if (!(await scope.access(txExec(tx))).unrestricted)
            await checkWrite(tx, stored, current && !current.deleted ? 'u' : 'c', current);
          writes.push(write(stored, 'PUT', current?.rid));
          results.push({ resource: stored, outcome: current && !current.deleted ? 'updated' : 'created' });
        }
        const patients = await writeVersions(txExec(tx), writes);
        if (writes.length)
          recorder.note({
            action: writes.some((w) => w.versionId > 1) ? 'U' : 'C',
            subtype: 'batch',
            patients: [...new Set(patients.flat())],
            entities: writes.map((w) => `${w.resourceType}/${w.id}`),
          });
        return results;
      });
    },

    async search(resourceType, params, options) {
      if (resourceType !== undefined) checkType(resourceType);
      const a = await access();
      if (resourceType !== undefined && !a.allows(resourceType, 's'))
        throw refused(`Your access does not allow searching ${resourceType}`);
      const result = await search(exec, resourceType, params, { ...options, access: a });
      recorder.note({
        action: 'R',
        subtype: resourceType === undefined ? 'search-system' : 'search-type',
        patients: result.patients,
        entities: [...result.matches, ...result.included].map((m) => `${m.resourceType}/${m.id}`),
      });
      await readDone();
      return result;
    },

    async similar(resourceType, code, text, limit) {
      checkType(resourceType);
      const param = searchParamsOf(resourceType).get(code);
      if (param?.type !== 'string') throw invalid(`${code} is not a string parameter of ${resourceType}`, code);
      const a = await access();
      if (!a.allows(resourceType, 's')) throw refused(`Your access does not allow searching ${resourceType}`);
      const found = await similar(exec, param.key, text, Math.min(Math.max(limit, 1), 100), a);
      recorder.note({
        action: 'R',
        subtype: 'search-type',
        patients: [...new Set(found.flatMap((f) => f.patients))],
        entities: found.map((f) => `${resourceType}/${f.id}`),
      });
      await readDone();
      return found;
    },

    async taskQueue(filter, page) {
      const a = await access();
      if (!a.allows('Task', 's')) throw refused('Your access does not allow searching Task');
      const rows = await taskQueue(exec, a, filter, page);
      // An index read for ranking, like the candidates a search looks at: the interaction is recorded, the rows are
      // not; what a caller shows is read through read/readMany/search, which record each resource.
      recorder.note({ action: 'R', subtype: 'search-type', patients: [], entities: [] });
      await readDone();
      return rows;
    },

    async bookings(actors, window) {
      // Busy times only (no appointment, patient or reason): recorded as a search without entities.
      const found = await bookings(exec, actors, window, now());
      recorder.note({ action: 'R', subtype: 'search-type', patients: [], entities: [] });
      await readDone();
      return found;
    },

    async releaseLapsedHolds(actors, window) {
      const a = await access();
      if (!a.allows('Appointment', 'c')) throw refused('Your access does not allow booking appointments');
      await releaseLapsedHolds(exec, actors, window, now());
    },

    async history(target, options) {
      if (target.resourceType !== undefined) checkType(target.resourceType);
      const a = await access();
      if (target.resourceType !== undefined && target.id === undefined && !a.allows(target.resourceType, 's'))
        throw refused(`Your access does not allow searching ${target.resourceType}`);
      const page = await history(exec, target, { ...options, access: a });
      recorder.note({
        action: 'R',
        subtype: target.id ? 'history-instance' : target.resourceType ? 'history-type' : 'history-system',
        patients: page.patients,
        entities: page.entries.map((e) => `${e.resourceType}/${e.id}`),
      });
      await readDone();
      return page;
    },

    async enqueue(name, data, options) {
      if (!inTx) throw new Error('enqueue must run inside store.transaction');
      if (!deps.enqueue) throw new Error('no job queue configured');
      await deps.enqueue(exec, name, data, options);
    },

    transaction: inTransaction,
    actor: scope.actor,
    audit: recorder,
  };
  executors.set(self, exec);
  return self;
}

function checkType(resourceType: string): void {
  if (!isStoredType(resourceType))
    throw new OutcomeError(notFound(`Unknown resource type ${safeId(resourceType)}`), 404);
}
