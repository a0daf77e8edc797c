import type { Bundle, Coverage, Identifier, Patient } from '@medplum/fhirtypes';
import { invalid } from '../../platform/errors.ts';
import type { Store } from '../../platform/store/index.ts';
import { trigramSimilarity } from './domain/trigram.ts';

const MATCH_GRADE = 'http://hl7.org/fhir/StructureDefinition/match-grade';
type Grade = 'certain' | 'probable' | 'possible';

export type MatchOptions = Readonly<{ count: number; onlyCertainMatches: boolean }>;

const digits = (s: string | undefined) => (s ?? '').replace(/\D/g, '');
const phonesOf = (p: Patient) => (p.telecom ?? []).filter((t) => t.system === 'phone').map((t) => digits(t.value));
const familyOf = (p: Patient) => (p.name ?? []).map((n) => n.family ?? '').filter((f) => f !== '');
const givenOf = (p: Patient) => (p.name ?? []).flatMap((n) => n.given ?? []);

/** The best trigram similarity between any of `wanted` and any of `have`, 0 when either is empty. */
const best = (wanted: readonly string[], have: readonly string[]) =>
  Math.max(0, ...wanted.flatMap((w) => have.map((h) => trigramSimilarity(w, h))));

/**
 * The patient registry search (FHIR `Patient/$match`, R4 §patient-operation-match): candidates by identifier (MRN,
 * or a member id on a Coverage), typo-tolerant family and given names (trigram similarity over the index), birth
 * date and phone, among the patients the caller may see; each scored and graded: an identifier match is `certain`;
 * otherwise the score weighs name similarity 0.4, the same birth date 0.4 and the same phone digits 0.2 over the
 * criteria given (a name alone can score 1; a given name with a similarity under 0.3 and no phone in common rules a
 * candidate out). `probable` from 0.7 when at least two criteria were given (e.g. a
 * one-letter slip in the family name with the right given name and birth date), `possible` from 0.45, and weaker
 * candidates are left out.
 */
export async function matchPatients(store: Store, input: Patient, options: MatchOptions): Promise<Bundle<Patient>> {
  const family = familyOf(input);
  const given = givenOf(input);
  const phones = phonesOf(input).filter((p) => p.length >= 7);
  const identifiers = (input.identifier ?? []).filter((i): i is Identifier & { value: string } => !!i.value);
  if (!family.length && !given.length && !input.birthDate && !phones.length && !identifiers.length)
    throw invalid('Give at least a name, birth date, phone or identifier', 'resource');

  const ids = new Set<string>();
  const certain = new Set<string>();
  const search = async (type: string, query: Record<string, string>) =>
    (await store.search(type, new URLSearchParams({ ...query, _count: '100' }))).matches;
  for (const i of identifiers) {
    const token = i.system ? `${i.system}|${i.value}` : i.value;
    for (const p of await search('Patient', { identifier: token })) certain.add(p.id as string);
    for (const c of (await search('Coverage', { identifier: token })) as Coverage[]) {
      const ref = c.beneficiary?.reference;
      if (ref?.startsWith('Patient/')) certain.add(ref.slice(8));
    }
  }
  for (const id of certain) ids.add(id);
  for (const f of family) for (const s of await store.similar('Patient', 'family', f, 50)) ids.add(s.id);
  for (const g of given.slice(0, 2)) for (const s of await store.similar('Patient', 'given', g, 50)) ids.add(s.id);
  if (input.birthDate) for (const p of await search('Patient', { birthdate: input.birthDate })) ids.add(p.id as string);
  for (const phone of phones) for (const p of await search('Patient', { phone })) ids.add(p.id as string);

  const candidates: Patient[] = [];
  const list = [...ids];
  for (let i = 0; i < list.length; i += 100)
    candidates.push(...((await search('Patient', { _id: list.slice(i, i + 100).join(',') })) as Patient[]));

  const scored = candidates.flatMap((p) => {
    const id = p.id as string;
    if (certain.has(id)) return [{ patient: p, score: 1, grade: 'certain' as Grade }];
    const nameParts = [
      family.length ? best(family, familyOf(p)) : undefined,
      given.length ? best(given, givenOf(p)) : undefined,
    ];
    const known = nameParts.filter((x): x is number => x !== undefined);
    const name = known.length ? known.reduce((a, b) => a + b, 0) / known.length : 0;
    const born = p.birthDate === input.birthDate ? 1 : 0;
    const phone = phonesOf(p).some((x) => phones.includes(x)) ? 1 : 0;
    const parts = [
      ...(known.length ? [[0.4, name]] : []),
      ...(input.birthDate ? [[0.4, born]] : []),
      ...(phones.length ? [[0.2, phone]] : []),
    ] as [number, number][];
    const weight = parts.reduce((a, [w]) => a + w, 0);
    const score = Math.round((parts.reduce((a, [w, v]) => a + w * v, 0) / weight) * 1000) / 1000;
    // A name given but nothing like this patient's, and no phone in common: a birthday twin, not a match.
    if (known.length && name < 0.3 && !phone) return [];
    const grade: Grade | undefined =
      score >= 0.7 && parts.length >= 2 ? 'probable' : score >= 0.45 ? 'possible' : undefined;
    return grade && !options.onlyCertainMatches ? [{ patient: p, score, grade }] : [];
  });
  scored.sort((a, b) => b.score - a.score || (a.patient.id as string).localeCompare(b.patient.id as string));
  const page = scored.slice(0, options.count);
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: page.length,
    entry: page.map((m) => ({
      fullUrl: `Patient/${m.patient.id}`,
      resource: m.patient,
      search: { mode: 'match', score: m.score, extension: [{ url: MATCH_GRADE, valueCode: m.grade }] },
    })),
  };
}
