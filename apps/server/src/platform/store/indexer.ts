import { dateRange, parseReference } from '@careloop/fhir';
import { type TypedValue, toTypedValue } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import { patientCompartmentParams, type SearchParamDef, searchParamsOf } from './definitions.ts';

export type TokenRow = { sp: string; system: string | null; value: string | null; display: string | null };
export type StringRow = { sp: string; norm: string; exact: string };
export type DateRow = { sp: string; lo: string; hi: string };
export type QuantityRow = { sp: string; value: string; system: string | null; code: string | null };
export type ReferenceRow = { sp: string; targetType: string | null; targetId: string | null; url: string | null };
export type UriRow = { sp: string; value: string };

/** Every search-index row of one resource version, by table, plus its patient-compartment membership. */
export type IndexRows = {
  token: TokenRow[];
  string: StringRow[];
  date: DateRow[];
  quantity: QuantityRow[];
  reference: ReferenceRow[];
  uri: UriRow[];
  patients: string[];
};

/** Lower-cased, accent-free form used by string search (R4: "case- and accent-insensitive"). */
export function normalizeString(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Evaluates each indexed search parameter of the resource's type and converts the values into index rows. */
export function indexResource(resource: Resource): IndexRows {
  const rows: IndexRows = { token: [], string: [], date: [], quantity: [], reference: [], uri: [], patients: [] };
  const input = toTypedValue(resource);
  const compartmentParams = new Set(patientCompartmentParams(resource.resourceType));
  const patients = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) patients.add(resource.id);
  for (const param of searchParamsOf(resource.resourceType).values()) {
    let values: TypedValue[];
    try {
      values = param.evaluate(input);
    } catch {
      // An expression that cannot evaluate on this content (e.g. a type cast) yields no index values.
      continue;
    }
    for (const v of values) addValue(rows, param, v);
    if (compartmentParams.has(param.code)) {
      for (const r of rows.reference)
        if (r.sp === param.key && r.targetType === 'Patient' && r.targetId) patients.add(r.targetId);
    }
  }
  rows.patients = [...patients];
  return rows;
}

/**
 * The patients whose compartment the resource is in (the same answer as `indexResource(r).patients`), evaluating only
 * the compartment's parameters: access checks need it before a write, without indexing everything twice.
 */
export function compartmentPatients(resource: Resource): string[] {
  const patients = new Set<string>();
  if (resource.resourceType === 'Patient' && resource.id) patients.add(resource.id);
  const codes = new Set(patientCompartmentParams(resource.resourceType));
  if (codes.size === 0) return [...patients];
  const input = toTypedValue(resource);
  for (const param of searchParamsOf(resource.resourceType).values()) {
    if (!codes.has(param.code) || param.type !== 'reference') continue;
    const rows: IndexRows = { token: [], string: [], date: [], quantity: [], reference: [], uri: [], patients: [] };
    try {
      for (const v of param.evaluate(input)) addValue(rows, param, v);
    } catch {
      continue;
    }
    for (const r of rows.reference) if (r.targetType === 'Patient' && r.targetId) patients.add(r.targetId);
  }
  return [...patients];
}

function addValue(rows: IndexRows, param: SearchParamDef, tv: TypedValue): void {
  const sp = param.key;
  const v = tv.value as unknown;
  if (v === undefined || v === null) return;
  switch (param.type) {
    case 'token':
      for (const t of tokens(tv)) rows.token.push({ sp, ...t });
      return;
    case 'string':
      for (const s of strings(v)) rows.string.push({ sp, norm: normalizeString(s), exact: s });
      return;
    case 'date': {
      const range = dates(tv);
      if (range) rows.date.push({ sp, lo: range[0], hi: range[1] });
      return;
    }
    case 'number':
      if (typeof v === 'number') rows.quantity.push({ sp, value: String(v), system: null, code: null });
      return;
    case 'quantity': {
      const q = v as { value?: number; system?: string; code?: string; unit?: string; currency?: string };
      if (typeof q.value === 'number') {
        rows.quantity.push({
          sp,
          value: String(q.value),
          system: q.system ?? null,
          code: q.code ?? q.currency ?? q.unit ?? null,
        });
      }
      return;
    }
    case 'reference':
      rows.reference.push(...references(sp, tv));
      return;
    case 'uri':
      if (typeof v === 'string') rows.uri.push({ sp, value: v });
      return;
  }
}

type Token = { system: string | null; value: string | null; display: string | null };
type CodingLike = { system?: string; code?: string; display?: string };

function tokens(tv: TypedValue): Token[] {
  const v = tv.value as Record<string, unknown> | string | boolean | number;
  if (typeof v === 'string' || typeof v === 'number') return [{ system: null, value: String(v), display: null }];
  if (typeof v === 'boolean') return [{ system: null, value: String(v), display: null }];
  switch (tv.type) {
    case 'CodeableConcept': {
      const cc = v as { coding?: CodingLike[]; text?: string };
      const text = cc.text ?? null;
      const out = (cc.coding ?? []).map((c) => ({
        system: c.system ?? null,
        value: c.code ?? null,
        display: text ?? c.display ?? null,
      }));
      return out.length ? out : text ? [{ system: null, value: null, display: text }] : [];
    }
    case 'Coding': {
      const c = v as CodingLike;
      return [{ system: c.system ?? null, value: c.code ?? null, display: c.display ?? null }];
    }
    case 'Identifier': {
      const id = v as { system?: string; value?: string; type?: { text?: string } };
      return id.value ? [{ system: id.system ?? null, value: id.value, display: id.type?.text ?? null }] : [];
    }
    case 'ContactPoint': {
      const cp = v as { system?: string; value?: string };
      return cp.value ? [{ system: cp.system ?? null, value: cp.value, display: null }] : [];
    }
    default:
      return [];
  }
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (typeof v !== 'object' || v === null) return [];
  const o = v as Record<string, unknown>;
  const out: string[] = [];
  // HumanName and Address: every part is searchable (R4 §3.1.1.4.8).
  for (const key of [
    'text',
    'family',
    'given',
    'prefix',
    'suffix',
    'line',
    'city',
    'district',
    'state',
    'postalCode',
    'country',
  ]) {
    const part = o[key];
    if (typeof part === 'string') out.push(part);
    else if (Array.isArray(part)) for (const p of part) if (typeof p === 'string') out.push(p);
  }
  return out;
}

const minDate = '0001-01-01T00:00:00.000Z';
const maxDate = '9999-12-31T23:59:59.999Z';

function dates(tv: TypedValue): readonly [string, string] | undefined {
  const v = tv.value as unknown;
  const iso = (ms: number) => new Date(ms).toISOString();
  if (typeof v === 'string') {
    const r = dateRange(v);
    return r && [iso(r[0]), iso(r[1])];
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as {
    start?: string;
    end?: string;
    event?: string[];
    repeat?: { boundsPeriod?: { start?: string; end?: string } };
  };
  if (tv.type === 'Period') return periodRange(o.start, o.end);
  if (tv.type === 'Timing') {
    const events = (o.event ?? []).map(dateRange).filter((r) => r !== undefined);
    if (events.length) return [iso(Math.min(...events.map((e) => e[0]))), iso(Math.max(...events.map((e) => e[1])))];
    if (o.repeat?.boundsPeriod) return periodRange(o.repeat.boundsPeriod.start, o.repeat.boundsPeriod.end);
  }
  return undefined;
}

/** A Period with a missing end is open (ongoing): it extends to the end of time; a missing start, from its beginning. */
function periodRange(start: string | undefined, end: string | undefined): readonly [string, string] | undefined {
  const lo = start ? dateRange(start) : undefined;
  const hi = end ? dateRange(end) : undefined;
  if (!lo && !hi) return undefined;
  return [lo ? new Date(lo[0]).toISOString() : minDate, hi ? new Date(hi[1]).toISOString() : maxDate];
}

function references(sp: string, tv: TypedValue): ReferenceRow[] {
  const v = tv.value as unknown;
  if (typeof v === 'string') {
    const local = parseReference(v);
    return [
      local
        ? { sp, targetType: local.resourceType, targetId: local.id, url: null }
        : { sp, targetType: null, targetId: null, url: v },
    ];
  }
  const ref = (v as { reference?: string }).reference;
  if (!ref || ref.startsWith('#')) return [];
  const local = parseReference(ref);
  if (local) return [{ sp, targetType: local.resourceType, targetId: local.id, url: null }];
  // Absolute URL of a resource: keep the URL, and the trailing Type/id so `?subject=Patient/1` matches too.
  const tail = /([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
  return [{ sp, targetType: tail?.[1] ?? null, targetId: tail?.[2] ?? null, url: ref }];
}
