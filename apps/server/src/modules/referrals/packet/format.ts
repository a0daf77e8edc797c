import type {
  Address,
  Annotation,
  CodeableConcept,
  Coding,
  ContactPoint,
  HumanName,
  Identifier,
  Period,
  Quantity,
  Range,
  Ratio,
} from '@medplum/fhirtypes';

// How the packet reads FHIR datatypes as plain text. Every reader returns undefined for a missing or empty element, so
// callers skip the row instead of printing "undefined"; nothing here reads a clock or converts a time zone.

/** Short names of the code systems a receiving office recognises; any other system is printed as its URI. */
const SYSTEMS: Readonly<Record<string, string>> = {
  'http://loinc.org': 'LOINC',
  'http://snomed.info/sct': 'SNOMED CT',
  'http://www.nlm.nih.gov/research/umls/rxnorm': 'RxNorm',
  'http://hl7.org/fhir/sid/icd-10-cm': 'ICD-10-CM',
  'http://hl7.org/fhir/sid/icd-10': 'ICD-10',
  'http://hl7.org/fhir/sid/ndc': 'NDC',
  'http://www.ama-assn.org/go/cpt': 'CPT',
  'http://nucc.org/provider-taxonomy': 'NUCC',
};

const clean = (s: string | undefined): string | undefined => {
  const t = s?.trim();
  return t ? t : undefined;
};

/** `active` → `Active`, `unable-to-assess` → `Unable to assess`: for FHIR codes whose meaning is the word itself. */
export const humanize = (code: string | undefined): string | undefined => {
  const t = clean(code)?.replace(/[-_]+/g, ' ');
  return t ? t[0]?.toUpperCase() + t.slice(1) : undefined;
};

/** A coding's display, else its code with the code system (`8480-6 (LOINC)`). */
function codingText(coding: Coding | undefined): string | undefined {
  const display = clean(coding?.display);
  if (display) return display;
  const code = clean(coding?.code);
  if (!code) return undefined;
  const system = clean(coding?.system);
  return system ? `${code} (${SYSTEMS[system] ?? system})` : code;
}

/** CodeableConcept.text, else the first coding's display, else the first code with its system. */
export function conceptText(concept: CodeableConcept | undefined): string | undefined {
  const text = clean(concept?.text);
  if (text) return text;
  const codings = concept?.coding ?? [];
  return codings.map((c) => clean(c.display)).find(Boolean) ?? codings.map(codingText).find(Boolean);
}

/**
 * A status-like concept (`clinicalStatus`, `criticality` …) whose codes are plain words in an HL7 code system: the
 * word, humanized, reads better than `active (http://terminology.hl7.org/CodeSystem/condition-clinical)`.
 */
export function statusText(concept: CodeableConcept | undefined): string | undefined {
  const codings = concept?.coding ?? [];
  return (
    clean(concept?.text) ??
    codings.map((c) => clean(c.display)).find(Boolean) ??
    codings.map((c) => humanize(c.code)).find(Boolean)
  );
}

/** Several concepts, one line: `Hypertension; Type 2 diabetes`. */
export const conceptsText = (concepts: readonly CodeableConcept[] | undefined): string | undefined =>
  joined((concepts ?? []).map(conceptText), '; ');

/** The present parts, joined; undefined when none is present. */
export function joined(parts: readonly (string | undefined)[], separator: string): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined && p.trim() !== '');
  return kept.length > 0 ? kept.join(separator) : undefined;
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A FHIR date, dateTime or instant as `YYYY-MM-DD` or `YYYY-MM-DD hh:mm ±hh:mm`. The time stays in the offset the
 * sender gave (`Z` reads `UTC`): converting it to the server's zone would show the receiver a time nobody recorded.
 * Partial dates (`2012`, `2012-05`) print as given; anything unrecognised prints as given rather than vanish.
 */
export function dateText(value: string | undefined): string | undefined {
  const v = clean(value);
  if (!v) return undefined;
  const m = DATE_TIME.exec(v);
  if (!m) return v;
  const zone = m[3] === 'Z' ? 'UTC' : m[3];
  return joined([m[1], m[2], zone], ' ');
}

/** `start – end`, `from start`, `until end`. */
export function periodText(period: Period | undefined): string | undefined {
  const start = dateText(period?.start);
  const end = dateText(period?.end);
  if (start && end) return `${start} – ${end}`;
  if (start) return `from ${start}`;
  return end ? `until ${end}` : undefined;
}

/**
 * A decimal as sent, except generator noise (`129.73979437732424`): past four decimals it is rounded to two (three
 * significant digits below 1), which no clinical reading needs more than. Values with fewer decimals keep the
 * sender's precision, since trailing zeros in FHIR decimals are significant.
 */
export function decimalText(value: number): string {
  const [, decimals = ''] = String(value).split('.');
  if (decimals.length <= 4) return String(value);
  return String(Math.abs(value) >= 1 ? Number(value.toFixed(2)) : Number(value.toPrecision(3)));
}

/** `< 5.2 mmol/L`: comparator, value, unit (else the UCUM code). */
export function quantityText(q: Quantity | undefined): string | undefined {
  if (q?.value === undefined) return undefined;
  return joined([q.comparator, decimalText(q.value), clean(q.unit) ?? clean(q.code)], ' ');
}

/** `3.5–5.0 mmol/L`, `≥ 40 mg/dL`, `≤ 200`. */
export function rangeText(r: Range | undefined): string | undefined {
  const low = quantityText(r?.low);
  const high = quantityText(r?.high);
  if (low && high) {
    const sameUnit = (r?.low?.unit ?? r?.low?.code) === (r?.high?.unit ?? r?.high?.code);
    return sameUnit && r?.low?.value !== undefined ? `${decimalText(r.low.value)}–${high}` : `${low} – ${high}`;
  }
  if (low) return `≥ ${low}`;
  return high ? `≤ ${high}` : undefined;
}

/** `1/128 titer` style ratios. */
export function ratioText(r: Ratio | undefined): string | undefined {
  const n = quantityText(r?.numerator);
  const d = quantityText(r?.denominator);
  return n && d ? `${n} / ${d}` : undefined;
}

/** Each note's text, with who wrote it and when if known. */
export function notesText(notes: readonly Annotation[] | undefined): string[] {
  return (notes ?? []).flatMap((n) => {
    const text = clean(n.text);
    if (!text) return [];
    const by = joined([clean(n.authorReference?.display) ?? clean(n.authorString), dateText(n.time)], ', ');
    return [by ? `${text} (${by})` : text];
  });
}

/** HumanName.text, else `prefix given family suffix`. */
function nameText(name: HumanName | undefined): string | undefined {
  return (
    clean(name?.text) ??
    joined([...(name?.prefix ?? []), ...(name?.given ?? []), name?.family, ...(name?.suffix ?? [])], ' ')
  );
}

/** The name to identify someone by: official, else usual, else any current one (not `old`). */
export function preferredName(names: readonly HumanName[] | undefined): string | undefined {
  const list = (names ?? []).filter((n) => n.use !== 'old' && nameText(n));
  const pick = list.find((n) => n.use === 'official') ?? list.find((n) => n.use === 'usual') ?? list[0];
  return nameText(pick);
}

/** Address.text, else its lines, `city, state postalCode`, country. */
export function addressText(a: Address | undefined): string | undefined {
  const place = joined([a?.city, joined([a?.state, a?.postalCode], ' ')], ', ');
  return clean(a?.text) ?? joined([...(a?.line ?? []), place, a?.country], ', ');
}

/** The current (not `old`) home address, else the first current one. */
export function preferredAddress(addresses: readonly Address[] | undefined): string | undefined {
  const list = (addresses ?? []).filter((a) => a.use !== 'old' && addressText(a));
  return addressText(list.find((a) => a.use === 'home') ?? list[0]);
}

/** Current phone, fax and email contacts as `Work phone: (03) 5555 6473` rows, by rank; `old` ones are left out. */
export function telecomRows(telecom: readonly ContactPoint[] | undefined): { label: string; value: string }[] {
  const kinds: Readonly<Record<string, string>> = { phone: 'phone', sms: 'phone', fax: 'Fax', email: 'Email' };
  return [...(telecom ?? [])]
    .filter((t) => t.use !== 'old' && clean(t.value) && t.system && kinds[t.system])
    .sort((a, b) => (a.rank ?? Number.MAX_SAFE_INTEGER) - (b.rank ?? Number.MAX_SAFE_INTEGER))
    .map((t) => {
      const kind = kinds[t.system as string] as string;
      const label = kind === 'phone' ? (humanize(joined([t.use, 'phone'], ' ')) as string) : kind;
      return { label, value: (t.value as string).trim() };
    });
}

const MEDICAL_RECORD = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** `MRN` for a v2-0203 `MR` identifier, else the identifier type's text, else `Identifier`. */
export function identifierLabel(id: Identifier): string {
  const isMrn = id.type?.coding?.some((c) => c.system === MEDICAL_RECORD && c.code === 'MR') === true;
  return isMrn ? 'MRN' : (statusText(id.type) ?? 'Identifier');
}

/** `12345 (Acme Healthcare)`: the value and who assigned it (or its system when no assigner is named). */
export function identifierText(id: Identifier | undefined): string | undefined {
  const value = clean(id?.value);
  if (!value) return undefined;
  const issuer = clean(id?.assigner?.display) ?? clean(id?.system);
  return issuer ? `${value} (${issuer})` : value;
}
