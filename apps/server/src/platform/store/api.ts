import type { Resource } from '@medplum/fhirtypes';
import type { Actor } from '../access/index.ts';
import type { AuditRecorder } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import type { OutcomeError } from '../errors.ts';
import type { Busy } from './bookings.ts';
import type { HistoryOptions, HistoryPage } from './history.ts';
import type { SearchOptions, SearchResult } from './search/index.ts';
import type { Similar } from './search/similar.ts';
import type { TaskQueueFilter, TaskQueueRow } from './task-queue.ts';
import type { Executor } from './write.ts';

/** The store's interface (store.ts implements it). */
export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'existing' | 'deleted';
export type WriteResult<T extends Resource> = Readonly<{ resource: T; outcome: WriteOutcome }>;

/** Enqueues a job in the caller's transaction (platform/jobs provides it). */
export type Enqueue = (
  exec: Executor,
  name: string,
  data: Record<string, unknown>,
  options?: { startAfter?: Date },
) => Promise<unknown>;

/** Everything a use-case can do with data, inside or outside a transaction. */
export type StoreTx = Readonly<{
  read<T extends Resource>(resourceType: string, id: string): Promise<T>;
  vread<T extends Resource>(resourceType: string, id: string, versionId: string): Promise<T>;
  /** The current versions of those of `ids` that exist and the actor may see (others are left out); one search. */
  readMany<T extends Resource>(resourceType: string, ids: readonly string[]): Promise<T[]>;
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
  /** Typo-tolerant look-up: ids whose string parameter `code` is most like `text`, best first (search/similar.ts). */
  similar(resourceType: string, code: string, text: string, limit: number): Promise<Similar[]>;
  /**
   * Open worklist Tasks from the queue index (task-queue.ts), highest priority and soonest due first, a page at a time,
   * for the worklist to rank. Recorded as a search without its rows (they are not shown): the Tasks and risk
   * assessments a caller shows must be read with `readMany`, which records each.
   */
  taskQueue(filter: TaskQueueFilter, page: { offset: number; limit: number }): Promise<TaskQueueRow[]>;
  /** Busy periods of practitioners, locations and devices overlapping a window (bookings.ts): times only. */
  bookings(actors: readonly string[], window: { start: string; end: string }): Promise<Busy[]>;
  /** Frees the time of lapsed holds on those resources in that window, for a booking in the same transaction. */
  releaseLapsedHolds(actors: readonly string[], window: { start: string; end: string }): Promise<void>;
  /** Enqueues a job in this transaction (it runs after COMMIT, not before `startAfter`); only inside a transaction. */
  enqueue(name: string, data: Record<string, unknown>, options?: { startAfter?: Date }): Promise<void>;
  /** Runs `fn` in this transaction (or a new one): all its writes commit together or not at all. */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Who this handle acts for; every call is checked against their access and audited as theirs. */
  readonly actor: Actor;
  /** The interaction recorder of this handle (the HTTP layer flushes a request's reads before it answers). */
  readonly audit: AuditRecorder;
}>;

export type Store = StoreTx &
  Readonly<{
    /**
     * The same store acting for `actor` (DESIGN.md §4: ctx.store is already scoped). `recorder` groups the calls of one
     * request into one AuditEvent; without it every call outside a transaction is its own interaction.
     */
    as(actor: Actor, recorder?: AuditRecorder): Store;
  }>;

/** `relabel` lets a caller point a rejected resource's issues at its own coordinates (e.g. `Bundle.entry[3]`). */
export type PutManyOptions = Readonly<{ relabel?: (index: number, error: OutcomeError) => OutcomeError }>;

export type StoreDeps = Readonly<{ db: Db; clock: Clock; enqueue?: Enqueue }>;
