import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Group } from '@medplum/fhirtypes';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { OutcomeError } from '../../platform/errors.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import type { Store } from '../../platform/store/index.ts';
import { completeExport, failExport, findExport, recordProgress, startExport } from './repository.ts';
import { defaultTypes, type ExportRequest } from './request.ts';
import { type ExportScope, writeNdjsonExport } from './write-ndjson.ts';

/** What running an export needs. */
export type ExportRunDeps = Readonly<{ db: Db; store: Store; clock: Clock; exportDir: string }>;

/** The job that runs an export; its data is `{ exportId }`. */
export const bulkExportJob = 'bulk-export';

/** Attempts after the first before an export is marked failed. */
export const exportRetryLimit = 2;

/** This attempt no longer owns the export: it was cancelled, or a retry took it over. */
class Disowned extends Error {}

const now = (clock: Clock) => clock.now().toString({ fractionalSecondDigits: 3 });

/** The folder of one attempt's files. */
export const runDir = (exportDir: string, exportId: string, runId: string) => join(exportDir, exportId, runId);

/**
 * Runs export `exportId` as a new attempt: writes its NDJSON files to `<exportDir>/<exportId>/<runId>/` and marks it
 * completed. Safe to run again after a crash: the new attempt takes the export over and clears what earlier attempts
 * left. An attempt that finds itself disowned (the export was cancelled, or a retry took over) stops at the next page
 * and removes only its own folder. On an error it throws, unless `isLastAttempt`: then the export is marked failed.
 */
export async function runExport(
  deps: ExportRunDeps,
  exportId: string,
  options: { isLastAttempt?: boolean } = {},
): Promise<void> {
  const runId = randomUUID();
  const dir = runDir(deps.exportDir, exportId, runId);
  let isOwner = false;
  try {
    const row = await findExport(deps.db.kysely, exportId);
    if (!row || row.status === 'completed' || row.status === 'failed') return;
    const transactionTime = now(deps.clock);
    if (!(await startExport(deps.db.kysely, exportId, runId, transactionTime))) return;
    isOwner = true;
    await rm(join(deps.exportDir, exportId), { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const scope = await scopeOf(deps.store, row.request, transactionTime);
    const output = await writeNdjsonExport(deps.db, scope, dir, {
      onPage: async ({ resources, type, typeIndex, typeCount }) => {
        const progress = `${resources} resources written; exporting ${type} (type ${typeIndex + 1} of ${typeCount})`;
        if (!(await recordProgress(deps.db.kysely, exportId, runId, progress))) throw new Disowned();
      },
    });
    if (!(await completeExport(deps.db.kysely, exportId, runId, output, now(deps.clock)))) throw new Disowned();
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    // Cancelled or taken over meanwhile (a failed write into a folder DELETE just removed, say): nothing to report.
    if (e instanceof Disowned) return;
    if (isOwner && (await findExport(deps.db.kysely, exportId))?.runId !== runId) return;
    // A request that cannot be served (its Group was deleted meanwhile) fails at once: retrying will not help.
    if (!(e instanceof OutcomeError) && !options.isLastAttempt) throw e;
    const message = e instanceof Error ? e.message : String(e);
    if (await failExport(deps.db.kysely, exportId, isOwner ? runId : undefined, message, now(deps.clock))) {
      await rm(join(deps.exportDir, exportId), { recursive: true, force: true });
    }
  }
}

/** The resources the request covers, as of `until`. */
async function scopeOf(store: Store, request: ExportRequest, until: string): Promise<ExportScope> {
  const types = request.types ?? defaultTypes(request.level);
  const base = { types, until, ...(request.since ? { since: request.since } : {}) };
  if (request.level === 'system') return base;
  if (request.level === 'patient') return { ...base, patients: 'all' };
  const group = await store.read<Group>('Group', request.groupId ?? '');
  return { ...base, patients: groupPatients(group) };
}

/**
 * The Patients a Group lists as members (`Group.member.entity`, relative or absolute references). Members flagged
 * `inactive` are left out: the Group says they no longer belong to it.
 */
function groupPatients(group: Group): string[] {
  const ids = new Set<string>();
  for (const m of group.member ?? []) {
    if (m.inactive) continue;
    const id = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(m.entity?.reference ?? '')?.[1];
    if (id) ids.add(id);
  }
  return [...ids];
}

/**
 * Registers the export job's handler. Wire it where the app's job queue is built, before `start()`; on PGlite it
 * must be registered in the process that serves `$export`, which enqueues inside a transaction.
 */
export async function registerBulkExportWorker(jobs: Pick<JobQueue, 'work'>, deps: ExportRunDeps): Promise<void> {
  await jobs.work(bulkExportJob, async (data, job) => {
    await runExport(deps, String(data.exportId), { isLastAttempt: job.retryCount >= exportRetryLimit });
  });
}
