import type { Hl7Message, Hl7Segment } from '@medplum/core';
import type { CodeableConcept, Coding, HumanName, Identifier } from '@medplum/fhirtypes';

/**
 * Reading HL7 v2 fields for the mapping, with HL7 v2.8 chapter 2 rules: positions are 1-based like the standard's
 * names (`PID-3.4`), a repetition is 0-based, and escape sequences (§2.7) are resolved at the leaf. Also the rules that
 * turn v2 assigning authorities and coding systems into FHIR `system` URIs (docs/hl7v2.md, "Identifiers").
 */

/** Where a field sits, for error texts and the ERR segment: `{ segment: 'SCH', field: 25 }` reads "SCH-25". */
export type FieldAt = Readonly<{ segment: string; field?: number; component?: number; sequence?: number }>;

/** `SCH-25`, `PID-3.4`, or the segment name alone. */
export function fieldName(at: FieldAt): string {
  if (at.field === undefined) return at.segment;
  return `${at.segment}-${at.field}${at.component === undefined ? '' : `.${at.component}`}`;
}

/** The raw (still escaped) text of component `component` of repetition `rep` of field `field`; '' when absent. */
function rawComponent(seg: Hl7Segment | undefined, field: number, component: number, rep: number): string {
  const value = seg?.getField(field) as { components: string[][] } | undefined;
  return value?.components[rep]?.[component - 1] ?? '';
}

/** How many repetitions field `field` has (0 when it is empty). */
export function repetitions(seg: Hl7Segment | undefined, field: number): number {
  const value = seg?.getField(field) as { components: string[][] } | undefined;
  const reps = value?.components ?? [];
  return reps.length === 1 && reps[0]?.every((c) => c === '') ? 0 : reps.length;
}

/** Component `component` (1-based) of repetition `rep` of a field, escapes resolved and trimmed; '' when absent. */
export function comp(seg: Hl7Segment | undefined, field: number, component = 1, rep = 0): string {
  if (!seg) return '';
  const raw = rawComponent(seg, field, component, rep).split(seg.context.subcomponentSeparator)[0] ?? '';
  return unescapeV2(raw, seg.context).trim();
}

/** Subcomponent `sub` (1-based) of a component, escapes resolved and trimmed. */
export function sub(seg: Hl7Segment | undefined, field: number, component: number, sub: number, rep = 0): string {
  if (!seg) return '';
  const raw = rawComponent(seg, field, component, rep).split(seg.context.subcomponentSeparator)[sub - 1] ?? '';
  return unescapeV2(raw, seg.context).trim();
}

/** The field's text as sent (escapes kept, trailing empty components dropped), for composite keys. */
export function rawField(seg: Hl7Segment | undefined, field: number, components: readonly number[]): string {
  if (!seg) return '';
  const parts = components.map((c) => rawComponent(seg, field, c, 0));
  while (parts.length && parts[parts.length - 1] === '') parts.pop();
  return parts.join(seg.context.componentSeparator);
}

/** Every segment of `name`, in message order. */
export const segments = (message: Hl7Message, name: string): Hl7Segment[] => message.getAllSegments(name);

/** The delimiters of a message (MSH-1, MSH-2); the defaults when none are given. */
type Delimiters = Readonly<{
  fieldSeparator: string;
  componentSeparator: string;
  repetitionSeparator: string;
  escapeCharacter: string;
  subcomponentSeparator: string;
}>;

const defaults: Delimiters = {
  fieldSeparator: '|',
  componentSeparator: '^',
  repetitionSeparator: '~',
  escapeCharacter: '\\',
  subcomponentSeparator: '&',
};

/**
 * Resolves the escape sequences of HL7 v2.8 §2.7.4: `\F\ \S\ \T\ \R\ \E\` become the message's delimiters they stand
 * for; formatting and character-set escapes (`\H\`, `\.br\`, `\Xhh\` …) are dropped, as CareLoop stores plain text.
 */
export function unescapeV2(text: string, d: Delimiters = defaults): string {
  const esc = d.escapeCharacter;
  if (!esc || !text.includes(esc)) return text;
  const map: Record<string, string> = {
    F: d.fieldSeparator,
    S: d.componentSeparator,
    T: d.subcomponentSeparator,
    R: d.repetitionSeparator,
    E: esc,
  };
  const e = esc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`${e}([^${e}]*)${e}`, 'g'), (_m, code: string) => map[code] ?? '');
}

const enc = (part: string) => encodeURIComponent(part);

/** The root of the systems CareLoop names for one sending application and facility (MSH-3, MSH-4). */
export function senderSystem(app: string, facility: string): string {
  return `urn:careloop:hl7v2:${enc(app || '-')}:${enc(facility || '-')}`;
}

/** National identifier systems FHIR names, by assigning authority OID or HL7 table 0363 code. */
const knownAuthorities: Record<string, string> = {
  '2.16.840.1.113883.4.1': 'http://hl7.org/fhir/sid/us-ssn',
  '2.16.840.1.113883.4.6': 'http://hl7.org/fhir/sid/us-npi',
  USSSA: 'http://hl7.org/fhir/sid/us-ssn',
};

const oid = /^[0-2](\.(0|[1-9]\d*))+$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The `Identifier.system` for an assigning authority (HD: namespace id, universal id, universal id type; HL7 v2.8
 * §2A.3.36): a national system FHIR names; `urn:oid:` / `urn:uuid:` for an ISO / UUID universal id; otherwise
 * `urn:careloop:hl7v2:assigner:<namespace>`. Undefined when the HD is empty (the caller scopes by sender).
 */
export function authoritySystem(namespace: string, universalId: string, universalIdType: string): string | undefined {
  const known = knownAuthorities[universalId] ?? knownAuthorities[namespace];
  if (known) return known;
  if (universalIdType.toUpperCase() === 'ISO' && oid.test(universalId)) return `urn:oid:${universalId}`;
  if (universalIdType.toUpperCase() === 'UUID' && uuid.test(universalId))
    return `urn:uuid:${universalId.toLowerCase()}`;
  const key = namespace || universalId;
  return key ? `urn:careloop:hl7v2:assigner:${enc(key)}` : undefined;
}

/** Coding systems of CWE-3 (HL7 table 0396) that FHIR names with a canonical URI. */
const codeSystems: Record<string, string> = {
  SCT: 'http://snomed.info/sct',
  SNM: 'http://snomed.info/sct',
  LN: 'http://loinc.org',
  I10: 'http://hl7.org/fhir/sid/icd-10',
  I10C: 'http://hl7.org/fhir/sid/icd-10-cm',
  I9C: 'http://hl7.org/fhir/sid/icd-9-cm',
  C4: 'http://www.ama-assn.org/go/cpt',
  CPT: 'http://www.ama-assn.org/go/cpt',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  UCUM: 'http://unitsofmeasure.org',
};

/** `Coding.system` for a CWE-3 name: canonical, an HL7 table (`HL70305` → v2-0305), else local to the sender. */
function codeSystem(name: string, sender: string): string | undefined {
  if (!name) return undefined;
  const upper = name.toUpperCase();
  const known = codeSystems[upper];
  if (known) return known;
  const table = /^HL7(\d{4})$/.exec(upper);
  if (table) return `http://terminology.hl7.org/CodeSystem/v2-${table[1]}`;
  return `${sender}:cs:${enc(name)}`;
}

/**
 * A CWE/CE field (HL7 v2.8 §2A.3.12: identifier, text, coding system, then the alternate triplet, original text in
 * component 9) as a CodeableConcept; undefined when the field is empty.
 */
export function codeableConcept(
  seg: Hl7Segment | undefined,
  field: number,
  sender: string,
  rep = 0,
): CodeableConcept | undefined {
  const coding: Coding[] = [];
  for (const first of [1, 4]) {
    const code = comp(seg, field, first, rep);
    const display = comp(seg, field, first + 1, rep);
    const system = codeSystem(comp(seg, field, first + 2, rep), sender);
    if (code) coding.push({ ...(system ? { system } : {}), code, ...(display ? { display } : {}) });
  }
  const text = comp(seg, field, 9, rep) || comp(seg, field, 2, rep) || comp(seg, field, 5, rep);
  if (!coding.length && !text) return undefined;
  const concept: CodeableConcept = {};
  if (coding.length) concept.coding = coding;
  if (text) concept.text = text;
  return concept;
}

/** An Identifier typed with HL7 table 0203 (the FHIR identifier-type code system is its superset). */
export function identifier(system: string, value: string, type?: string): Identifier {
  return {
    ...(type ? { type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: type }] } } : {}),
    system,
    value,
  };
}

/** HL7 table 0200 name types that have a FHIR `HumanName.use`. */
const nameUses: Record<string, HumanName['use']> = { L: 'official', D: 'usual', M: 'maiden', N: 'nickname' };

/**
 * A person name from XPN (family at component 1, given 2, further given 3, suffix 4, prefix 5, type 7) or XCN
 * (everything one place later: `first` = 2); undefined without family or given name.
 */
export function humanName(seg: Hl7Segment | undefined, field: number, rep = 0, first = 1): HumanName | undefined {
  const family = sub(seg, field, first, 1, rep);
  const given = [comp(seg, field, first + 1, rep), comp(seg, field, first + 2, rep)].filter(Boolean);
  if (!family && !given.length) return undefined;
  const prefix = comp(seg, field, first + 4, rep);
  const suffix = comp(seg, field, first + 3, rep);
  const use = nameUses[comp(seg, field, first === 1 ? 7 : 10, rep).toUpperCase()];
  return {
    ...(use ? { use } : {}),
    ...(family ? { family } : {}),
    ...(given.length ? { given } : {}),
    ...(prefix ? { prefix: [prefix] } : {}),
    ...(suffix ? { suffix: [suffix] } : {}),
  };
}

/** A token search value `system|value` with the R4 search escapes (§3.1.1.5.7) for `\ , | $`. */
export function tokenParam(id: Identifier): string {
  const esc = (s: string) => s.replace(/[\\,|$]/g, (c) => `\\${c}`);
  return `${esc(id.system ?? '')}|${esc(id.value ?? '')}`;
}

/** `[2, 5, 1]` for `2.5.1`; an empty list for text that is not a version. */
export function versionOf(text: string): number[] {
  return /^\d+(\.\d+)*$/.test(text) ? text.split('.').map(Number) : [];
}

/** True when version `v` is at least `min` (both as from {@link versionOf}). */
export function atLeast(v: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    const a = v[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}
