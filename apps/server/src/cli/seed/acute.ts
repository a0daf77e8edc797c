import type { ConditionKey } from './conditions.ts';
import type { MedicationKey } from './medications.ts';

/** Acute events of the demo population: reasons for emergency visits and admissions, and allergies. */

/** A SNOMED CT code and display. */
export type Snomed = readonly [code: string, display: string];

/** A reason for an emergency visit or admission, weighted by who is likely to have it. */
export type AcuteReason = {
  snomed: Snomed;
  /** Relative likelihood for this patient (0 = impossible). */
  weight: (age: number, has: ReadonlySet<ConditionKey>) => number;
  /** Medication started at discharge, for transitions-of-care reconciliation demos. */
  dischargeMedication?: MedicationKey;
};

/** Reasons for an emergency department visit that ends in discharge home. */
export const EMERGENCY_REASONS: readonly AcuteReason[] = [
  {
    snomed: ['29857009', 'Chest pain'],
    weight: (age, has) => (age < 18 ? 0.2 : has.has('coronaryArteryDisease') ? 5 : 2),
  },
  {
    snomed: ['267036007', 'Dyspnea'],
    weight: (age, has) => (has.has('copd') || has.has('heartFailure') || has.has('asthma') ? 5 : age < 18 ? 0.5 : 1),
  },
  { snomed: ['21522001', 'Abdominal pain'], weight: () => 3 },
  { snomed: ['386661006', 'Fever'], weight: (age) => (age < 5 ? 6 : 1) },
  { snomed: ['25064002', 'Headache'], weight: (age) => (age < 12 ? 0.5 : 2) },
  { snomed: ['44465007', 'Sprain of ankle'], weight: (age) => (age >= 10 && age < 50 ? 3 : 0.5) },
  { snomed: ['161891005', 'Backache'], weight: (age, has) => (age < 18 ? 0 : has.has('lowBackPain') ? 4 : 1) },
  {
    snomed: ['302866003', 'Hypoglycemia'],
    weight: (_age, has) => (has.has('diabetesType1') ? 6 : has.has('diabetesType2') ? 2 : 0),
  },
  { snomed: ['65363002', 'Otitis media'], weight: (age) => (age < 8 ? 5 : 0) },
];

/** Reasons for an inpatient admission. */
export const ADMISSION_REASONS: readonly AcuteReason[] = [
  {
    snomed: ['84114007', 'Heart failure'],
    weight: (_age, has) => (has.has('heartFailure') ? 12 : 0),
    dischargeMedication: 'furosemide',
  },
  {
    snomed: ['195951007', 'Acute exacerbation of chronic obstructive airways disease'],
    weight: (_age, has) => (has.has('copd') ? 10 : 0),
    dischargeMedication: 'prednisone',
  },
  {
    snomed: ['233604007', 'Pneumonia'],
    weight: (age) => (age >= 65 ? 5 : age < 5 ? 3 : 1.5),
    dischargeMedication: 'amoxicillinClavulanate',
  },
  {
    snomed: ['22298006', 'Myocardial infarction'],
    weight: (age, has) => (has.has('coronaryArteryDisease') ? 5 : age >= 45 ? 0.5 : 0),
    dischargeMedication: 'clopidogrel',
  },
  {
    snomed: ['230690007', 'Cerebrovascular accident'],
    weight: (age, has) => (has.has('atrialFibrillation') || has.has('hypertension') ? 2.5 : age >= 60 ? 0.5 : 0),
    dischargeMedication: 'clopidogrel',
  },
  {
    snomed: ['68566005', 'Urinary tract infectious disease'],
    weight: (age) => (age >= 70 ? 3 : 0.5),
    dischargeMedication: 'nitrofurantoin',
  },
  {
    snomed: ['128045006', 'Cellulitis'],
    weight: (age, has) => (age < 18 ? 0.3 : has.has('diabetesType2') ? 3 : 1),
    dischargeMedication: 'amoxicillinClavulanate',
  },
  { snomed: ['91302008', 'Sepsis'], weight: (age) => (age >= 65 ? 2 : 0.4) },
  {
    snomed: ['5913000', 'Fracture of neck of femur'],
    weight: (age, has) => (age < 60 ? 0 : has.has('osteoporosis') ? 5 : 1.5),
    dischargeMedication: 'oxycodoneAcetaminophen',
  },
  {
    snomed: ['80394007', 'Hyperglycemia'],
    weight: (_age, has) => (has.has('diabetesType1') || has.has('diabetesType2') ? 2 : 0),
  },
  {
    snomed: ['74400008', 'Appendicitis'],
    weight: (age) => (age >= 5 && age < 40 ? 3 : 0.3),
    dischargeMedication: 'acetaminophen',
  },
  { snomed: ['4120002', 'Bronchiolitis'], weight: (age) => (age < 2 ? 8 : 0) },
  {
    snomed: ['195967001', 'Asthma'],
    weight: (age, has) => (has.has('asthma') ? (age < 18 ? 6 : 2) : 0),
    dischargeMedication: 'prednisone',
  },
];

/** An allergy or intolerance. */
export type AllergyDef = {
  system: 'rxnorm' | 'snomed';
  code: string;
  display: string;
  category: 'food' | 'medication' | 'environment';
  /** Relative frequency in a US primary-care record. */
  weight: number;
  reactions: readonly Snomed[];
  isHighCriticality: boolean;
};

const HIVES: Snomed = ['247472004', 'Wheal'];
const RASH: Snomed = ['271807003', 'Eruption of skin'];
const ANAPHYLAXIS: Snomed = ['39579001', 'Anaphylaxis'];
const ANGIOEDEMA: Snomed = ['402387002', 'Allergic angioedema'];
const SNEEZING: Snomed = ['76067001', 'Sneezing'];
const RHINOCONJUNCTIVITIS: Snomed = ['878820003', 'Rhinoconjunctivitis'];

/** Allergens; codes and reactions follow Synthea's allergy modules. */
export const ALLERGIES: readonly AllergyDef[] = [
  {
    system: 'rxnorm',
    code: '7984',
    display: 'penicillin V',
    category: 'medication',
    weight: 10,
    reactions: [HIVES, RASH],
    isHighCriticality: false,
  },
  {
    system: 'rxnorm',
    code: '10831',
    display: 'sulfamethoxazole / trimethoprim',
    category: 'medication',
    weight: 4,
    reactions: [RASH],
    isHighCriticality: false,
  },
  {
    system: 'rxnorm',
    code: '1191',
    display: 'aspirin',
    category: 'medication',
    weight: 2,
    reactions: [HIVES, ANGIOEDEMA],
    isHighCriticality: false,
  },
  {
    system: 'rxnorm',
    code: '5640',
    display: 'ibuprofen',
    category: 'medication',
    weight: 1.5,
    reactions: [HIVES],
    isHighCriticality: false,
  },
  {
    system: 'rxnorm',
    code: '2231',
    display: 'cephalexin',
    category: 'medication',
    weight: 1.5,
    reactions: [RASH],
    isHighCriticality: false,
  },
  {
    system: 'snomed',
    code: '762952008',
    display: 'Peanut',
    category: 'food',
    weight: 1.5,
    reactions: [ANAPHYLAXIS, HIVES],
    isHighCriticality: true,
  },
  {
    system: 'snomed',
    code: '442571000124108',
    display: 'Tree nut',
    category: 'food',
    weight: 1,
    reactions: [ANGIOEDEMA, HIVES],
    isHighCriticality: true,
  },
  {
    system: 'snomed',
    code: '735971005',
    display: 'Fish',
    category: 'food',
    weight: 0.5,
    reactions: [RASH],
    isHighCriticality: false,
  },
  {
    system: 'snomed',
    code: '256277009',
    display: 'Grass pollen',
    category: 'environment',
    weight: 3,
    reactions: [SNEEZING, RHINOCONJUNCTIVITIS],
    isHighCriticality: false,
  },
  {
    system: 'snomed',
    code: '782576004',
    display: 'Tree pollen',
    category: 'environment',
    weight: 3,
    reactions: [SNEEZING, RHINOCONJUNCTIVITIS],
    isHighCriticality: false,
  },
  {
    system: 'snomed',
    code: '264287008',
    display: 'Animal dander',
    category: 'environment',
    weight: 2,
    reactions: [RHINOCONJUNCTIVITIS],
    isHighCriticality: false,
  },
  {
    system: 'snomed',
    code: '260147004',
    display: 'House dust mite',
    category: 'environment',
    weight: 2,
    reactions: [SNEEZING],
    isHighCriticality: false,
  },
  {
    system: 'snomed',
    code: '288328004',
    display: 'Bee venom',
    category: 'environment',
    weight: 0.7,
    reactions: [ANAPHYLAXIS],
    isHighCriticality: true,
  },
];

/** SNOMED CT "No known allergy (situation)": an explicit negative is better data than an empty list. */
export const NO_KNOWN_ALLERGY: Snomed = ['716186003', 'No known allergy'];
