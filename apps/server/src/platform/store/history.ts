import { dateRange } from '@careloop/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { type Access, canSee, visibleSql } from '../access/index.ts';
import { invalid } from '../errors.ts';
import { compartmentPatients } from './indexer.ts';
import { type Executor, versionContent } from './write.ts';

export type HistoryOptions = Readonly<{
  count: number;
  offset: number;
  since?: string | undefined;
  /** The actor's access (the store sets it): history of resources they may not see is not listed. */
  access?: Access;
}>;

export type HistoryEntry = Readonly<{
  resourceType: string;
  id: string;
  versionId: number;
  lastUpdated: string;
  method: string;
  resource: Resource | null;
}>;

export type HistoryPage = Readonly<{
  entries: HistoryEntry[];
  total: number;
  /** The patients whose data the page holds (for the audit record). */
  patients: string[];
}>;

/** Versions of one resource, one type, or everything, newest first (R4 §3.1.0.9). */
export async function history(
  exec: Executor,
  scope: { resourceType?: string | undefined; id?: string | undefined },
  options: HistoryOptions,
): Promise<HistoryPage> {
  // Date.parse accepts forms PostgreSQL rejects (e.g. "1001 "): read _since as a FHIR dateTime and compare with the
  // first moment of its range (R4 §3.1.0.9: an instant; a coarser value means its start).
  const range = options.since === undefined ? undefined : dateRange(options.since);
  if (options.since !== undefined && !range) throw invalid('_since must be an instant', '_since');
  const since = range ? new Date(range[0]).toISOString() : undefined;
  const where = sql.join(
    [
      sql`true`,
      ...(scope.resourceType ? [sql`r.resource_type = ${scope.resourceType}`] : []),
      ...(scope.id ? [sql`r.id = ${scope.id}`] : []),
      ...(since ? [sql`v.last_updated >= ${since}::timestamptz`] : []),
      ...(options.access && !options.access.unrestricted ? [visibleSql(options.access, sql.raw('r'))] : []),
    ],
    sql` AND `,
  );
  const { rows } = await sql<{
    resource_type: string;
    id: string;
    version_id: number;
    last_updated: Date;
    method: string;
    content: Resource | null;
    patients: string[];
  }>`
    SELECT r.resource_type, r.id, v.version_id, v.last_updated, v.method, ${versionContent}, r.patients
    FROM resource_version v JOIN resource r ON r.rid = v.rid
    WHERE ${where}
    ORDER BY v.last_updated DESC, v.rid DESC, v.version_id DESC
    LIMIT ${options.count} OFFSET ${options.offset}`.execute(exec);
  const counted = await sql<{ n: number }>`
    SELECT count(*) AS n FROM resource_version v JOIN resource r ON r.rid = v.rid WHERE ${where}`.execute(exec);
  const { access } = options;
  // A past version is shown as it was: one carrying a label the actor may not see is left out.
  const shown = rows.filter((r) => !access || !r.content || canSee(access, r.content, compartmentPatients(r.content)));
  return {
    total: counted.rows[0]?.n ?? 0,
    patients: [...new Set(shown.flatMap((r) => r.patients))],
    entries: shown.map((r) => ({
      resourceType: r.resource_type,
      id: r.id,
      versionId: r.version_id,
      lastUpdated: new Date(r.last_updated).toISOString(),
      method: r.method,
      resource: r.content,
    })),
  };
}
