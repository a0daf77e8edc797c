import type { Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { recordAuditEvent } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/index.ts';
import { type IndexRows, indexResource } from './indexer.ts';
import { indexTables, insertIndex } from './write.ts';

export type ReindexOptions = Readonly<{
  /** Only these resource types (all stored types when absent). */
  types?: readonly string[] | undefined;
  /** Resources per transaction (default 1,000). */
  batch?: number;
  onProgress?: (done: number) => void;
}>;

/**
 * Rebuilds the search index of stored resources from their current versions — every `sp_*` row and the patient
 * compartment — after the indexed parameters changed (a parameter CareLoop added, such as `Task?due`, or a fix to
 * how values are indexed). Works through the resources in storage order, a batch per transaction with their rows
 * locked (`FOR UPDATE`), so a concurrent write of one of them waits and then indexes its own new version: nothing
 * newer is ever overwritten with an index of something older. The triggers that keep the index tables shaped for one
 * question (task_queue, care_relationship, patient_risk) run again for resources whose patients change. Content is
 * not changed and no version is made; the run is recorded as one AuditEvent.
 */
export async function reindex(db: Db, clock: Clock, options: ReindexOptions = {}): Promise<{ resources: number }> {
  const batch = options.batch ?? 1000;
  let last = 0;
  let done = 0;
  for (;;) {
    const count = await db.kysely.transaction().execute(async (tx) => {
      const { rows } = await sql<{ rid: number; content: Resource; patients: string[] }>`
        SELECT rid, content, patients FROM resource
        WHERE rid > ${last} AND NOT deleted AND content IS NOT NULL
          ${options.types ? sql`AND resource_type = ANY(${[...options.types]}::text[])` : sql``}
        ORDER BY rid LIMIT ${batch} FOR UPDATE`.execute(tx);
      if (rows.length === 0) return 0;
      const rids = rows.map((r) => Number(r.rid));
      const indexes: IndexRows[] = rows.map((r) => indexResource(r.content));
      await sql`
        WITH ${sql.join(
          indexTables.map(
            (t) => sql`${sql.ref(`d_${t}`)} AS (DELETE FROM ${sql.table(t)} WHERE rid = ANY(${rids}::bigint[]))`,
          ),
        )} SELECT 1`.execute(tx);
      await insertIndex(tx, rids, indexes);
      const moved = rows.flatMap((r, i) => {
        const patients = (indexes[i] as IndexRows).patients;
        return sameSet(patients, r.patients) ? [] : [{ rid: Number(r.rid), patients }];
      });
      if (moved.length)
        await sql`
          UPDATE resource r SET patients = ARRAY(SELECT jsonb_array_elements_text(m->'p'))
          FROM jsonb_array_elements(${JSON.stringify(moved.map((m) => ({ rid: m.rid, p: m.patients })))}::jsonb) m
          WHERE r.rid = (m->>'rid')::bigint`.execute(tx);
      last = rids[rids.length - 1] as number;
      return rows.length;
    });
    if (count === 0) break;
    done += count;
    options.onProgress?.(done);
  }
  await recordAuditEvent(db.kysely, clock, {
    action: 'U',
    subtype: 'operation',
    operation: 'reindex',
    outcome: 'success',
    outcomeDesc: `careloop reindex: ${done} resources${options.types ? ` of ${options.types.join(', ')}` : ''}`,
    agent: { display: 'system:careloop reindex' },
    patients: [],
    entities: [],
    recorded: clock.now().toString(),
  });
  return { resources: done };
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
