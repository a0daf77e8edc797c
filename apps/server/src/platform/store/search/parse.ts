import { invalid } from '../../errors.ts';
import { isStoredType, type SearchParamDef, searchParamsOf } from '../definitions.ts';

/** One parsed search criterion; several values of one criterion are OR-ed, criteria are AND-ed. */
export type Criterion =
  | { kind: 'param'; param: SearchParamDef; modifier: string | undefined; values: string[]; name: string }
  | { kind: 'id'; values: string[]; modifier: string | undefined }
  | { kind: 'lastUpdated'; values: string[] }
  | { kind: 'chain'; param: SearchParamDef; targetTypes: string[]; inner: Map<string, Criterion>; name: string }
  | { kind: 'has'; sourceType: string; refParam: SearchParamDef; inner: Criterion; name: string };

export type SortKey = { name: string; param: SearchParamDef | '_id' | '_lastUpdated'; descending: boolean };
export type Include = { param: SearchParamDef; targetType: string | undefined; iterate: boolean };
export type RevInclude = { sourceType: string; param: SearchParamDef };

export type ParsedSearch = {
  criteria: Criterion[];
  count: number;
  offset: number;
  sort: SortKey[];
  total: 'none' | 'accurate' | undefined;
  summary: 'true' | 'text' | 'data' | 'count' | 'false' | undefined;
  elements: string[] | undefined;
  include: Include[];
  revinclude: RevInclude[];
  types: string[];
};

export const maxCount = 1000;
const defaultCount = 20;

/** Parameters that shape results but select nothing (R4 §3.1.1.5); a condition made only of them matches everything. */
export const resultParams = new Set([
  '_count',
  '_offset',
  '_sort',
  '_total',
  '_summary',
  '_elements',
  '_include',
  '_revinclude',
  '_format',
  '_pretty',
]);

// Result and format parameters that change nothing about which resources match.
const ignored = new Set(['_format', '_pretty']);

/**
 * Parses a FHIR search query for `resourceType` (or a system search when undefined). Unknown parameters, modifiers
 * and malformed control values are a 400 naming the parameter, unless `lenient` (`Prefer: handling=lenient`).
 */
export function parseSearch(resourceType: string | undefined, params: URLSearchParams, lenient = false): ParsedSearch {
  const out: ParsedSearch = {
    criteria: [],
    count: defaultCount,
    offset: 0,
    sort: [],
    total: undefined,
    summary: undefined,
    elements: undefined,
    include: [],
    revinclude: [],
    types: resourceType ? [resourceType] : [],
  };
  const reject = (text: string, name: string) => {
    if (!lenient) throw invalid(text, name);
  };
  const typeParam = params.getAll('_type').flatMap((v) => v.split(','));
  if (!resourceType && typeParam.length) {
    for (const t of typeParam) if (!isStoredType(t)) throw invalid(`Unknown resource type in _type`, '_type');
    out.types = typeParam;
  }
  for (const [name, value] of params) {
    // PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database.
    if (name.includes('\u0000') || value.includes('\u0000'))
      throw invalid('Search parameters cannot contain NUL characters', name.replaceAll('\u0000', '').slice(0, 64));
    if (ignored.has(name) || name === '_type') continue;
    switch (name) {
      case '_count':
        out.count = Math.min(nonNegative(value, name), maxCount);
        continue;
      case '_offset':
        out.offset = nonNegative(value, name);
        continue;
      case '_total':
        if (!['none', 'estimate', 'accurate'].includes(value))
          throw invalid('_total must be none, estimate or accurate', name);
        out.total = value === 'none' ? 'none' : 'accurate';
        continue;
      case '_summary':
        if (!['true', 'text', 'data', 'count', 'false'].includes(value))
          throw invalid('_summary must be true, text, data, count or false', name);
        out.summary = value as ParsedSearch['summary'];
        continue;
      case '_elements':
        out.elements = value
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean);
        continue;
      case '_sort':
        out.sort.push(...parseSort(out.types, value));
        continue;
    }
    if (name === '_include' || name === '_include:iterate') {
      out.include.push(...value.split(',').map((v) => parseInclude(v, name === '_include:iterate')));
      continue;
    }
    if (name === '_revinclude' || name === '_revinclude:iterate') {
      out.revinclude.push(...value.split(',').map(parseRevInclude));
      continue;
    }
    const criterion = parseCriterion(out.types, name, value, lenient);
    if (criterion) out.criteria.push(criterion);
    else reject(`Unknown search parameter ${name.slice(0, 64)}`, name.slice(0, 64));
  }
  return out;
}

function nonNegative(value: string, name: string): number {
  if (!/^\d{1,9}$/.test(value)) throw invalid(`${name} must be a non-negative integer`, name);
  return Number(value);
}

/** The definition of `code` on every type in `types` (system search: the parameter must exist on each). */
function paramFor(types: readonly string[], code: string): SearchParamDef | undefined {
  if (types.length === 0) return undefined;
  const defs = types.map((t) => searchParamsOf(t).get(code));
  return defs.every((d) => d !== undefined) ? defs[0] : undefined;
}

const modifiersByType: Record<string, readonly string[]> = {
  token: ['not', 'text', 'missing', 'exact'],
  string: ['exact', 'contains', 'missing'],
  date: ['missing'],
  number: ['missing'],
  quantity: ['missing'],
  reference: ['missing'],
  uri: ['below', 'above', 'missing'],
};

function parseCriterion(
  types: readonly string[],
  name: string,
  value: string,
  lenient: boolean,
): Criterion | undefined {
  if (name.startsWith('_has:')) return parseHas(types, name, value, lenient);
  const [head = '', ...chainParts] = name.split('.');
  const [code = '', modifier] = head.split(':');
  if ((code === '_id' || code === '_lastUpdated') && chainParts.length)
    throw invalid(`${code} cannot be chained`, name);
  if (code === '_id')
    return {
      kind: 'id',
      values: splitValues(value).map(unescapeValue),
      modifier: checkModifier(modifier, ['not', 'missing'], name),
    };
  if (code === '_lastUpdated') {
    checkModifier(modifier, [], name);
    return { kind: 'lastUpdated', values: splitValues(value).map(unescapeValue) };
  }
  const param = paramFor(types, code);
  if (!param) return undefined;
  if (chainParts.length) {
    if (param.type !== 'reference') throw invalid(`${code} is not a reference parameter and cannot be chained`, name);
    const targetTypes = modifier ? [modifier] : [...param.targets];
    if (modifier && !param.targets.includes(modifier)) throw invalid(`${modifier} is not a target of ${code}`, name);
    const inner = new Map<string, Criterion>();
    for (const t of targetTypes) {
      if (!isStoredType(t)) continue;
      const c = parseCriterion([t], chainParts.join('.'), value, lenient);
      if (c) inner.set(t, c);
    }
    if (inner.size === 0) throw invalid(`Unknown chained parameter ${chainParts.join('.').slice(0, 64)}`, name);
    return { kind: 'chain', param, targetTypes: [...inner.keys()], inner, name };
  }
  if (param.type === 'reference' && modifier && /^[A-Z]/.test(modifier)) {
    if (!param.targets.includes(modifier)) throw invalid(`${modifier} is not a target of ${code}`, name);
    return { kind: 'param', param, modifier, values: splitValues(value), name };
  }
  return {
    kind: 'param',
    param,
    modifier: checkModifier(modifier, modifiersByType[param.type] ?? [], name),
    values: splitValues(value),
    name,
  };
}

function checkModifier(modifier: string | undefined, allowed: readonly string[], name: string): string | undefined {
  if (modifier === undefined) return undefined;
  if (!allowed.includes(modifier)) throw invalid(`Modifier :${modifier.slice(0, 32)} is not supported here`, name);
  return modifier;
}

/** `_has:Observation:patient:code=1234-5`: resources that some Observation with that code refers to via `patient`. */
function parseHas(types: readonly string[], name: string, value: string, lenient: boolean): Criterion {
  const [, sourceType = '', refCode = '', ...rest] = name.split(':');
  if (!isStoredType(sourceType) || rest.length === 0) throw invalid('_has must be _has:Type:reference:parameter', name);
  const refParam = searchParamsOf(sourceType).get(refCode);
  if (refParam?.type !== 'reference')
    throw invalid(`${refCode.slice(0, 64)} is not a reference parameter of ${sourceType}`, name);
  if (types.length && !types.some((t) => refParam.targets.includes(t)))
    throw invalid(`${sourceType}.${refCode} cannot refer to ${types.join(',')}`, name);
  const inner = parseCriterion([sourceType], rest.join(':'), value, lenient);
  if (!inner) throw invalid(`Unknown parameter in _has: ${rest.join(':').slice(0, 64)}`, name);
  return { kind: 'has', sourceType, refParam, inner, name };
}

function parseSort(types: readonly string[], value: string): SortKey[] {
  return value.split(',').map((raw) => {
    const descending = raw.startsWith('-');
    const name = descending ? raw.slice(1) : raw;
    if (name === '_id' || name === '_lastUpdated') return { name, param: name, descending };
    const param = paramFor(types, name);
    if (!param) throw invalid(`Unknown sort parameter ${name.slice(0, 64)}`, '_sort');
    return { name, param, descending };
  });
}

function parseInclude(value: string, iterate: boolean): Include {
  const [sourceType = '', code = '', targetType] = value.split(':');
  const param = isStoredType(sourceType) ? searchParamsOf(sourceType).get(code) : undefined;
  if (param?.type !== 'reference') throw invalid(`Unknown _include ${value.slice(0, 64)}`, '_include');
  if (targetType !== undefined && !param.targets.includes(targetType))
    throw invalid(`${targetType.slice(0, 64)} is not a target of ${sourceType}:${code}`, '_include');
  return { param, targetType, iterate };
}

function parseRevInclude(value: string): RevInclude {
  const [sourceType = '', code = ''] = value.split(':');
  const param = isStoredType(sourceType) ? searchParamsOf(sourceType).get(code) : undefined;
  if (param?.type !== 'reference') throw invalid(`Unknown _revinclude ${value.slice(0, 64)}`, '_revinclude');
  return { sourceType, param };
}

/**
 * Splits a parameter value on the commas not escaped with a backslash (R4 §3.1.1.5.7). The other escapes (`\|` `\$`
 * `\\`) are kept, so a token can still tell an escaped `|` from its system|code separator: see {@link unescapeValue}
 * and {@link splitPipes}.
 */
function splitValues(value: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && value[i + 1] === ',') {
      current += ',';
      i++;
    } else if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
    } else if (c === ',') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

/** One value with its backslash escapes (`\|` `\$` `\\` `\,`) removed; other backslashes stay as written. */
export function unescapeValue(value: string): string {
  return value.replace(/\\([\\,|$])/g, '$1');
}

/** Splits one value on its unescaped `|` (token `system|code`, quantity `number|system|code`), unescaping each part. */
export function splitPipes(value: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      current += c + value[i + 1];
      i++;
    } else if (c === '|') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map(unescapeValue);
}
