import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

/** Which resources an export holds. */
export type ExportScope = Readonly<{
  types: readonly string[];
  /** Only resources changed after this instant (`_since`). */
  since?: string;
  /** Only resources last changed at or before this instant (the manifest's transactionTime). */
  until: string;
  /** Only resources in these patients' compartments, or in any patient's ('all'); absent for a system export. */
  patients?: 'all' | readonly string[];
}>;

/** One NDJSON output file. */
export type ExportFile = Readonly<{ type: string; file: string; count: number }>;

export type ExportProgress = Readonly<{ resources: number; type: string; typeIndex: number; typeCount: number }>;

export type WriteOptions = Readonly<{
  /** Rows fetched per query (default 1000). */
  pageSize?: number;
  /** Resources per file before the next file of the same type is started (default 100 000). */
  maxPerFile?: number;
  /** Called after each page; throwing stops the export (cancellation). */
  onPage?: (progress: ExportProgress) => Promise<void>;
}>;

/**
 * Writes the resources in `scope` to `dir` as NDJSON, one or more files per type (`Observation-1.ndjson`,
 * `Observation-2.ndjson`…), each ordered by last change. Rows are read type by type in pages, by keyset on
 * (last_updated, rid) along the `resource_type_updated` index, so memory holds one page whatever the database size,
 * every page costs the same however deep into the table it is, and `_since` skips straight to the changed rows. The
 * JSON comes from PostgreSQL (`content::text`) and is never parsed here.
 */
export async function writeNdjsonExport(
  db: Db,
  scope: ExportScope,
  dir: string,
  options: WriteOptions = {},
): Promise<ExportFile[]> {
  const pageSize = options.pageSize ?? 1000;
  const maxPerFile = options.maxPerFile ?? 100_000;
  const files: ExportFile[] = [];
  let resources = 0;
  for (const [typeIndex, type] of scope.types.entries()) {
    const sink = createSink(dir, type, maxPerFile, files);
    try {
      // Keyset start: before any instant and any rid (or just after `_since`, which the row comparison then covers).
      let after = { lu: scope.since ?? '-infinity', rid: scope.since ? Number.MAX_SAFE_INTEGER : 0 };
      for (;;) {
        const { rows } = await sql<{ rid: number; lu: string; json: string }>`
          SELECT rid, last_updated::text AS lu, content::text AS json FROM resource
          WHERE resource_type = ${type} AND (last_updated, rid) > (${after.lu}::timestamptz, ${after.rid}::bigint)
            AND last_updated <= ${scope.until}::timestamptz AND NOT deleted ${patientFilter(scope)}
          ORDER BY last_updated, rid LIMIT ${pageSize}`.execute(db.kysely);
        await sink.write(rows.map((r) => r.json));
        resources += rows.length;
        const last = rows.at(-1);
        if (last) after = { lu: last.lu, rid: Number(last.rid) };
        await options.onPage?.({ resources, type, typeIndex, typeCount: scope.types.length });
        if (rows.length < pageSize) break;
      }
      await sink.close();
    } catch (e) {
      sink.destroy();
      throw e;
    }
  }
  return files;
}

function patientFilter(scope: ExportScope) {
  if (scope.patients === undefined) return sql``;
  if (scope.patients === 'all') return sql`AND cardinality(patients) > 0`;
  return sql`AND patients && ${[...scope.patients]}::text[]`;
}

type Sink = Readonly<{ write(lines: readonly string[]): Promise<void>; close(): Promise<void>; destroy(): void }>;

/** The files of one type: lines go to `<Type>-<n>.ndjson`, a new file every `maxPerFile` lines. */
function createSink(dir: string, type: string, maxPerFile: number, files: ExportFile[]): Sink {
  let stream: WriteStream | undefined;
  let entry: { type: string; file: string; count: number } | undefined;
  let fileCount = 0;
  const close = async () => {
    if (!stream) return;
    const s = stream;
    stream = undefined;
    s.end();
    await once(s, 'close');
  };
  return {
    async write(lines) {
      let at = 0;
      while (at < lines.length) {
        if (!stream || !entry || entry.count >= maxPerFile) {
          await close();
          fileCount++;
          entry = { type, file: `${type}-${fileCount}.ndjson`, count: 0 };
          files.push(entry);
          stream = createWriteStream(join(dir, entry.file), { flags: 'wx' });
        }
        const take = lines.slice(at, at + (maxPerFile - entry.count));
        at += take.length;
        entry.count += take.length;
        if (!stream.write(`${take.join('\n')}\n`)) await once(stream, 'drain');
      }
    },
    close,
    destroy() {
      stream?.destroy();
    },
  };
}
