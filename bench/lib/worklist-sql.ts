import { TASK_TYPES } from '../../apps/server/src/modules/worklist/index.ts';
import type { RunSql } from './search-sql.ts';

const OPEN = `'requested', 'received', 'accepted', 'ready', 'in-progress', 'on-hold'`;

/**
 * The hand-written baseline of `bench:worklist`: what an engineer would build for this one page with no access
 * control and no audit — a plain table holding every Task with the worklist's columns pulled out of its content, the
 * patient's coordinator and latest risk joined in once, indexed on the open tasks by owner and (unassigned) by coordinator, and the whole
 * ranking (the worklist's points, docs/worklist.md) computed in one statement.
 */
export async function createWorklistBaseline(run: RunSql): Promise<void> {
  await run('DROP TABLE IF EXISTS bench_worklist', []);
  await run(
    `CREATE TABLE bench_worklist AS
     SELECT t.rid, t.id, t.content->'owner'->>'reference' AS owner, t.content->>'status' AS status,
       t.content->>'priority' AS priority,
       (SELECT c->>'code' FROM jsonb_array_elements(t.content->'code'->'coding') c LIMIT 1) AS kind,
       (t.content->'restriction'->'period'->>'end')::timestamptz AS due,
       (SELECT (e->>'valueDateTime')::timestamptz FROM jsonb_array_elements(coalesce(t.content->'extension', '[]')) e
         WHERE e->>'url' = 'https://careloop.dev/fhir/StructureDefinition/snoozed-until') AS snoozed_until,
       team.content->'participant'->0->'member'->>'reference' AS coordinator_ref,
       (risk.content->'prediction'->0->>'probabilityDecimal')::float8 AS risk,
       t.content
     FROM resource t
     JOIN resource team ON team.resource_type = 'CareTeam'
       AND team.id = 'bw-team-' || substring(t.content->'for'->>'reference' FROM 'bw-p(\\d+)$')
     LEFT JOIN resource risk ON risk.resource_type = 'RiskAssessment'
       AND risk.id = 'bw-risk-' || substring(t.content->'for'->>'reference' FROM 'bw-p(\\d+)$')
     WHERE t.resource_type = 'Task' AND NOT t.deleted`,
    [],
  );
  await run('CREATE INDEX bench_worklist_owner ON bench_worklist (owner, status)', []);
  await run(
    'CREATE INDEX bench_worklist_coordinator ON bench_worklist (coordinator_ref, status) WHERE owner IS NULL',
    [],
  );
  await run('ANALYZE bench_worklist', []);
}

const priorityPoints = `CASE coalesce(priority, CASE kind ${Object.entries(TASK_TYPES)
  .map(([k, t]) => `WHEN '${k}' THEN '${t.priority}'`)
  .join(' ')} END)
  WHEN 'stat' THEN 2200 WHEN 'asap' THEN 1500 WHEN 'urgent' THEN 800 ELSE 100 END`;
const kindPoints = `CASE kind ${Object.entries(TASK_TYPES)
  .map(([k, t]) => `WHEN '${k}' THEN ${t.weight}`)
  .join(' ')} ELSE 0 END`;

/**
 * One page of a coordinator's worklist from the baseline table: their tasks and the unassigned ones of their
 * patients, open and not snoozed, ranked. $1 the coordinator (`Practitioner/…`), $2 now, $3 the page size.
 */
export const worklistBaselineSql = `
  SELECT id, score, content FROM (
    SELECT b.id, b.due, b.content,
      ${priorityPoints}
      + CASE WHEN b.due IS NULL THEN 0
          WHEN b.due < $2::timestamptz THEN 300 + round((least(extract(epoch FROM $2::timestamptz - b.due) / 3600, 72) * 2)::numeric)
          WHEN b.due <= $2::timestamptz + interval '24 hours' THEN 200
          WHEN b.due <= $2::timestamptz + interval '72 hours' THEN 100
          ELSE 0 END
      + coalesce(round((greatest(0, least(1, b.risk)) * 150)::numeric), 0)
      + ${kindPoints} AS score
    FROM bench_worklist b
    WHERE (b.owner = $1 OR (b.owner IS NULL AND b.coordinator_ref = $1))
      AND b.status IN (${OPEN})
      AND (b.status <> 'on-hold' OR b.snoozed_until <= $2::timestamptz)
  ) x
  ORDER BY score DESC, due ASC NULLS LAST, id COLLATE "C"
  LIMIT $3`;
