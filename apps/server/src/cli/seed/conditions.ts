import type { MedicationKey } from './medications.ts';
import type { Department } from './roster.ts';

/**
 * Chronic conditions of the demo population with SNOMED CT and ICD-10-CM codes, approximate US prevalence by age and
 * sex (rounded from CDC NHANES/NHIS figures; good enough for realistic demo panels, not for epidemiology), and the
 * drugs usually prescribed for them.
 */

/** Sex as it affects prevalence. */
export type Sex = 'female' | 'male' | 'other';

/** Keys of the conditions a patient already has, so prevalence can depend on comorbidities. */
export type Comorbidities = ReadonlySet<string>;

/** A chronic condition. */
export type ConditionDef = {
  snomed: readonly [code: string, display: string];
  icd10: readonly [code: string, display: string];
  /** Probability that a patient of this age and sex, with these conditions already, has it. */
  prevalence: (age: number, sex: Sex, has: Comorbidities) => number;
  /** Youngest plausible age at onset, in years. */
  minOnsetAge: number;
  /** Medication regimens: each inner list is one alternative; the first regimen is the most common. */
  regimens: readonly (readonly MedicationKey[])[];
  /** Specialty that usually co-manages it, and how often. */
  specialist?: readonly [Department, number];
};

/** Piecewise-constant prevalence by minimum age: `[[0, p0], [18, p1], [40, p2]]`. */
function byAge(...steps: readonly (readonly [minAge: number, p: number])[]): (age: number) => number {
  return (age) => {
    let p = 0;
    for (const [minAge, value] of steps) if (age >= minAge) p = value;
    return p;
  };
}

const hypertensionByAge = byAge([0, 0.005], [18, 0.08], [40, 0.33], [60, 0.6]);
const lipidsByAge = byAge([0, 0.005], [18, 0.07], [40, 0.25], [60, 0.45]);
const diabetesByAge = byAge([0, 0.002], [18, 0.03], [40, 0.13], [60, 0.24]);
const ckdByAge = byAge([0, 0], [30, 0.01], [45, 0.05], [65, 0.14]);
const heartFailureByAge = byAge([0, 0], [40, 0.012], [65, 0.05], [80, 0.11]);
const cadByAge = byAge([0, 0], [35, 0.01], [45, 0.05], [65, 0.14]);
const afibByAge = byAge([0, 0], [50, 0.02], [65, 0.06], [80, 0.11]);
const copdByAge = byAge([0, 0], [40, 0.05], [65, 0.1]);
const kneeOaByAge = byAge([0, 0], [40, 0.08], [65, 0.22]);

/** The catalogue, in evaluation order: later conditions may depend on earlier ones. */
export const CONDITIONS = {
  obesity: {
    snomed: ['414916001', 'Obesity'],
    icd10: ['E66.9', 'Obesity, unspecified'],
    prevalence: (age) => (age < 2 ? 0 : age < 18 ? 0.17 : 0.36),
    minOnsetAge: 2,
    regimens: [[]],
  },
  diabetesType2: {
    snomed: ['44054006', 'Type 2 diabetes mellitus'],
    icd10: ['E11.9', 'Type 2 diabetes mellitus without complications'],
    prevalence: (age, _sex, has) => diabetesByAge(age) * (has.has('obesity') ? 1.8 : 0.7),
    minOnsetAge: 12,
    regimens: [
      ['metformin'],
      ['metformin', 'canagliflozin'],
      ['metformin', 'liraglutide'],
      ['metformin', 'insulin7030'],
    ],
    specialist: ['endocrinology', 0.25],
  },
  diabetesType1: {
    snomed: ['46635009', 'Type 1 diabetes mellitus'],
    icd10: ['E10.9', 'Type 1 diabetes mellitus without complications'],
    prevalence: (age, _sex, has) => (age < 1 || has.has('diabetesType2') ? 0 : 0.004),
    minOnsetAge: 1,
    regimens: [['insulinLispro']],
    specialist: ['endocrinology', 0.8],
  },
  hypertension: {
    snomed: ['38341003', 'Hypertension'],
    icd10: ['I10', 'Essential (primary) hypertension'],
    prevalence: (age, _sex, has) =>
      Math.min(0.9, hypertensionByAge(age) * (has.has('obesity') || has.has('diabetesType2') ? 1.5 : 1)),
    minOnsetAge: 18,
    regimens: [
      ['lisinopril'],
      ['amlodipine'],
      ['lisinopril', 'hydrochlorothiazide'],
      ['losartan'],
      ['amlodipine', 'losartan'],
    ],
  },
  hyperlipidemia: {
    snomed: ['55822004', 'Hyperlipidemia'],
    icd10: ['E78.5', 'Hyperlipidemia, unspecified'],
    prevalence: (age, _sex, has) => Math.min(0.85, lipidsByAge(age) * (has.has('diabetesType2') ? 1.6 : 1)),
    minOnsetAge: 18,
    regimens: [['atorvastatin'], ['simvastatin']],
  },
  coronaryArteryDisease: {
    snomed: ['53741008', 'Coronary arteriosclerosis'],
    icd10: ['I25.10', 'Atherosclerotic heart disease of native coronary artery without angina pectoris'],
    prevalence: (age, sex, has) =>
      cadByAge(age) * (sex === 'male' ? 1.3 : 0.75) * (has.has('diabetesType2') || has.has('hyperlipidemia') ? 1.7 : 1),
    minOnsetAge: 35,
    regimens: [
      ['aspirin', 'nitroglycerin'],
      ['aspirin', 'clopidogrel', 'nitroglycerin'],
    ],
    specialist: ['cardiology', 0.7],
  },
  atrialFibrillation: {
    snomed: ['49436004', 'Atrial fibrillation'],
    icd10: ['I48.91', 'Unspecified atrial fibrillation'],
    prevalence: (age, _sex, has) => afibByAge(age) * (has.has('hypertension') ? 1.4 : 1),
    minOnsetAge: 45,
    regimens: [['warfarin'], ['warfarin', 'digoxin'], ['warfarin', 'metoprolol']],
    specialist: ['cardiology', 0.8],
  },
  heartFailure: {
    snomed: ['84114007', 'Heart failure'],
    icd10: ['I50.9', 'Heart failure, unspecified'],
    prevalence: (age, _sex, has) =>
      heartFailureByAge(age) * (has.has('coronaryArteryDisease') || has.has('atrialFibrillation') ? 2.5 : 1),
    minOnsetAge: 40,
    regimens: [
      ['furosemide', 'metoprolol', 'lisinopril'],
      ['furosemide', 'metoprolol'],
    ],
    specialist: ['cardiology', 0.9],
  },
  chronicKidneyDisease: {
    snomed: ['433144002', 'Chronic kidney disease stage 3'],
    icd10: ['N18.30', 'Chronic kidney disease, stage 3 unspecified'],
    prevalence: (age, _sex, has) =>
      Math.min(0.5, ckdByAge(age) * (has.has('diabetesType2') || has.has('hypertension') ? 2 : 0.6)),
    minOnsetAge: 30,
    regimens: [[], ['losartan']],
  },
  copd: {
    snomed: ['13645005', 'Chronic obstructive lung disease'],
    icd10: ['J44.9', 'Chronic obstructive pulmonary disease, unspecified'],
    prevalence: (age) => copdByAge(age),
    minOnsetAge: 40,
    regimens: [['fluticasoneSalmeterol', 'albuterol']],
  },
  asthma: {
    snomed: ['195967001', 'Asthma'],
    icd10: ['J45.909', 'Unspecified asthma, uncomplicated'],
    prevalence: (age, _sex, has) => (age < 2 || has.has('copd') ? 0 : age < 18 ? 0.07 : 0.08),
    minOnsetAge: 2,
    regimens: [['albuterol'], ['albuterol', 'fluticasone']],
  },
  depression: {
    snomed: ['35489007', 'Depressive disorder'],
    icd10: ['F32.A', 'Depression, unspecified'],
    prevalence: (age, sex) => (age < 12 ? 0 : (age < 18 ? 0.06 : 0.08) * (sex === 'female' ? 1.4 : 0.7)),
    minOnsetAge: 12,
    regimens: [['sertraline'], ['fluoxetine'], ['duloxetine']],
    specialist: ['behavioral-health', 0.4],
  },
  anxiety: {
    snomed: ['197480006', 'Anxiety disorder'],
    icd10: ['F41.9', 'Anxiety disorder, unspecified'],
    prevalence: (age, sex) => (age < 8 ? 0 : 0.08 * (sex === 'female' ? 1.4 : 0.7)),
    minOnsetAge: 8,
    regimens: [[], ['sertraline']],
    specialist: ['behavioral-health', 0.3],
  },
  adhd: {
    snomed: ['406506008', 'Attention deficit hyperactivity disorder'],
    icd10: ['F90.9', 'Attention-deficit hyperactivity disorder, unspecified type'],
    prevalence: (age, sex) => (age < 5 ? 0 : age < 18 ? (sex === 'male' ? 0.12 : 0.05) : age < 40 ? 0.03 : 0),
    minOnsetAge: 5,
    regimens: [['methylphenidate']],
    specialist: ['behavioral-health', 0.3],
  },
  kneeOsteoarthritis: {
    snomed: ['239873007', 'Osteoarthritis of knee'],
    icd10: ['M17.9', 'Osteoarthritis of knee, unspecified'],
    prevalence: (age, _sex, has) => kneeOaByAge(age) * (has.has('obesity') ? 1.6 : 1),
    minOnsetAge: 40,
    regimens: [['naproxen'], ['acetaminophen']],
    specialist: ['orthopedics', 0.5],
  },
  lowBackPain: {
    snomed: ['279039007', 'Low back pain'],
    icd10: ['M54.50', 'Low back pain, unspecified'],
    prevalence: (age) => (age < 18 ? 0 : 0.07),
    minOnsetAge: 18,
    regimens: [['ibuprofen'], ['acetaminophen']],
    specialist: ['physical-therapy', 0.5],
  },
  osteoporosis: {
    snomed: ['64859006', 'Osteoporosis'],
    icd10: ['M81.0', 'Age-related osteoporosis without current pathological fracture'],
    prevalence: (age, sex) => (sex === 'female' ? (age >= 65 ? 0.25 : age >= 50 ? 0.1 : 0) : age >= 65 ? 0.04 : 0),
    minOnsetAge: 50,
    regimens: [['alendronate']],
  },
  hypothyroidism: {
    snomed: ['40930008', 'Hypothyroidism'],
    icd10: ['E03.9', 'Hypothyroidism, unspecified'],
    prevalence: (age, sex) => (age < 18 ? 0.002 : sex === 'female' ? 0.08 : 0.02),
    minOnsetAge: 10,
    regimens: [['levothyroxine']],
  },
  breastCancer: {
    snomed: ['254837009', 'Malignant neoplasm of breast'],
    icd10: ['C50.919', 'Malignant neoplasm of unspecified site of unspecified female breast'],
    prevalence: (age, sex) => (sex !== 'female' ? 0 : age >= 65 ? 0.035 : age >= 40 ? 0.015 : 0),
    minOnsetAge: 35,
    regimens: [['anastrozole'], ['letrozole'], ['tamoxifen']],
    specialist: ['oncology', 0.95],
  },
  prostateCancer: {
    snomed: ['399068003', 'Malignant tumor of prostate'],
    icd10: ['C61', 'Malignant neoplasm of prostate'],
    prevalence: (age, sex) => (sex !== 'male' ? 0 : age >= 65 ? 0.08 : age >= 50 ? 0.02 : 0),
    minOnsetAge: 45,
    regimens: [[], ['leuprolide']],
    specialist: ['oncology', 0.9],
  },
  colonCancer: {
    snomed: ['363406005', 'Malignant neoplasm of colon'],
    icd10: ['C18.9', 'Malignant neoplasm of colon, unspecified'],
    prevalence: (age) => (age >= 65 ? 0.012 : age >= 45 ? 0.005 : 0),
    minOnsetAge: 40,
    regimens: [[]],
    specialist: ['oncology', 0.95],
  },
  alzheimers: {
    snomed: ['26929004', "Alzheimer's disease"],
    icd10: ['G30.9', "Alzheimer's disease, unspecified"],
    prevalence: (age) => (age >= 80 ? 0.13 : age >= 65 ? 0.03 : 0),
    minOnsetAge: 60,
    regimens: [['donepezil']],
    specialist: ['behavioral-health', 0.2],
  },
  rheumatoidArthritis: {
    snomed: ['69896004', 'Rheumatoid arthritis'],
    icd10: ['M06.9', 'Rheumatoid arthritis, unspecified'],
    prevalence: (age, sex) => (age < 18 ? 0 : sex === 'female' ? 0.012 : 0.005),
    minOnsetAge: 20,
    regimens: [['methotrexate'], ['methotrexate', 'hydroxychloroquine']],
  },
  gout: {
    snomed: ['90560007', 'Gout'],
    icd10: ['M10.9', 'Gout, unspecified'],
    prevalence: (age, sex) => (sex === 'male' ? (age >= 40 ? 0.05 : 0) : age >= 60 ? 0.02 : 0),
    minOnsetAge: 30,
    regimens: [['allopurinol']],
  },
  allergicRhinitis: {
    snomed: ['367498001', 'Seasonal allergic rhinitis'],
    icd10: ['J30.2', 'Other seasonal allergic rhinitis'],
    prevalence: (age) => (age < 3 ? 0 : 0.1),
    minOnsetAge: 3,
    regimens: [['loratadine'], ['cetirizine']],
  },
} as const satisfies Record<string, ConditionDef>;

/** Key of {@link CONDITIONS}. */
export type ConditionKey = keyof typeof CONDITIONS;

/** Condition keys in evaluation order. */
export const CONDITION_KEYS = Object.keys(CONDITIONS) as ConditionKey[];
