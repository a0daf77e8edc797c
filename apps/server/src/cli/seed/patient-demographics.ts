import type { Coverage, Patient, PatientContact } from '@medplum/fhirtypes';
import { concept, demoMeta, EXTENSION, type LanguageCode, languageConcept, SYSTEM } from './codes.ts';
import type { Sex } from './conditions.ts';
import { PAYER_BY_KIND, type PayerDef, SITE_NAME, SITE_ORG_ID, SYSTEM_NAME, SYSTEM_ORG_ID } from './facilities.ts';
import { AREA_CODES, CLINIC_WEIGHTS_BY_LANGUAGE, type ClinicKey, ZIP_AREAS_BY_CLINIC } from './geography.ts';
import { medicalRecordNumber, patientIds, ref } from './ids.ts';
import { asciiSlug, type NameSex } from './names.ts';
import { nextSeq, type PatientContext, type PatientDraft, STREAM, useStream } from './patient-context.ts';
import type { Rng } from './random.ts';
import { DAY_MS, formatDate, YEAR_MS } from './time.ts';

/** Age bands `[minAge, maxAgeExclusive, weight]`: a primary-care panel, a little older than the US population. */
const AGE_BANDS: readonly (readonly [number, number, number])[] = [
  [0, 1, 2],
  [1, 5, 5],
  [5, 18, 13],
  [18, 35, 18],
  [35, 50, 18],
  [50, 65, 20],
  [65, 80, 16],
  [80, 96, 8],
];
const AGE_BAND_CHOICES = AGE_BANDS.map((band) => [band, band[2]] as const);

/** Preferred language shares, roughly those of Harris County's adults (ACS language spoken at home). */
const LANGUAGE_WEIGHTS: readonly (readonly [LanguageCode, number])[] = [
  ['en', 60],
  ['es', 27],
  ['vi', 5],
  ['zh', 3.5],
  ['ar', 2.5],
  ['ur', 2],
];

/** The demographic part of a draft, before clinical facts and assignments. */
export type Demographics = Pick<
  PatientDraft,
  'birthMs' | 'age' | 'sex' | 'nameSex' | 'given' | 'family' | 'language' | 'needsInterpreter' | 'clinic'
>;

/** Draws who the patient is: age, sex, name, language and home clinic. */
export function drawDemographics(ctx: PatientContext, index: number): Demographics {
  const rng = useStream(ctx, index, STREAM.demographics);
  const [minAge, maxAge] = rng.weighted(AGE_BAND_CHOICES);
  const ageYears = rng.float(minAge, maxAge);
  // At least three days old: a newborn has been home long enough to have a record.
  const birthMs = ctx.nowMs - Math.max(3, Math.floor((ageYears * YEAR_MS) / DAY_MS)) * DAY_MS;
  const sex: Sex = rng.weighted([
    ['female', 50.5],
    ['male', 49],
    ['other', 0.5],
  ]);
  const nameSex: NameSex = sex === 'other' ? (rng.chance(0.5) ? 'female' : 'male') : sex;
  const language = rng.weighted(LANGUAGE_WEIGHTS);
  const clinic = rng.weighted(CLINIC_WEIGHTS_BY_LANGUAGE[language]);
  const { given, family } = ctx.names.name(language, nameSex);
  // Most patients who prefer another language want an interpreter; some bilingual patients simply prefer it.
  const needsInterpreter = language !== 'en' && rng.chance(0.8);
  return { birthMs, age: Math.floor(ageYears), sex, nameSex, given, family, language, needsInterpreter, clinic };
}

/** A fictional phone number: 555-0100 to 555-0199 are reserved for fiction in every North American area code. */
function phoneNumber(rng: Rng): string {
  return `${rng.pick(AREA_CODES)}-555-01${String(rng.int(0, 99)).padStart(2, '0')}`;
}

function homeAddress(rng: Rng, clinic: ClinicKey): NonNullable<Patient['address']>[number] {
  const area = rng.pick(ZIP_AREAS_BY_CLINIC[clinic]);
  const line = [`${rng.int(100, 19999)} ${rng.pick(area.streets)}`];
  if (rng.chance(0.22)) line.push(`Apt ${rng.int(1, 40)}${rng.pick(['', 'A', 'B', 'C'])}`);
  return {
    use: 'home',
    type: 'both',
    line,
    city: area.city,
    district: area.district,
    state: 'TX',
    postalCode: area.postalCode,
    country: 'US',
  };
}

function maritalStatus(rng: Rng, age: number): Patient['maritalStatus'] {
  if (age < 18) return undefined;
  const [code, display] = rng.weighted<readonly [string, string]>([
    [['S', 'Never Married'], age < 30 ? 60 : 18],
    [['M', 'Married'], age < 30 ? 30 : 52],
    [['D', 'Divorced'], age < 30 ? 5 : 14],
    [['W', 'Widowed'], age < 60 ? 1 : age < 80 ? 14 : 35],
    [['T', 'Domestic partner'], 4],
  ]);
  return concept(SYSTEM.v3MaritalStatus, code, display);
}

function emergencyContact(
  ctx: PatientContext,
  rng: Rng,
  d: Demographics,
  marital: string | undefined,
): PatientContact | undefined {
  let relation: readonly [string, string, NameSex];
  if (d.age < 18) relation = rng.chance(0.6) ? ['MTH', 'mother', 'female'] : ['FTH', 'father', 'male'];
  else if (marital === 'M' && rng.chance(0.8)) relation = ['SPS', 'spouse', d.nameSex === 'female' ? 'male' : 'female'];
  else if (d.age >= 65 && rng.chance(0.7)) relation = ['CHILD', 'child', rng.chance(0.5) ? 'female' : 'male'];
  else if (rng.chance(0.5)) relation = ['SIB', 'sibling', rng.chance(0.5) ? 'female' : 'male'];
  else return undefined;
  const [code, display, sex] = relation;
  return {
    relationship: [concept(SYSTEM.v2ContactRole, 'C', 'Emergency Contact'), concept(SYSTEM.v3RoleCode, code, display)],
    name: { use: 'usual', family: d.family, given: [ctx.names.givenName(d.language, sex)] },
    telecom: [{ system: 'phone', value: phoneNumber(rng), use: 'mobile' }],
    gender: sex,
  };
}

/** The Patient resource. */
export function buildPatient(ctx: PatientContext, draft: PatientDraft): Patient {
  const rng = useStream(ctx, draft.index, STREAM.demographics + 100);
  const marital = maritalStatus(rng, draft.age);
  const contact = emergencyContact(ctx, rng, draft, marital?.coding?.[0]?.code);
  const telecom: NonNullable<Patient['telecom']> = [
    { system: 'phone', value: phoneNumber(rng), use: draft.age >= 16 && rng.chance(0.8) ? 'mobile' : 'home', rank: 1 },
  ];
  const first = asciiSlug(draft.given[0] ?? '');
  if (draft.age >= 18 && first && rng.chance(0.6)) {
    const domain = rng.pick(['example.com', 'example.net', 'example.org']);
    telecom.push({
      system: 'email',
      value: `${first}.${asciiSlug(draft.family)}${rng.int(1, 99)}@${domain}`,
      use: 'home',
    });
  }
  const communication: NonNullable<Patient['communication']> = [
    { language: languageConcept(draft.language), preferred: true },
  ];
  if (draft.language !== 'en' && !draft.needsInterpreter)
    communication.push({ language: languageConcept('en'), preferred: false });
  return {
    resourceType: 'Patient',
    id: draft.id,
    meta: demoMeta(),
    ...(draft.language === 'en'
      ? {}
      : { extension: [{ url: EXTENSION.interpreterRequired, valueBoolean: draft.needsInterpreter }] }),
    identifier: [
      {
        use: 'usual',
        type: concept(SYSTEM.v2IdentifierType, 'MR', 'Medical record number'),
        system: SYSTEM.mrn,
        value: medicalRecordNumber(draft.index),
        assigner: ref('Organization', SYSTEM_ORG_ID, SYSTEM_NAME),
      },
    ],
    active: true,
    name: [{ use: 'official', family: draft.family, given: draft.given }],
    telecom,
    gender: draft.sex,
    birthDate: formatDate(draft.birthMs),
    address: [homeAddress(rng, draft.clinic)],
    ...(marital ? { maritalStatus: marital } : {}),
    ...(contact ? { contact: [contact] } : {}),
    communication,
    generalPractitioner: [
      ref(
        'Practitioner',
        draft.pcp.practitionerId,
        `${draft.pcp.given[0]} ${draft.pcp.family}, ${draft.pcp.credential}`,
      ),
    ],
    managingOrganization: ref('Organization', SITE_ORG_ID[draft.clinic], SITE_NAME[draft.clinic]),
  };
}

type CoveragePlan = 'medicare' | 'medicaid' | 'commercial' | 'self-pay';

/** Who pays, by age: Medicare from 65, Medicaid/CHIP for many children, Texas's high adult uninsured rate. */
function drawPlans(rng: Rng, age: number): readonly CoveragePlan[] {
  if (age >= 65) {
    return rng.weighted<readonly CoveragePlan[]>([
      [['medicare'], 62],
      [['medicare', 'medicaid'], 15],
      [['medicare', 'commercial'], 18],
      [['commercial'], 4],
      [['self-pay'], 1],
    ]);
  }
  if (age < 19)
    return rng.weighted<readonly CoveragePlan[]>([
      [['medicaid'], 45],
      [['commercial'], 47],
      [['self-pay'], 8],
    ]);
  return rng.weighted<readonly CoveragePlan[]>([
    [['commercial'], 58],
    [['medicaid'], 17],
    [['medicare'], 3],
    [['self-pay'], 22],
  ]);
}

// Medicare Beneficiary Identifier alphabet: CMS excludes S, L, O, I, B and Z.
const MBI_LETTERS = 'ACDEFGHJKMNPQRTUVWXY';
const DIGITS = '0123456789';

/** A Medicare Beneficiary Identifier in CMS's 11-character format (C A AN N A AN N A A N N). */
function medicareId(rng: Rng): string {
  const alnum = MBI_LETTERS + DIGITS;
  const pattern = [
    DIGITS.slice(1),
    MBI_LETTERS,
    alnum,
    DIGITS,
    MBI_LETTERS,
    alnum,
    DIGITS,
    MBI_LETTERS,
    MBI_LETTERS,
    DIGITS,
    DIGITS,
  ];
  return pattern.map((chars) => chars[rng.int(0, chars.length - 1)]).join('');
}

function digits(rng: Rng, n: number): string {
  let s = String(rng.int(1, 9));
  while (s.length < n) s += String(rng.int(0, 9));
  return s;
}

function memberIdentifier(payer: PayerDef, value: string): NonNullable<Coverage['identifier']>[number] {
  const system =
    payer.kind === 'medicare'
      ? 'http://hl7.org/fhir/sid/us-mbi'
      : `https://careloop.dev/fhir/sid/member-id/${payer.id.replace('demo-org-payer-', '')}`;
  return { use: 'official', type: concept(SYSTEM.v2IdentifierType, 'MB', 'Member Number'), system, value };
}

/** The patient's Coverage resources, in coordination-of-benefits order. */
export function buildCoverages(ctx: PatientContext, draft: PatientDraft): Coverage[] {
  const rng = useStream(ctx, draft.index, STREAM.coverage);
  const patientRef = ref('Patient', draft.id);
  return drawPlans(rng, draft.age).map((plan, i): Coverage => {
    const id = patientIds.coverage(draft.index, nextSeq(draft, 'coverage'));
    const yearsBack = Math.min(draft.age, rng.int(1, 8));
    const start = formatDate(Math.max(draft.birthMs, ctx.nowMs - yearsBack * YEAR_MS - rng.int(0, 200) * DAY_MS));
    if (plan === 'self-pay') {
      return {
        resourceType: 'Coverage',
        id,
        meta: demoMeta(),
        status: 'active',
        type: concept(SYSTEM.sopt, '81', 'Self-pay'),
        beneficiary: patientRef,
        relationship: concept(SYSTEM.subscriberRelationship, 'self', 'Self'),
        period: { start },
        payor: [patientRef],
      };
    }
    const payer = plan === 'commercial' ? rng.pick(PAYER_BY_KIND.commercial) : PAYER_BY_KIND[plan];
    const memberId =
      payer.kind === 'medicare'
        ? medicareId(rng)
        : payer.kind === 'medicaid'
          ? digits(rng, 9)
          : `${payer.memberPrefix}${digits(rng, 9)}`;
    const isDependent = payer.kind === 'commercial' && draft.age < 26 && rng.chance(draft.age < 19 ? 0.95 : 0.5);
    const classes: NonNullable<Coverage['class']> = [
      {
        type: concept(SYSTEM.coverageClass, 'plan', 'Plan'),
        value: payer.id.replace('demo-org-payer-', '').toUpperCase(),
        name: payer.plan,
      },
    ];
    if (payer.kind === 'commercial') {
      classes.unshift({
        type: concept(SYSTEM.coverageClass, 'group', 'Group'),
        value: `GRP${digits(rng, 5)}`,
        name: 'Employer group',
      });
    }
    return {
      resourceType: 'Coverage',
      id,
      meta: demoMeta(),
      identifier: [memberIdentifier(payer, memberId)],
      status: 'active',
      type: concept(SYSTEM.sopt, payer.sopt[0], payer.sopt[1]),
      subscriberId: memberId,
      beneficiary: patientRef,
      ...(isDependent ? { dependent: '01' } : {}),
      relationship: isDependent
        ? concept(SYSTEM.subscriberRelationship, 'child', 'Child')
        : concept(SYSTEM.subscriberRelationship, 'self', 'Self'),
      period: { start },
      payor: [ref('Organization', payer.id, payer.name)],
      class: classes,
      order: i + 1,
    };
  });
}
