import type { Resource } from '@medplum/fhirtypes';
import { type RawBuilder, sql } from 'kysely';
import { type Access, visibleSql } from '../../access/index.ts';
import type { Executor } from '../write.ts';
import { criterionSql, matchingRids, sortExpression, type Visible } from './filters.ts';
import { type Criterion, type ParsedSearch, parseSearch } from './parse.ts';
import { shapeResource } from './summary.ts';

export { maxCount, resultParams } from './parse.ts';

export type SearchOptions = Readonly<{
  /** `Prefer: handling=lenient`: unknown parameters are ignored instead of rejected. */
  lenient?: boolean;
  /** Restricts the search to one patient's compartment (`Patient/{id}/Type`). */
  compartmentPatient?: string;
  /** Overrides `_total` (internal callers that only need matches). */
  total?: 'none' | 'accurate';
  /**
   * `Patient/$everything`: also include what the page's resources refer to (practitioners, organizations,
   * medications…), except other patients, whose data is never pulled in through a reference.
   */
  includeReferenced?: boolean;
  /** The actor's access (the store sets it): what they may not see is neither returned, counted nor paged over. */
  access?: Access;
}>;

export type SearchResult = Readonly<{
  matches: Resource[];
  included: Resource[];
  total: number | undefined;
  parsed: ParsedSearch;
  hasNext: boolean;
  /** The patients whose data the result holds (for the audit record). */
  patients: string[];
}>;

const r = sql.raw('r');

/** Runs a FHIR search against the index (DESIGN: one SQL statement for the page, one for the total if asked). */
export async function search(
  exec: Executor,
  resourceType: string | undefined,
  params: URLSearchParams,
  options: SearchOptions = {},
): Promise<SearchResult> {
  const parsed = parseSearch(resourceType, params, options.lenient ?? false);
  const visible: Visible = (alias) => (options.access ? visibleSql(options.access, alias) : sql`true`);
  const { from, where } = plan(parsed, options, visible);
  const wantTotal = (options.total ?? parsed.total ?? 'accurate') === 'accurate' || parsed.summary === 'count';
  if (parsed.summary === 'count') {
    const total = await count(exec, from, where);
    return { matches: [], included: [], total, parsed, hasNext: false, patients: [] };
  }
  const keys = parsed.sort.map((k) =>
    k.param === '_id'
      ? sql`${r}.id`
      : k.param === '_lastUpdated'
        ? sql`${r}.last_updated`
        : sortExpression(k.param, k.descending, r),
  );
  const direction = (i: number) => sql.raw(parsed.sort[i]?.descending ? 'DESC NULLS LAST' : 'ASC NULLS LAST');
  const orderBy = (alias: (i: number) => RawBuilder<unknown>, rid: RawBuilder<unknown>) =>
    sql.join([...keys.map((_, i) => sql`${alias(i)} ${direction(i)}`), rid], sql`, `);
  // Phase 1 selects only rids and sort keys (from the index when it can drive); phase 2 fetches the page's content.
  const pageQuery = sql`
    SELECT ${sql.join([sql`${r}.rid`, ...keys.map((k, i) => sql`${k} AS ${sql.raw(`k${i}`)}`)], sql`, `)}
    FROM ${from} WHERE ${where}
    ORDER BY ${orderBy((i) => sql.raw(`k${i}`), sql`${r}.rid`)} LIMIT ${parsed.count + 1} OFFSET ${parsed.offset}`;
  const { rows } = await sql<Row>`
    SELECT res.rid, res.resource_type, res.id, res.content, res.patients FROM (${pageQuery}) p JOIN resource res ON res.rid = p.rid
    ORDER BY ${orderBy((i) => sql.raw(`p.k${i}`), sql`p.rid`)}`.execute(exec);
  const hasNext = rows.length > parsed.count;
  const page = rows.slice(0, parsed.count);
  let total: number | undefined;
  if (wantTotal)
    total =
      !hasNext && (page.length > 0 || parsed.offset === 0)
        ? parsed.offset + page.length
        : await count(exec, from, where);
  const included = await includes(exec, parsed, page, options.includeReferenced ?? false, visible);
  return {
    matches: page.map((row) => shapeResource(row.content, parsed)),
    included: included.map((res) => shapeResource(res.content, parsed)),
    total,
    parsed,
    hasNext,
    patients: [...new Set([...page, ...included].flatMap((x) => x.patients))],
  };
}

type Plan = { from: RawBuilder<unknown>; where: RawBuilder<unknown> };

/**
 * Where the search reads from. When every criterion and sort key can be answered from the index (no `_id`,
 * `_lastUpdated`, compartment or multi-type search), the first positive parameter criterion drives: its index rows
 * give the candidate rids (`sp` keys already carry the type, and index rows exist only for live versions), so the
 * resource table is read only for the page. A worklist query (`Task?owner=…&status=…&_sort=…`) thus never reads the
 * thousands of Task rows it does not return. Otherwise the resource table drives.
 */
function plan(parsed: ParsedSearch, options: SearchOptions, visible: Visible): Plan {
  const rest = (except?: Criterion) =>
    parsed.criteria.filter((c) => c !== except).map((c) => criterionSql(c, r, visible));
  const restricted = options.access !== undefined && !options.access.unrestricted;
  const indexOnly =
    parsed.types.length === 1 &&
    options.compartmentPatient === undefined &&
    parsed.criteria.every((c) => c.kind !== 'id' && c.kind !== 'lastUpdated' && c.kind !== 'has') &&
    parsed.sort.every((k) => typeof k.param !== 'string');
  const driver = indexOnly
    ? parsed.criteria.find(
        (c): c is Extract<Criterion, { kind: 'param' }> =>
          c.kind === 'param' && (c.modifier === undefined || /^[A-Z]/.test(c.modifier)),
      )
    : undefined;
  if (driver) {
    // The actor's visibility needs the resource row: checked by rid for the candidates only.
    const v = sql.raw('v');
    const access = restricted
      ? [sql`EXISTS (SELECT 1 FROM resource ${v} WHERE ${v}.rid = ${r}.rid AND ${visible(v)})`]
      : [];
    return {
      from: sql`${matchingRids(driver)} ${r}`,
      where: sql.join([sql`true`, ...access, ...rest(driver)], sql` AND `),
    };
  }
  const conds: RawBuilder<unknown>[] = [sql`NOT ${r}.deleted`];
  if (parsed.types.length === 1) conds.push(sql`${r}.resource_type = ${parsed.types[0]}`);
  else if (parsed.types.length > 1) conds.push(sql`${r}.resource_type = ANY(${parsed.types}::text[])`);
  if (options.compartmentPatient !== undefined)
    conds.push(sql`${r}.patients @> ARRAY[${options.compartmentPatient}]::text[]`);
  if (restricted) conds.push(visible(r));
  return { from: sql`resource ${r}`, where: sql.join([...conds, ...rest()], sql` AND `) };
}

async function count(exec: Executor, from: RawBuilder<unknown>, where: RawBuilder<unknown>): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*) AS n FROM ${from} WHERE ${where}`.execute(exec);
  return rows[0]?.n ?? 0;
}

type Row = { rid: number; resource_type: string; id: string; content: Resource; patients: string[] };

/** `_include` (with one `:iterate` pass over what was included) and `_revinclude`, without duplicates. */
async function includes(
  exec: Executor,
  parsed: ParsedSearch,
  page: readonly Row[],
  referenced: boolean,
  visible: Visible,
): Promise<Row[]> {
  if (page.length === 0 || (parsed.include.length === 0 && parsed.revinclude.length === 0 && !referenced)) return [];
  const seen = new Set(page.map((p) => p.rid));
  const out: Row[] = [];
  const add = (rows: Row[]) => {
    const fresh = rows.filter((x) => !seen.has(x.rid));
    for (const x of fresh) seen.add(x.rid);
    out.push(...fresh);
    return fresh;
  };
  let sources: readonly Row[] = page;
  for (let pass = 0; pass < 2 && sources.length; pass++) {
    const wanted = parsed.include.filter((i) => pass === 0 || i.iterate);
    const found: Row[] = [];
    for (const inc of wanted) {
      const rids = sources.filter((s) => s.resource_type === inc.param.key.split(':')[0]).map((s) => s.rid);
      if (!rids.length) continue;
      const { rows } = await sql<Row>`
        SELECT t.rid, t.resource_type, t.id, t.content, t.patients FROM sp_reference x
        JOIN resource t ON t.resource_type = x.target_type AND t.id = x.target_id AND NOT t.deleted
        WHERE x.rid = ANY(${rids}::bigint[]) AND x.sp = ${inc.param.key} AND ${visible(sql.raw('t'))}
        ${inc.targetType ? sql`AND x.target_type = ${inc.targetType}` : sql``}`.execute(exec);
      found.push(...add(rows));
    }
    sources = found;
  }
  if (referenced) {
    const { rows } = await sql<Row>`
      SELECT DISTINCT ON (t.rid) t.rid, t.resource_type, t.id, t.content, t.patients FROM sp_reference x
      JOIN resource t ON t.resource_type = x.target_type AND t.id = x.target_id AND NOT t.deleted
      WHERE x.rid = ANY(${page.map((p) => p.rid)}::bigint[]) AND t.resource_type <> 'Patient'
        AND ${visible(sql.raw('t'))}`.execute(exec);
    add(rows);
  }
  for (const rev of parsed.revinclude) {
    const { rows } = await sql<Row>`
      SELECT s.rid, s.resource_type, s.id, s.content, s.patients FROM sp_reference x
      JOIN unnest(${page.map((p) => p.resource_type)}::text[], ${page.map((p) => p.id)}::text[]) AS m(t, i)
        ON x.target_type = m.t AND x.target_id = m.i
      JOIN resource s ON s.rid = x.rid AND NOT s.deleted
      WHERE x.sp = ${rev.param.key} AND ${visible(sql.raw('s'))}`.execute(exec);
    add(rows);
  }
  return out;
}
