import type { Store } from '../../platform/store/index.ts';
import { createBatchWriter } from './batch-writer.ts';
import { listFiles } from './files.ts';
import { importJsonFile } from './json-file.ts';
import { importNdjson } from './ndjson.ts';
import type { ImportError, ImportOptions, ImportSummary, Run } from './types.ts';

/**
 * Imports NDJSON files and Bundles (files or folders) into the store. Resources keep their ids, so importing the same
 * data again stores nothing new (every resource comes back `unchanged`). A refused entry is reported and the import
 * goes on; only a database failure stops it (the promise rejects).
 */
export async function importPaths(
  store: Store,
  paths: readonly string[],
  options: ImportOptions,
): Promise<ImportSummary> {
  const started = performance.now();
  const maxErrors = options.maxErrors ?? 1000;
  const { files, skipped, missing } = await listFiles(paths);
  const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
  let bytesBefore = 0;
  let bytesInFile = 0;
  let current = '';
  const run: Run = {
    store,
    references: new Map(),
    base: `${options.baseUrl.replace(/\/$/, '')}/fhir/R4`,
    batchSize: Math.max(1, options.batchSize ?? 500),
    concurrency: Math.max(1, options.concurrency ?? 3),
    counts: { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 },
    errors: [],
    errorCount: 0,
    report() {
      const c = run.counts;
      options.onProgress?.({
        file: current,
        bytesDone: bytesBefore + bytesInFile,
        bytesTotal,
        resources: c.created + c.updated + c.unchanged + c.deleted + c.failed,
        failed: c.failed,
        elapsedMs: performance.now() - started,
      });
    },
    fail(error: ImportError, failedEntries = 1) {
      run.counts.failed += failedEntries;
      run.errorCount++;
      if (run.errors.length < maxErrors) run.errors.push(error);
    },
    notice(message) {
      options.onNotice?.(message);
    },
  };
  for (const path of missing) run.fail({ file: path, issues: [{ text: 'No such file or folder' }] }, 0);
  const allSkipped = [...skipped];
  for (const s of skipped) run.notice(`skipped ${s.file}: ${s.reason}`);

  let imported = 0;
  // NDJSON files share one pipeline of batches; a Bundle file starts once everything before it is stored.
  const ndjson = createBatchWriter(run);
  for (const file of files) {
    current = file.path;
    bytesInFile = 0;
    if (file.kind !== 'ndjson') await ndjson.finish();
    const outcome =
      file.kind === 'ndjson'
        ? await importNdjson(run, ndjson, { path: file.path, name: file.path, gzip: file.gzip }, (bytes) => {
            bytesInFile = bytes;
          })
        : await importJsonFile(run, file.path, file.path);
    if (outcome === 'skipped') {
      const reason = file.kind === 'ndjson' ? 'lines are not FHIR resources (no resourceType)' : 'not a FHIR resource';
      allSkipped.push({ file: file.path, reason });
      run.notice(`skipped ${file.path}: ${reason}`);
    } else imported++;
    bytesBefore += file.size;
    bytesInFile = 0;
    run.report();
  }
  await ndjson.finish();
  run.report();
  const elapsedMs = performance.now() - started;
  const c = run.counts;
  const handled = c.created + c.updated + c.unchanged + c.deleted + c.failed;
  return {
    files: imported,
    skipped: allSkipped,
    counts: { ...c },
    errors: run.errors,
    errorCount: run.errorCount,
    elapsedMs,
    resourcesPerSecond: elapsedMs > 0 ? (handled * 1000) / elapsedMs : 0,
  };
}
