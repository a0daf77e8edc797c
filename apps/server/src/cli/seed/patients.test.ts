import type {
  CareTeam,
  Coverage,
  Encounter,
  Flag,
  Patient,
  PractitionerRole,
  Resource,
  Task,
} from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { DEMO_TAG, EXTENSION, SYSTEM } from './codes.ts';
import { generateOrganizationResources } from './organization.ts';
import { generatePatients } from './patients.ts';

const NOW = new Date('2026-03-15T15:00:00Z');
const DAY = 86_400_000;
const SEED = 42;
const N = 2000;

const population = [...generatePatients({ count: N, seed: SEED, now: NOW })];
const organization = generateOrganizationResources({ seed: SEED });

function patientOf(bundle: Resource[]): Patient {
  const p = bundle[0];
  if (p?.resourceType !== 'Patient') throw new Error('first resource of a bundle must be the Patient');
  return p;
}

function ageAt(p: Patient, now: Date): number {
  return (now.getTime() - Date.parse(p.birthDate ?? '')) / (365.2425 * DAY);
}

function fraction<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  return items.filter(predicate).length / items.length;
}

/** Every `reference` string anywhere inside a resource. */
function referencesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) referencesIn(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'reference' && typeof v === 'string') out.push(v);
      else referencesIn(v, out);
    }
  }
  return out;
}

/** Every date or date-time string with a time part. */
function dateTimesIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) dateTimesIn(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) dateTimesIn(v, out);
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2})?$/.test(value))
    out.push(value);
  return out;
}

describe('generatePatients: determinism and identity', () => {
  test('the same seed and now give byte-identical output', () => {
    const again = [...generatePatients({ count: 200, seed: SEED, now: NOW })];
    expect(JSON.stringify(again)).toBe(JSON.stringify(population.slice(0, 200)));
  });

  test('a patient depends only on (seed, index): a slice from startIndex equals the same slice of a full run', () => {
    const slice = [...generatePatients({ count: 50, seed: SEED, now: NOW, startIndex: 1234 })];
    expect(JSON.stringify(slice)).toBe(JSON.stringify(population.slice(1234, 1284)));
  });

  test('interleaving two generators does not disturb either', () => {
    const a = generatePatients({ count: 20, seed: SEED, now: NOW });
    const b = generatePatients({ count: 20, seed: 99, now: NOW });
    const fromA: Resource[][] = [];
    for (let i = 0; i < 20; i++) {
      fromA.push(a.next().value as Resource[]);
      b.next();
    }
    expect(JSON.stringify(fromA)).toBe(JSON.stringify(population.slice(0, 20)));
  });

  test('another seed gives other people', () => {
    const other = [...generatePatients({ count: 20, seed: SEED + 1, now: NOW })];
    expect(other.map((b) => patientOf(b).name)).not.toEqual(population.slice(0, 20).map((b) => patientOf(b).name));
  });

  test('every resource has a stable, unique, well-formed id', () => {
    const keys = population.flat().map((r) => `${r.resourceType}/${r.id}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(population.flat().filter((r) => !/^demo-[a-z]+-\d{6}(-\d+)?$/.test(r.id ?? ''))).toEqual([]);
    expect(patientOf(population[123] ?? []).id).toBe('demo-pat-000123');
  });

  test('every resource is tagged as test data', () => {
    const untagged = [...organization, ...population.flat()].filter(
      (r) => !r.meta?.tag?.some((t) => t.system === DEMO_TAG.system && t.code === DEMO_TAG.code),
    );
    expect(untagged).toEqual([]);
  });

  test('MRNs are unique and typed MR', () => {
    const mrns = population.map((b) => patientOf(b).identifier?.find((i) => i.system === SYSTEM.mrn));
    for (const mrn of mrns) expect(mrn?.type?.coding?.[0]?.code).toBe('MR');
    expect(new Set(mrns.map((m) => m?.value)).size).toBe(N);
  });

  test('rejects invalid options', () => {
    expect(() => generatePatients({ count: -1, seed: 1, now: NOW }).next()).toThrow(RangeError);
    expect(() => generatePatients({ count: 1, seed: 1, now: new Date(Number.NaN) }).next()).toThrow(RangeError);
  });
});

describe('generatePatients: references and time', () => {
  test('every reference is relative and resolves within the organisation plus the patient population', () => {
    const known = new Set([...organization, ...population.flat()].map((r) => `${r.resourceType}/${r.id}`));
    const refs = [...organization, ...population.flat()].flatMap((r) => referencesIn(r));
    expect(refs.length).toBeGreaterThan(N * 10);
    expect(refs.filter((ref) => !known.has(ref))).toEqual([]);
    expect(refs.filter((ref) => !/^[A-Z][A-Za-z]+\/[A-Za-z0-9\-.]{1,64}$/.test(ref))).toEqual([]);
  });

  test('a patient only references its own resources, never another patient’s', () => {
    for (const bundle of population.slice(0, 300)) {
      const own = patientOf(bundle).id ?? '';
      const key = own.replace('demo-pat-', '');
      const foreign = bundle
        .flatMap((r) => referencesIn(r))
        .filter(
          (ref) =>
            /^(Patient|Condition|Encounter|Observation|MedicationRequest|Coverage)\//.test(ref) && !ref.includes(key),
        );
      expect(foreign).toEqual([]);
    }
  });

  test('nothing happens after now, and every period ends after it starts', () => {
    const resources = population.flat();
    const times = resources.flatMap((r) => dateTimesIn(r));
    expect(times.length).toBeGreaterThan(N * 10);
    expect(times.filter((t) => !(Date.parse(t) <= NOW.getTime()))).toEqual([]);
    const backwards = resources.filter(
      (r) => r.resourceType === 'Encounter' && !(Date.parse(r.period?.end ?? '') > Date.parse(r.period?.start ?? '')),
    );
    expect(backwards).toEqual([]);
  });
});

describe('generatePatients: realism', () => {
  const patients = population.map(patientOf);

  test('ages range from newborns to 95, with children and older adults well represented', () => {
    const ages = patients.map((p) => ageAt(p, NOW));
    expect(Math.min(...ages)).toBeLessThan(0.1);
    expect(Math.max(...ages)).toBeGreaterThan(90);
    expect(Math.max(...ages)).toBeLessThan(96);
    expect(fraction(ages, (a) => a < 18)).toBeGreaterThan(0.12);
    expect(fraction(ages, (a) => a < 18)).toBeLessThan(0.28);
    expect(fraction(ages, (a) => a >= 65)).toBeGreaterThan(0.15);
    expect(fraction(ages, (a) => a >= 65)).toBeLessThan(0.32);
  });

  test('preferred languages vary; non-English speakers carry the interpreter-required extension', () => {
    const preferred = patients.map((p) => p.communication?.find((c) => c.preferred)?.language.coding?.[0]?.code);
    expect(fraction(preferred, (l) => l === 'en')).toBeGreaterThan(0.5);
    expect(fraction(preferred, (l) => l === 'en')).toBeLessThan(0.7);
    expect(fraction(preferred, (l) => l === 'es')).toBeGreaterThan(0.18);
    expect(new Set(preferred).size).toBeGreaterThanOrEqual(5);
    for (const p of patients) {
      const lang = p.communication?.find((c) => c.preferred)?.language.coding?.[0]?.code;
      const interpreter = p.extension?.find((e) => e.url === EXTENSION.interpreterRequired);
      if (lang === 'en') expect(interpreter).toBeUndefined();
      else expect(typeof interpreter?.valueBoolean).toBe('boolean');
    }
    const nonEnglish = patients.filter((p) => p.extension?.some((e) => e.url === EXTENSION.interpreterRequired));
    expect(fraction(nonEnglish, (p) => p.extension?.[0]?.valueBoolean === true)).toBeGreaterThan(0.6);
  });

  test('insurance varies with age: Medicare for older adults, Medicaid for many children, some uninsured', () => {
    const kinds = population.map((b) => ({
      age: ageAt(patientOf(b), NOW),
      types: b.filter((r): r is Coverage => r.resourceType === 'Coverage').map((c) => c.type?.coding?.[0]?.code),
    }));
    for (const k of kinds) expect(k.types.length).toBeGreaterThan(0);
    const seniors = kinds.filter((k) => k.age >= 65);
    const children = kinds.filter((k) => k.age < 18);
    expect(fraction(seniors, (k) => k.types.includes('1'))).toBeGreaterThan(0.85);
    expect(fraction(children, (k) => k.types.includes('2'))).toBeGreaterThan(0.3);
    expect(fraction(kinds, (k) => k.types.includes('81'))).toBeGreaterThan(0.05);
    expect(fraction(kinds, (k) => k.types.some((t) => t === '511' || t === '512'))).toBeGreaterThan(0.3);
  });

  test('about one patient in ten was discharged from an inpatient stay in the last 30 days', () => {
    const recent = population.filter((b) =>
      b.some((r) => {
        if (r.resourceType !== 'Encounter' || r.class.code !== 'IMP') return false;
        const sinceDischarge = NOW.getTime() - Date.parse(r.period?.end ?? '');
        return sinceDischarge >= 0 && sinceDischarge <= 30 * DAY;
      }),
    );
    expect(recent.length / N).toBeGreaterThan(0.075);
    expect(recent.length / N).toBeLessThan(0.125);
    for (const bundle of recent) {
      const stay = bundle.find((r): r is Encounter => r.resourceType === 'Encounter' && r.class.code === 'IMP');
      expect(stay?.hospitalization?.dischargeDisposition?.coding?.[0]?.system).toBe(SYSTEM.dischargeDisposition);
    }
  });

  test('emergency visits and ambulatory visits are present', () => {
    const classes = population
      .flat()
      .filter((r): r is Encounter => r.resourceType === 'Encounter')
      .map((e) => e.class.code);
    expect(fraction(classes, (c) => c === 'AMB')).toBeGreaterThan(0.6);
    expect(classes.filter((c) => c === 'EMER').length).toBeGreaterThan(N * 0.08);
  });

  test('conditions follow age: hypertension is common in older adults and rare in children', () => {
    const withHtn = (b: Resource[]) =>
      b.some((r) => r.resourceType === 'Condition' && r.code?.coding?.some((c) => c.code === '38341003'));
    const seniors = population.filter((b) => ageAt(patientOf(b), NOW) >= 65);
    const children = population.filter((b) => ageAt(patientOf(b), NOW) < 18);
    expect(fraction(seniors, withHtn)).toBeGreaterThan(0.45);
    expect(fraction(children, withHtn)).toBeLessThan(0.03);
  });

  test('every diabetic has metformin or insulin prescribed', () => {
    const diabetic = population.filter((b) =>
      b.some((r) => r.resourceType === 'Condition' && r.code?.coding?.some((c) => c.code === '44054006')),
    );
    expect(diabetic.length).toBeGreaterThan(50);
    for (const b of diabetic) {
      const rx = b.flatMap((r) =>
        r.resourceType === 'MedicationRequest' ? (r.medicationCodeableConcept?.coding ?? []) : [],
      );
      expect(rx.some((c) => c.code === '860975')).toBe(true);
    }
  });

  test('a few patients, mostly the oldest, need a ride: an active transport Flag about them', () => {
    const withRide = population.filter((b) =>
      b.some(
        (r): r is Flag =>
          r.resourceType === 'Flag' &&
          r.status === 'active' &&
          r.code.coding?.[0]?.system === SYSTEM.patientNeed &&
          r.code.coding?.[0]?.code === 'transport' &&
          r.subject.reference === `Patient/${patientOf(b).id}`,
      ),
    );
    expect(withRide.length / N).toBeGreaterThan(0.02);
    expect(withRide.length / N).toBeLessThan(0.12);
    const old = population.filter((b) => ageAt(patientOf(b), NOW) >= 80);
    expect(fraction(old, (b) => withRide.includes(b))).toBeGreaterThan(withRide.length / N);
  });

  test('each care team has the PCP and a care coordinator from the staff roster', () => {
    const coordinators = new Set(
      organization
        .filter((r): r is PractitionerRole => r.resourceType === 'PractitionerRole')
        .filter((r) =>
          r.code?.some((c) => c.coding?.some((x) => x.system === SYSTEM.staffRole && x.code === 'care-coordinator')),
        )
        .map((r) => r.practitioner?.reference),
    );
    for (const bundle of population) {
      const team = bundle.find((r): r is CareTeam => r.resourceType === 'CareTeam');
      const coordinator = team?.participant?.find((p) =>
        p.role?.some((c) => c.coding?.some((x) => x.system === SYSTEM.staffRole && x.code === 'care-coordinator')),
      );
      expect(coordinators).toContain(coordinator?.member?.reference);
      const pcp = patientOf(bundle).generalPractitioner?.[0]?.reference;
      expect(team?.participant?.some((p) => p.member?.reference === pcp)).toBe(true);
    }
  });
});

describe('the worklist of the demo population', () => {
  const tasks = population.flatMap((b) => b.filter((r): r is Task => r.resourceType === 'Task'));

  test('every discharge of the last two weeks has a TCM follow-up call due within 2 business days', () => {
    for (const bundle of population) {
      const recent = bundle.filter(
        (r): r is Encounter =>
          r.resourceType === 'Encounter' &&
          r.class?.code === 'IMP' &&
          Date.parse(r.period?.end ?? '') > NOW.getTime() - 14 * DAY,
      );
      const calls = bundle.filter(
        (r): r is Task => r.resourceType === 'Task' && r.code?.coding?.[0]?.code === 'follow-up-call',
      );
      expect(calls.length).toBe(recent.length);
      for (const call of calls) {
        const rule = call.extension?.[0]?.extension?.find((x) => x.url === 'rule')?.valueCode;
        expect(rule).toBe('tcm-interactive-contact');
        const due = Date.parse(call.restriction?.period?.end ?? '');
        const authored = Date.parse(call.authoredOn ?? '');
        // Two business days after discharge: at least two, at most six calendar days (weekend and a holiday).
        expect(due - authored).toBeGreaterThan(1.5 * DAY);
        expect(due - authored).toBeLessThan(6 * DAY);
      }
    }
  });

  test('there is work of several kinds, claimed, unclaimed and done, each for its own patient', () => {
    const kinds = new Set(tasks.map((t) => t.code?.coding?.[0]?.code));
    expect(kinds.size).toBeGreaterThanOrEqual(5);
    const statuses = new Set(tasks.map((t) => t.status));
    expect([...statuses].sort()).toEqual(['completed', 'in-progress', 'requested']);
    expect(tasks.every((t) => (t.status === 'requested') === (t.owner === undefined))).toBe(true);
    expect(new Set(tasks.map((t) => t.id)).size).toBe(tasks.length);
  });
});
