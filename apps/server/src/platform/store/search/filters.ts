import { dateRange } from '@careloop/fhir';
import { type RawBuilder, sql } from 'kysely';
import { invalid } from '../../errors.ts';
import type { SearchParamDef } from '../definitions.ts';
import { normalizeString } from '../indexer.ts';
import { type Criterion, splitPipes, unescapeValue } from './parse.ts';

type Sql = RawBuilder<unknown>;

let aliasCounter = 0;
const nextAlias = (prefix: string) => sql.raw(`${prefix}${++aliasCounter % 1_000_000}`);

const tableOf: Record<SearchParamDef['type'], string> = {
  token: 'sp_token',
  string: 'sp_string',
  date: 'sp_date',
  number: 'sp_quantity',
  quantity: 'sp_quantity',
  reference: 'sp_reference',
  uri: 'sp_uri',
};

const or = (parts: Sql[]): Sql => (parts.length === 1 ? (parts[0] as Sql) : sql`(${sql.join(parts, sql` OR `)})`);

/** Which resource rows (alias) the actor may see; chained and `_has` targets are filtered by it too. */
export type Visible = (alias: Sql) => Sql;

const everyRow: Visible = () => sql`true`;

/** SQL condition (on resource alias `r`) for one criterion. */
export function criterionSql(c: Criterion, r: Sql, visible: Visible = everyRow): Sql {
  switch (c.kind) {
    case 'id':
      if (c.modifier === 'missing') return c.values[0] === 'true' ? sql`false` : sql`true`;
      return c.modifier === 'not'
        ? sql`NOT (${r}.id = ANY(${c.values}::text[]))`
        : sql`${r}.id = ANY(${c.values}::text[])`;
    case 'lastUpdated':
      return sql.join(
        c.values.map((v) => dateCondition(sql`${r}.last_updated`, sql`${r}.last_updated`, v, '_lastUpdated')),
        sql` AND `,
      );
    case 'param':
      return paramSql(c.param, c.modifier, c.values, r, c.name);
    case 'chain': {
      const x = nextAlias('ch');
      const t = nextAlias('ct');
      const perType = [...c.inner.entries()].map(
        ([type, inner]) => sql`(${t}.resource_type = ${type} AND ${criterionSql(inner, t, visible)})`,
      );
      return sql`EXISTS (SELECT 1 FROM sp_reference ${x} JOIN resource ${t} ON ${t}.resource_type = ${x}.target_type AND ${t}.id = ${x}.target_id AND NOT ${t}.deleted
        WHERE ${x}.rid = ${r}.rid AND ${x}.sp = ${c.param.key} AND ${or(perType)} AND ${visible(t)})`;
    }
    case 'has': {
      const x = nextAlias('hr');
      const h = nextAlias('hs');
      return sql`EXISTS (SELECT 1 FROM sp_reference ${x} JOIN resource ${h} ON ${h}.rid = ${x}.rid AND NOT ${h}.deleted
        WHERE ${x}.sp = ${c.refParam.key} AND ${x}.target_type = ${r}.resource_type AND ${x}.target_id = ${r}.id
        AND ${criterionSql(c.inner, h, visible)} AND ${visible(h)})`;
    }
  }
}

/**
 * The rids a positive parameter criterion matches, straight from its index table: the set a search can be driven
 * from without touching the resource table (index rows exist only for current, live versions).
 */
export function matchingRids(c: Extract<Criterion, { kind: 'param' }>): Sql {
  const x = nextAlias('d');
  const conds = c.values.map((v) => valueSql(c.param, c.modifier, v, x, c.name));
  return sql`(SELECT DISTINCT ${x}.rid FROM ${sql.table(tableOf[c.param.type])} ${x} WHERE ${x}.sp = ${c.param.key} AND ${or(conds)})`;
}

function paramSql(param: SearchParamDef, modifier: string | undefined, values: string[], r: Sql, name: string): Sql {
  const x = nextAlias('x');
  const table = sql.table(tableOf[param.type]);
  const exists = (cond: Sql) =>
    sql`EXISTS (SELECT 1 FROM ${table} ${x} WHERE ${x}.rid = ${r}.rid AND ${x}.sp = ${param.key} AND ${cond})`;
  if (modifier === 'missing') {
    if (values[0] !== 'true' && values[0] !== 'false') throw invalid(':missing takes true or false', name);
    return values[0] === 'true' ? sql`NOT ${exists(sql`true`)}` : exists(sql`true`);
  }
  const conds = values.map((v) => valueSql(param, modifier, v, x, name));
  if (modifier === 'not') return sql`NOT ${exists(or(conds))}`;
  return exists(or(conds));
}

/** SQL for one value of a parameter; `raw` still carries its backslash escapes (parse.ts splitValues). */
function valueSql(param: SearchParamDef, modifier: string | undefined, raw: string, x: Sql, name: string): Sql {
  if (param.type === 'token') return tokenSql(modifier, raw, x);
  if (param.type === 'quantity') {
    const [num = '', system, code] = splitPipes(raw);
    const parts = [numberSql(num, x, name)];
    if (system) parts.push(sql`${x}.system = ${system}`);
    if (code) parts.push(sql`${x}.code = ${code}`);
    return sql.join(parts, sql` AND `);
  }
  const value = unescapeValue(raw);
  switch (param.type) {
    case 'string': {
      if (modifier === 'exact') return sql`${x}.exact = ${value}`;
      const norm = likeEscape(normalizeString(value));
      return modifier === 'contains' ? sql`${x}.norm LIKE ${`%${norm}%`}` : sql`${x}.norm LIKE ${`${norm}%`}`;
    }
    case 'date':
      return dateCondition(sql`${x}.lo`, sql`${x}.hi`, value, name);
    case 'number':
      return numberSql(value, x, name);
    case 'reference':
      return referenceSql(param, modifier, value, x);
    case 'uri':
      if (modifier === 'below') return sql`${x}.value LIKE ${`${likeEscape(value)}%`}`;
      if (modifier === 'above') return sql`${value} LIKE ${x}.value || '%'`;
      return sql`${x}.value = ${value}`;
  }
}

function tokenSql(modifier: string | undefined, raw: string, x: Sql): Sql {
  if (modifier === 'text') return sql`lower(${x}.display) LIKE ${`${likeEscape(unescapeValue(raw).toLowerCase())}%`}`;
  const [first = '', ...rest] = splitPipes(raw);
  if (rest.length === 0) return sql`${x}.value = ${first}`;
  const system = first;
  const code = rest.join('|');
  if (system === '') return sql`(${x}.value = ${code} AND ${x}.system IS NULL)`;
  if (code === '') return sql`${x}.system = ${system}`;
  return sql`(${x}.value = ${code} AND ${x}.system = ${system})`;
}

function referenceSql(param: SearchParamDef, typeModifier: string | undefined, value: string, x: Sql): Sql {
  if (/^[a-z][a-z0-9+.-]*:/.test(value)) {
    const tail = /([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(value);
    return tail
      ? sql`(${x}.url = ${value} OR (${x}.target_type = ${tail[1]} AND ${x}.target_id = ${tail[2]}))`
      : sql`${x}.url = ${value}`;
  }
  const slash = value.indexOf('/');
  const type = slash > 0 ? value.slice(0, slash) : typeModifier;
  const id = slash > 0 ? value.slice(slash + 1) : value;
  if (type) return sql`(${x}.target_id = ${id} AND ${x}.target_type = ${type})`;
  return param.targets.length === 1
    ? sql`(${x}.target_id = ${id} AND ${x}.target_type = ${param.targets[0]})`
    : sql`${x}.target_id = ${id}`;
}

const prefixes = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
type Prefix = (typeof prefixes)[number];

function splitPrefix(value: string): [Prefix, string] {
  const p = value.slice(0, 2) as Prefix;
  return prefixes.includes(p) && !/^\d/.test(value.slice(0, 2)) ? [p, value.slice(2)] : ['eq', value];
}

/**
 * Date comparison with range semantics (R4 §3.1.1.4.4.2): the target [lo, hi] against the search value's implied
 * range [qlo, qhi]. eq: target within the search range; gt/ge: some of the target lies after it (ge also when
 * contained); sa/eb: entirely after/before; ap: overlaps.
 */
function dateCondition(lo: Sql, hi: Sql, raw: string, name: string): Sql {
  const [prefix, value] = splitPrefix(raw);
  const range = dateRange(value);
  if (!range) throw invalid(`Invalid date ${JSON.stringify(value.slice(0, 40))}`, name);
  const qlo = new Date(range[0]).toISOString();
  const qhi = new Date(range[1]).toISOString();
  const within = sql`(${lo} >= ${qlo}::timestamptz AND ${hi} <= ${qhi}::timestamptz)`;
  switch (prefix) {
    case 'eq':
      return within;
    case 'ne':
      return sql`NOT ${within}`;
    case 'gt':
      return sql`${hi} > ${qhi}::timestamptz`;
    case 'ge':
      return sql`(${hi} > ${qhi}::timestamptz OR ${within})`;
    case 'lt':
      return sql`${lo} < ${qlo}::timestamptz`;
    case 'le':
      return sql`(${lo} < ${qlo}::timestamptz OR ${within})`;
    case 'sa':
      return sql`${lo} > ${qhi}::timestamptz`;
    case 'eb':
      return sql`${hi} < ${qlo}::timestamptz`;
    case 'ap':
      return sql`(${lo} <= ${qhi}::timestamptz AND ${hi} >= ${qlo}::timestamptz)`;
  }
}

/** Numbers carry implicit precision (R4 §3.1.1.4.1): `100` matches [99.5, 100.5); `1e2` likewise. */
function numberSql(raw: string, x: Sql, name: string): Sql {
  const [prefix, value] = splitPrefix(raw);
  if (!/^[+-]?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?$/.test(value))
    throw invalid(`Invalid number ${JSON.stringify(value.slice(0, 40))}`, name);
  const n = Number(value);
  const decimals =
    (/\.(\d+)/.exec(value.split(/[eE]/)[0] ?? '')?.[1]?.length ?? 0) - Number(/[eE]([+-]?\d+)/.exec(value)?.[1] ?? 0);
  const half = 0.5 * 10 ** -decimals;
  const v = sql`${x}.value`;
  switch (prefix) {
    case 'eq':
    case 'ap':
      return sql`(${v} >= ${n - half}::numeric AND ${v} < ${n + half}::numeric)`;
    case 'ne':
      return sql`NOT (${v} >= ${n - half}::numeric AND ${v} < ${n + half}::numeric)`;
    case 'gt':
    case 'sa':
      return sql`${v} > ${n}::numeric`;
    case 'lt':
    case 'eb':
      return sql`${v} < ${n}::numeric`;
    case 'ge':
      return sql`${v} >= ${n}::numeric`;
    case 'le':
      return sql`${v} <= ${n}::numeric`;
  }
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Correlated sort expression for a search parameter: the smallest value ascending, the largest descending. */
export function sortExpression(param: SearchParamDef, descending: boolean, r: Sql): Sql {
  const x = nextAlias('s');
  const agg = sql.raw(descending ? 'max' : 'min');
  const column: Record<SearchParamDef['type'], string> = {
    token: 'value',
    string: 'norm',
    date: descending ? 'hi' : 'lo',
    number: 'value',
    quantity: 'value',
    reference: 'target_id',
    uri: 'value',
  };
  return sql`(SELECT ${agg}(${x}.${sql.raw(column[param.type])}) FROM ${sql.table(tableOf[param.type])} ${x} WHERE ${x}.rid = ${r}.rid AND ${x}.sp = ${param.key})`;
}
