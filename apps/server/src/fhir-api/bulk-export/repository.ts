import { type Kysely, sql } from 'kysely';
import type { Tables } from '../../platform/db/index.ts';
import type { ExportRequest } from './request.ts';
import type { ExportFile } from './write-ndjson.ts';

export type ExportStatus = 'accepted' | 'in-progress' | 'completed' | 'failed';

/** One export as the status endpoint and the worker see it. */
export type ExportRow = Readonly<{
  id: string;
  status: ExportStatus;
  request: ExportRequest;
  /** The attempt that writes (or wrote) the files: they are in `<exportDir>/<id>/<runId>/`. */
  runId: string | undefined;
  transactionTime: string | undefined;
  progress: string | undefined;
  output: readonly ExportFile[] | undefined;
  error: string | undefined;
}>;

type Raw = {
  id: string;
  status: ExportStatus;
  request: ExportRequest;
  run_id: string | null;
  transaction_time: Date | string | null;
  progress: string | null;
  output: ExportFile[] | null;
  error: string | null;
};

const iso = (d: Date | string | null) => (d === null ? undefined : new Date(d).toISOString());

export async function insertExport(
  exec: Kysely<Tables>,
  id: string,
  request: ExportRequest,
  createdAt: string,
): Promise<void> {
  await sql`INSERT INTO bulk_export (id, status, request, created_at) VALUES (${id}, 'accepted', ${JSON.stringify(request)}::jsonb, ${createdAt}::timestamptz)`.execute(
    exec,
  );
}

export async function findExport(exec: Kysely<Tables>, id: string): Promise<ExportRow | undefined> {
  const { rows } =
    await sql<Raw>`SELECT id, status, request, run_id, transaction_time, progress, output, error FROM bulk_export WHERE id = ${id}`.execute(
      exec,
    );
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    status: r.status,
    request: r.request,
    runId: r.run_id ?? undefined,
    transactionTime: iso(r.transaction_time),
    progress: r.progress ?? undefined,
    output: r.output ?? undefined,
    error: r.error ?? undefined,
  };
}

/** Hands the export to attempt `runId`; false when it is gone (cancelled) or already finished. */
export async function startExport(
  exec: Kysely<Tables>,
  id: string,
  runId: string,
  transactionTime: string,
): Promise<boolean> {
  const { rows } = await sql`
    UPDATE bulk_export SET status = 'in-progress', run_id = ${runId}, transaction_time = ${transactionTime}::timestamptz,
      progress = 'starting', error = NULL
    WHERE id = ${id} AND status IN ('accepted', 'in-progress') RETURNING id`.execute(exec);
  return rows.length > 0;
}

/** Records progress; false when attempt `runId` no longer owns the export (cancelled, or taken over by a retry). */
export async function recordProgress(
  exec: Kysely<Tables>,
  id: string,
  runId: string,
  progress: string,
): Promise<boolean> {
  const { rows } = await sql`
    UPDATE bulk_export SET progress = ${progress}
    WHERE id = ${id} AND run_id = ${runId} AND status = 'in-progress' RETURNING id`.execute(exec);
  return rows.length > 0;
}

/** Marks the export completed with attempt `runId`'s files; false when that attempt no longer owns it. */
export async function completeExport(
  exec: Kysely<Tables>,
  id: string,
  runId: string,
  output: readonly ExportFile[],
  completedAt: string,
): Promise<boolean> {
  const { rows } = await sql`
    UPDATE bulk_export SET status = 'completed', output = ${JSON.stringify(output)}::jsonb, progress = NULL,
      completed_at = ${completedAt}::timestamptz
    WHERE id = ${id} AND run_id = ${runId} AND status = 'in-progress' RETURNING id`.execute(exec);
  return rows.length > 0;
}

/** Marks the export failed, unless it is finished or (when `runId` is given) another attempt owns it; true if marked. */
export async function failExport(
  exec: Kysely<Tables>,
  id: string,
  runId: string | undefined,
  error: string,
  completedAt: string,
): Promise<boolean> {
  const owner = runId === undefined ? sql`` : sql`AND run_id = ${runId}`;
  const { rows } = await sql`
    UPDATE bulk_export SET status = 'failed', error = ${error}, progress = NULL, completed_at = ${completedAt}::timestamptz
    WHERE id = ${id} AND status IN ('accepted', 'in-progress') ${owner} RETURNING id`.execute(exec);
  return rows.length > 0;
}

/** Deletes the export's row; false when there was none. */
export async function deleteExport(exec: Kysely<Tables>, id: string): Promise<boolean> {
  const { rows } = await sql`DELETE FROM bulk_export WHERE id = ${id} RETURNING id`.execute(exec);
  return rows.length > 0;
}
