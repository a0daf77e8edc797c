import type { Config } from '../../config.ts';
import { openStore } from '../../main.ts';
import type { Store } from '../../platform/store/index.ts';
import type { Command } from '../command.ts';
import { importPaths } from './import-paths.ts';
import { duration, progressReporter } from './progress.ts';
import type { ImportError, ImportSummary } from './types.ts';

export type ImportCliOptions = Readonly<{
  baseUrl: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Draw a progress bar (stdout is a terminal); otherwise print a progress line now and then. */
  isTTY: boolean;
  batchSize?: number;
}>;

/**
 * `careloop import` without the process around it: imports, shows progress, prints the summary and the errors, and
 * returns the exit code: 0 when every entry was stored, 1 when any failed.
 */
export async function runImportCli(store: Store, paths: readonly string[], options: ImportCliOptions): Promise<number> {
  const reporter = progressReporter(options.stdout, options.isTTY);
  let summary: ImportSummary;
  try {
    summary = await importPaths(store, paths, {
      baseUrl: options.baseUrl,
      ...(options.batchSize ? { batchSize: options.batchSize } : {}),
      onProgress: reporter.update,
      onNotice: reporter.notice,
    });
  } finally {
    reporter.stop();
  }
  options.stdout.write(`${formatSummary(summary)}\n`);
  if (summary.errorCount > 0) {
    options.stderr.write(`${summary.errorCount} error${summary.errorCount === 1 ? '' : 's'}:\n`);
    for (const e of summary.errors) options.stderr.write(`  ${formatError(e)}\n`);
    const more = summary.errorCount - summary.errors.length;
    if (more > 0) options.stderr.write(`  … and ${more} more\n`);
  }
  return summary.errorCount > 0 ? 1 : 0;
}

/** "3 files (1 skipped) in 2s: 10 created, 0 updated, 4 unchanged, 1 failed; 7 resources/s". */
function formatSummary(s: ImportSummary): string {
  const c = s.counts;
  const skipped = s.skipped.length ? ` (${s.skipped.length} skipped)` : '';
  const deleted = c.deleted ? `, ${c.deleted} deleted` : '';
  return (
    `imported ${s.files} file${s.files === 1 ? '' : 's'}${skipped} in ${duration(s.elapsedMs)}: ` +
    `${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged${deleted}, ${c.failed} failed; ` +
    `${Math.round(s.resourcesPerSecond).toLocaleString('en')} resources/s`
  );
}

/** `data/Observation.ndjson:3 Observation/o-3: Invalid code (Observation.status)`. */
function formatError(e: ImportError): string {
  const where =
    e.line !== undefined ? `${e.file}:${e.line}` : e.entry !== undefined ? `${e.file} entry ${e.entry}` : e.file;
  const what = e.resourceType ? ` ${e.resourceType}${e.id ? `/${e.id}` : ''}` : '';
  const why = e.issues.map((i) => `${i.text}${i.expression?.length ? ` (${i.expression.join(', ')})` : ''}`).join('; ');
  return `${where}${what}: ${why}`;
}

/** `careloop import <file|folder>…`. */
export const importCommand: Command = {
  name: 'import',
  summary: 'import NDJSON files and transaction/batch/collection Bundles (files or folders)',
  options: { 'batch-size': { type: 'string' } },
  async run(config: Config, values, positionals) {
    const batchSize = values['batch-size'] === undefined ? undefined : Number(values['batch-size']);
    if (positionals.length === 0 || (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0))) {
      process.stderr.write('Usage: careloop import [--batch-size N] <file|folder>…\n');
      return 2;
    }
    const { db, store } = await openStore(config);
    try {
      return await runImportCli(store, positionals, {
        baseUrl: config.baseUrl,
        stdout: process.stdout,
        stderr: process.stderr,
        isTTY: process.stdout.isTTY === true,
        ...(batchSize ? { batchSize } : {}),
      });
    } finally {
      await db.close();
    }
  },
};
