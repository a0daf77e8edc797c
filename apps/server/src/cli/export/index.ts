import { mkdir, readdir } from 'node:fs/promises';
import type { Config } from '../../config.ts';
import { defaultTypes, parseInstant, parseTypes, writeNdjsonExport } from '../../fhir-api/bulk-export/index.ts';
import { openStore } from '../../main.ts';
import { recordAuditEvent } from '../../platform/audit/index.ts';
import { type Clock, systemClock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { OutcomeError } from '../../platform/errors.ts';
import type { Command } from '../command.ts';
import { duration } from '../import/progress.ts';

export type ExportCliOptions = Readonly<{
  /** `--type Patient,Observation`. */
  types?: string;
  /** `--since 2025-01-01T00:00:00Z`. */
  since?: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  clock?: Clock;
  /** Resources per file (default 100 000). */
  maxPerFile?: number;
}>;

/**
 * `careloop export <folder>` without the process around it: writes the same NDJSON files a system-level `$export`
 * serves (`<Type>-<n>.ndjson`) straight into `folder`, which must hold no .ndjson files yet (so no stale file from an
 * earlier export is mixed in). Returns the exit code: 0, or 2 for a bad option or folder.
 */
export async function runExportCli(db: Db, folder: string, options: ExportCliOptions): Promise<number> {
  const clock = options.clock ?? systemClock;
  let types: string[];
  let since: string | undefined;
  try {
    types = (options.types === undefined ? undefined : parseTypes([options.types], 'system')) ?? defaultTypes('system');
    since = options.since === undefined ? undefined : parseInstant(options.since, '--since');
  } catch (e) {
    if (!(e instanceof OutcomeError)) throw e;
    options.stderr.write(`careloop export: ${e.message.replace(/^_type/, '--type')}\n`);
    return 2;
  }
  await mkdir(folder, { recursive: true });
  if ((await readdir(folder)).some((f) => f.endsWith('.ndjson'))) {
    options.stderr.write(`careloop export: ${folder} already holds .ndjson files; choose an empty folder\n`);
    return 2;
  }
  const started = performance.now();
  let lastLine = started;
  const transactionTime = clock.now().toString({ fractionalSecondDigits: 3 });
  const files = await writeNdjsonExport(db, { types, until: transactionTime, ...(since ? { since } : {}) }, folder, {
    ...(options.maxPerFile ? { maxPerFile: options.maxPerFile } : {}),
    onPage: async ({ resources, type, typeIndex, typeCount }) => {
      if (performance.now() - lastLine < 5000) return;
      lastLine = performance.now();
      options.stdout.write(
        `export: ${resources.toLocaleString('en')} resources; ${type} (type ${typeIndex + 1} of ${typeCount})\n`,
      );
    },
  });
  const total = files.reduce((n, f) => n + f.count, 0);
  // The export is a disclosure of everything in it: one AuditEvent for the run (issue #3).
  await recordAuditEvent(db.kysely, clock, {
    action: 'E',
    subtype: 'operation',
    operation: '$export',
    outcome: 'success',
    outcomeDesc: `careloop export: ${total} resources of ${files.length} file(s)`,
    agent: { display: 'system:careloop export' },
    patients: [],
    entities: [],
    recorded: clock.now().toString(),
  });
  for (const f of files) options.stdout.write(`  ${f.file.padEnd(40)} ${f.count}\n`);
  options.stdout.write(
    `exported ${total} resources in ${files.length} file${files.length === 1 ? '' : 's'} to ${folder} in ${duration(performance.now() - started)} (transactionTime ${transactionTime})\n`,
  );
  return 0;
}

/** `careloop export <folder> [--type T,…] [--since instant]`. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'write every resource (or --type T,… / --since instant) as Bulk Data NDJSON files into a folder',
  options: { type: { type: 'string' }, since: { type: 'string' } },
  async run(config: Config, values, positionals) {
    const [folder, ...extra] = positionals;
    if (!folder || extra.length) {
      process.stderr.write(
        'Usage: careloop export <folder> [--type Patient,Observation] [--since 2025-01-01T00:00:00Z]\n',
      );
      return 2;
    }
    const { db } = await openStore(config);
    try {
      return await runExportCli(db, folder, {
        ...(typeof values.type === 'string' ? { types: values.type } : {}),
        ...(typeof values.since === 'string' ? { since: values.since } : {}),
        stdout: process.stdout,
        stderr: process.stderr,
      });
    } finally {
      await db.close();
    }
  },
};
