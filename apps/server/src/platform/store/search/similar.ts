import { sql } from 'kysely';
import type { Access } from '../../access/index.ts';
import { visibleSql } from '../../access/index.ts';
import { normalizeString } from '../indexer.ts';
import type { Executor } from '../write.ts';

export type Similar = Readonly<{ id: string; score: number; patients: readonly string[] }>;

/**
 * Resources of `type` whose values of the string parameter `key` ("Type:code") are most like `text` (pg_trgm
 * trigram similarity on the normalized values, over the trigram index; at least 0.3), best first, among those the
 * access lets the actor see. For typo-tolerant look-ups such as a patient registry search; plain FHIR search keeps
 * R4's starts-with and :contains semantics.
 */
export async function similar(
  exec: Executor,
  key: string,
  text: string,
  limit: number,
  access: Access | undefined,
): Promise<Similar[]> {
  const norm = normalizeString(text).trim();
  if (norm.length < 2) return [];
  const visible = access && !access.unrestricted ? visibleSql(access, sql.raw('r')) : sql`true`;
  const { rows } = await sql<{ id: string; score: number; patients: string[] }>`
    SELECT r.id, max(similarity(s.norm, ${norm})) AS score, r.patients FROM sp_string s
    JOIN resource r ON r.rid = s.rid AND NOT r.deleted
    WHERE s.sp = ${key} AND s.norm % ${norm} AND ${visible}
    GROUP BY r.rid, r.id, r.patients
    ORDER BY score DESC, r.id LIMIT ${limit}`.execute(exec);
  return rows.map((r) => ({ id: r.id, score: Number(r.score), patients: r.patients }));
}
