import { randomUUID } from 'node:crypto';
import { gone, notFound, preconditionFailed } from '@careloop/fhir';
import { deepEquals } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { invalid, OutcomeError } from '../errors.ts';
import { isStoredType } from './definitions.ts';
import { type HistoryOptions, type HistoryPage, history } from './history.ts';
import { applyPatch, type PatchOperation } from './patch.ts';
import { resultParams, type SearchOptions, type SearchResult, search } from './search/index.ts';
import { isFhirId } from './storable.ts';
import { validate } from './validate.ts';
import { type Executor, keyOf, loadCurrent, type VersionWrite, writeVersions } from './write.ts';

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'existing' | 'deleted';
export type WriteResult<T extends Resource> = Readonly<{ resource: T; outcome: WriteOutcome }>;

/** Enqueues a job in the caller's transaction (platform/jobs provides it). */
export type Enqueue = (exec: Executor, name: string, data: Record<string, unknown>) => Promise<unknown>;

/** Everything a use-case can do with data, inside or outside a transaction. */
export type StoreTx = Readonly<{
  read<T extends Resource>(resourceType: string, id: string): Promise<T>;
  vread<T extends Resource>(resourceType: string, id: string, versionId: string): Promise<T>;
  create<T extends Resource>(resource: T, options?: { ifNoneExist?: string | undefined }): Promise<WriteResult<T>>;
  update<T extends Resource>(
    resource: T,
    options?: { ifMatch?: string | undefined; method?: 'PUT' | 'PATCH' },
  ): Promise<WriteResult<T>>;
  patch<T extends Resource>(
    resourceType: string,
    id: string,
    ops: unknown,
    options?: { ifMatch?: string | undefined },
  ): Promise<WriteResult<T>>;
  delete(resourceType: string, id: string): Promise<void>;
  /** Creates or updates many resources with client ids (import): one round of statements for the whole batch. */
  putMany(resources: readonly Resource[], options?: PutManyOptions): Promise<WriteResult<Resource>[]>;
  search(resourceType: string | undefined, params: URLSearchParams, options?: SearchOptions): Promise<SearchResult>;
  history(scope: { resourceType?: string; id?: string }, options: HistoryOptions): Promise<HistoryPage>;
  enqueue(name: string, data: Record<string, unknown>): Promise<void>;
  /** Runs `fn` in this transaction (or a new one): all its writes commit together or not at all. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
}>;

export type Store = StoreTx;

/** `relabel` lets a caller point a rejected resource's issues at its own coordinates (e.g. `Bundle.entry[3]`). */
export type PutManyOptions = Readonly<{ relabel?: (index: number, error: OutcomeError) => OutcomeError }>;

export type StoreDeps = Readonly<{ db: Db; clock: Clock; enqueue?: Enqueue }>;

/** The store: the only way modules reach data (DESIGN.md §1). */
export function createStore(deps: StoreDeps): Store {
  return session(deps, deps.db.kysely, false);
}

const retryableCodes = new Set(['40001', '40P01']);
const maxAttempts = 6;

function isRetryable(e: unknown): boolean {
  const err = e as { code?: string; constraint?: string; message?: string };
  if (retryableCodes.has(err.code ?? '')) return true;
  // Two writers created the same client id at once: the loser retries and sees the winner's row.
  return err.code === '23505' && (err.constraint === 'resource_type_id' || /resource_type_id/.test(err.message ?? ''));
}

function session(deps: StoreDeps, exec: Executor, inTx: boolean): StoreTx {
  const now = () => deps.clock.now().toString({ fractionalSecondDigits: 3 });

  const inTransaction = async <T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> => {
    if (inTx) return fn(self);
    for (let attempt = 1; ; attempt++) {
      try {
        return await exec.transaction().execute((trx) => fn(session(deps, trx, true)));
      } catch (e) {
        if (attempt >= maxAttempts || !isRetryable(e)) throw e;
        await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      }
    }
  };

  const self: StoreTx = {
    async read<T extends Resource>(resourceType: string, id: string) {
      checkType(resourceType);
      if (!isFhirId(id)) throw new OutcomeError(notFound(`${resourceType}/${safeId(id)} not found`), 404);
      const { rows } = await sql<{ content: T | null; deleted: boolean }>`
        SELECT content, deleted FROM resource WHERE resource_type = ${resourceType} AND id = ${id}`.execute(exec);
      const row = rows[0];
      if (!row) throw new OutcomeError(notFound(`${resourceType}/${safeId(id)} not found`), 404);
      if (row.deleted || !row.content) throw new OutcomeError(gone(`${resourceType}/${safeId(id)} was deleted`), 410);
      return row.content;
    },

    async vread<T extends Resource>(resourceType: string, id: string, versionId: string) {
      checkType(resourceType);
      if (!isFhirId(id)) throw new OutcomeError(notFound(`${resourceType}/${safeId(id)} not found`), 404);
      const { rows } = await sql<{ content: T | null }>`
        SELECT v.content FROM resource r JOIN resource_version v ON v.rid = r.rid
        WHERE r.resource_type = ${resourceType} AND r.id = ${id} AND v.version_id = ${/^\d{1,9}$/.test(versionId) ? Number(versionId) : -1}`.execute(
        exec,
      );
      const row = rows[0];
      if (!row)
        throw new OutcomeError(notFound(`${resourceType}/${safeId(id)} version ${safeId(versionId)} not found`), 404);
      if (!row.content)
        throw new OutcomeError(gone(`${resourceType}/${safeId(id)} version ${safeId(versionId)} is a deletion`), 410);
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
        await writeVersions(txExec(tx), [write(stored, 'POST', undefined)]);
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
        if (options.ifMatch !== undefined) checkIfMatch(options.ifMatch, current?.versionId, current?.deleted);
        if (current && !current.deleted && current.content && sameContent(current.content, resource)) {
          return { resource: current.content as T, outcome: 'unchanged' as const };
        }
        const stored = stamp(resource, resource.id, (current?.versionId ?? 0) + 1, now());
        await writeVersions(txExec(tx), [write(stored, options.method ?? 'PUT', current?.rid)]);
        return { resource: stored, outcome: current && !current.deleted ? ('updated' as const) : ('created' as const) };
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
        if (!isFhirId(id)) return;
        const current = (await loadCurrent(txExec(tx), [{ type: resourceType, id }])).get(keyOf(resourceType, id));
        // Deleting what is absent or already deleted succeeds and changes nothing (R4 §3.1.0.7.1).
        if (!current || current.deleted) return;
        await writeVersions(txExec(tx), [
          {
            resourceType,
            id,
            versionId: current.versionId + 1,
            lastUpdated: now(),
            method: 'DELETE',
            content: null,
            rid: current.rid,
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
          writes.push(write(stored, 'PUT', current?.rid));
          results.push({ resource: stored, outcome: current && !current.deleted ? 'updated' : 'created' });
        }
        await writeVersions(txExec(tx), writes);
        return results;
      });
    },

    search(resourceType, params, options) {
      if (resourceType !== undefined) checkType(resourceType);
      return search(exec, resourceType, params, options);
    },

    history(scope, options) {
      if (scope.resourceType !== undefined) checkType(scope.resourceType);
      return history(exec, scope, options);
    },

    async enqueue(name, data) {
      if (!inTx) throw new Error('enqueue must run inside store.transaction');
      if (!deps.enqueue) throw new Error('no job queue configured');
      await deps.enqueue(exec, name, data);
    },

    transaction: inTransaction,
  };
  executors.set(self, exec);
  return self;
}

const executors = new WeakMap<StoreTx, Executor>();
const txExec = (tx: StoreTx) => executors.get(tx) as Executor;

function checkType(resourceType: string): void {
  if (!isStoredType(resourceType))
    throw new OutcomeError(notFound(`Unknown resource type ${safeId(resourceType)}`), 404);
}

/** Ids and versions echoed in messages are limited to the FHIR id alphabet, so no input is reflected verbatim. */
export function safeId(s: string): string {
  return s.replace(/[^A-Za-z0-9\-.]/g, '?').slice(0, 64);
}

function stamp<T extends Resource>(resource: T, id: string, version: number, lastUpdated: string): T {
  return { ...resource, id, meta: { ...resource.meta, versionId: String(version), lastUpdated } };
}

function write(resource: Resource, method: VersionWrite['method'], rid: number | undefined): VersionWrite {
  return {
    resourceType: resource.resourceType,
    id: resource.id as string,
    versionId: Number(resource.meta?.versionId),
    lastUpdated: resource.meta?.lastUpdated as string,
    method,
    content: resource,
    rid,
  };
}

/** Equal apart from the server-assigned meta: an update that changes nothing makes no new version. */
function sameContent(a: Resource, b: Resource): boolean {
  const strip = (r: Resource) => {
    const { versionId: _v, lastUpdated: _l, ...meta } = r.meta ?? {};
    return { ...r, meta: Object.keys(meta).length ? meta : undefined };
  };
  return deepEquals(strip(a), strip(b));
}

/** `If-Match: W/"3"` (or `3`) must name the current version; otherwise 412 and nothing is written. */
function checkIfMatch(ifMatch: string, currentVersion: number | undefined, deleted: boolean | undefined): void {
  const wanted = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch.trim())?.[1];
  if (wanted === undefined)
    throw new OutcomeError(preconditionFailed('If-Match must be a version ETag like W/"1"', 'If-Match'), 412);
  if (currentVersion === undefined || deleted || Number(wanted) !== currentVersion) {
    throw new OutcomeError(preconditionFailed(`Version ${wanted} is not the current version`, 'If-Match'), 412);
  }
}

/**
 * Takes the transaction-scoped advisory lock that every conditional create of `resourceType` with this condition
 * holds while it searches and inserts, so concurrent identical requests queue and exactly one creates (the others
 * then find it). Used by If-None-Exist and by transaction entries with `ifNoneExist`; released at commit or
 * rollback. Returns the condition's search parameters. On PGlite (one session) it only orders what is already serial.
 */
async function lockCondition(
  tx: StoreTx,
  resourceType: string,
  condition: string,
  expression = 'If-None-Exist',
): Promise<URLSearchParams> {
  const query = condition.includes('?') ? condition.slice(condition.indexOf('?') + 1) : condition;
  const params = new URLSearchParams(query);
  if (![...params.keys()].some((k) => !resultParams.has(k.split(':')[0] as string))) {
    throw invalid('The condition must contain search criteria', expression);
  }
  const canonical = [...params.entries()]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('&');
  // PostgreSQL text cannot hold NUL (the search would reject it too, but the lock comes first).
  if (canonical.includes('\u0000')) throw invalid('Search parameters cannot contain NUL characters', expression);
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`${resourceType}?${canonical}`}))`.execute(txExec(tx));
  return params;
}

/**
 * The single resource a condition (If-None-Exist, a conditional update or delete, a Bundle entry's ifNoneExist or
 * conditional url) matches, searched under {@link lockCondition} so concurrent requests with the same condition
 * queue; undefined when none; 412 naming `expression` when several match.
 */
export async function findByCondition(
  tx: StoreTx,
  resourceType: string,
  condition: string,
  expression = 'If-None-Exist',
): Promise<Resource | undefined> {
  const params = await lockCondition(tx, resourceType, condition, expression);
  params.set('_count', '2');
  const found = await tx.search(resourceType, params, { total: 'none' });
  if (found.matches.length > 1) {
    throw new OutcomeError(preconditionFailed('More than one resource matches the condition', expression), 412);
  }
  return found.matches[0];
}
