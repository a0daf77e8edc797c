import type { OperationOutcome } from '@medplum/fhirtypes';
import type { Store } from '../../platform/store/index.ts';

/** One reason an entry was refused, as the server's OperationOutcome gave it. */
export type ImportIssue = Readonly<{ text: string; expression?: readonly string[] }>;

/** An entry (or a whole file) that could not be imported: where it is, what it is, and why. */
export type ImportError = Readonly<{
  file: string;
  /** 1-based NDJSON line. */
  line?: number;
  /** 0-based Bundle.entry index. */
  entry?: number;
  resourceType?: string;
  id?: string;
  issues: readonly ImportIssue[];
}>;

/** What happened to the resources: `unchanged` is a re-import of identical content (no new version). */
export type ImportCounts = { created: number; updated: number; unchanged: number; deleted: number; failed: number };

export type ImportSummary = Readonly<{
  /** Files read (skipped ones not included). */
  files: number;
  skipped: readonly Readonly<{ file: string; reason: string }>[];
  counts: Readonly<ImportCounts>;
  /** The first `maxErrors` errors, in the order found. */
  errors: readonly ImportError[];
  /** All errors, including those beyond `maxErrors`. */
  errorCount: number;
  elapsedMs: number;
  /** Entries handled (stored, unchanged or failed) per second of the whole run. */
  resourcesPerSecond: number;
}>;

export type ImportProgress = Readonly<{
  file: string;
  bytesDone: number;
  bytesTotal: number;
  /** Entries handled so far, failed ones included. */
  resources: number;
  failed: number;
  elapsedMs: number;
}>;

export type ImportOptions = Readonly<{
  /** The server's base URL (without /fhir/R4), for transaction Bundle responses. */
  baseUrl: string;
  /** Resources per `putMany` transaction (default 500). */
  batchSize?: number;
  /**
   * Batches written at the same time (default 3): while PostgreSQL writes one batch, the next is parsed and validated.
   * A batch holding a resource that is also in a batch being written waits for that batch, so a later line wins.
   */
  concurrency?: number;
  /** Errors kept in the summary (default 1000); the count goes on. */
  maxErrors?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Skipped files and other remarks, one line each. */
  onNotice?: (message: string) => void;
}>;

/** The state of one import run, shared by the file readers. */
export type Run = {
  readonly store: Store;
  /** Conditional references already resolved in this run (`Practitioner?identifier=…` → `Practitioner/id`). */
  readonly references: Map<string, string>;
  readonly base: string;
  readonly batchSize: number;
  readonly concurrency: number;
  readonly counts: ImportCounts;
  readonly errors: ImportError[];
  errorCount: number;
  report(): void;
  /** Records an error; `failedEntries` (default 1) entries were not stored because of it. */
  fail(error: ImportError, failedEntries?: number): void;
  notice(message: string): void;
};

/** The issues of an OperationOutcome as import issues. */
export function issuesOf(outcome: OperationOutcome | undefined): ImportIssue[] {
  const issues = (outcome?.issue ?? []).map((i) => ({
    text: i.details?.text ?? i.diagnostics ?? i.code,
    ...(i.expression?.length ? { expression: i.expression } : {}),
  }));
  return issues.length ? issues : [{ text: 'rejected without an explanation' }];
}
