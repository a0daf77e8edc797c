/**
 * Medications prescribed to the demo population: RxNorm clinical drugs with a typical sig. RxCUIs and names are those
 * Synthea's medication cost table uses (itself drawn from RxNorm and NADAC), so they exist in RxNorm.
 */

/** Route of administration (SNOMED CT). */
export const ROUTE = {
  oral: ['26643006', 'Oral route'],
  subcutaneous: ['34206005', 'Subcutaneous route'],
  inhaled: ['447694001', 'Respiratory tract route'],
  sublingual: ['37839007', 'Sublingual route'],
  intramuscular: ['78421000', 'Intramuscular route'],
} as const;

/** A prescribable drug with its usual sig. */
export type MedicationDef = {
  rxnorm: string;
  display: string;
  sig: string;
  route: keyof typeof ROUTE;
  /** Administrations per `periodUnit`. */
  frequency: number;
  periodUnit: 'd' | 'wk' | 'mo';
  isAsNeeded?: boolean;
};

const med = (
  rxnorm: string,
  display: string,
  sig: string,
  route: keyof typeof ROUTE = 'oral',
  frequency = 1,
  periodUnit: 'd' | 'wk' | 'mo' = 'd',
  isAsNeeded = false,
): MedicationDef => ({ rxnorm, display, sig, route, frequency, periodUnit, ...(isAsNeeded ? { isAsNeeded } : {}) });

/** The formulary, by short key. */
export const MEDICATIONS = {
  lisinopril: med('314076', 'lisinopril 10 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  amlodipine: med('197361', 'amlodipine 5 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  hydrochlorothiazide: med('310798', 'hydrochlorothiazide 25 MG Oral Tablet', 'Take 1 tablet by mouth every morning'),
  losartan: med('979485', 'losartan potassium 25 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  atorvastatin: med('259255', 'atorvastatin 80 MG Oral Tablet', 'Take 1 tablet by mouth at bedtime'),
  simvastatin: med('312961', 'simvastatin 20 MG Oral Tablet', 'Take 1 tablet by mouth at bedtime'),
  metformin: med(
    '860975',
    '24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet',
    'Take 1 tablet by mouth once daily with the evening meal',
  ),
  canagliflozin: med(
    '1373463',
    'canagliflozin 100 MG Oral Tablet',
    'Take 1 tablet by mouth before the first meal of the day',
  ),
  liraglutide: med(
    '897122',
    '3 ML liraglutide 6 MG/ML Pen Injector',
    'Inject 1.2 mg under the skin once daily',
    'subcutaneous',
  ),
  insulin7030: med(
    '106892',
    'insulin isophane, human 70 UNT/ML / insulin regular, human 30 UNT/ML Injectable Suspension [Humulin]',
    'Inject 20 units under the skin twice daily before breakfast and supper',
    'subcutaneous',
    2,
  ),
  insulinLispro: med(
    '865098',
    'insulin lispro 100 UNT/ML Injectable Solution [Humalog]',
    'Inject under the skin with meals per correction scale',
    'subcutaneous',
    3,
  ),
  furosemide: med(
    '313988',
    'furosemide 40 MG Oral Tablet',
    'Take 1 tablet by mouth every morning; weigh yourself daily',
  ),
  metoprolol: med(
    '866414',
    '24 HR metoprolol succinate 100 MG Extended Release Oral Tablet [Toprol]',
    'Take 1 tablet by mouth once daily',
  ),
  aspirin: med('243670', 'aspirin 81 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  clopidogrel: med('309362', 'clopidogrel 75 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  nitroglycerin: med(
    '705129',
    'nitroglycerin 0.4 MG/ACTUAT Mucosal Spray',
    'Spray 1 dose under the tongue for chest pain; may repeat every 5 minutes up to 3 doses',
    'sublingual',
    3,
    'd',
    true,
  ),
  warfarin: med(
    '855332',
    'warfarin sodium 5 MG Oral Tablet',
    'Take 1 tablet by mouth in the evening; dose adjusted to INR',
  ),
  digoxin: med('197604', 'digoxin 0.125 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  fluticasoneSalmeterol: med(
    '896209',
    '60 ACTUAT fluticasone propionate 0.25 MG/ACTUAT / salmeterol 0.05 MG/ACTUAT Dry Powder Inhaler',
    'Inhale 1 puff twice daily; rinse mouth after use',
    'inhaled',
    2,
  ),
  albuterol: med(
    '2123111',
    'NDA020503 200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler',
    'Inhale 2 puffs every 4 to 6 hours as needed for wheezing or shortness of breath',
    'inhaled',
    6,
    'd',
    true,
  ),
  fluticasone: med(
    '895994',
    '120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler',
    'Inhale 2 puffs twice daily',
    'inhaled',
    2,
  ),
  sertraline: med('312938', 'sertraline 100 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  fluoxetine: med('310385', 'fluoxetine 20 MG Oral Capsule', 'Take 1 capsule by mouth every morning'),
  duloxetine: med('596926', 'duloxetine 20 MG Delayed Release Oral Capsule', 'Take 1 capsule by mouth once daily'),
  methylphenidate: med(
    '1091392',
    'methylphenidate hydrochloride 20 MG Oral Tablet',
    'Take 1 tablet by mouth every morning',
  ),
  naproxen: med(
    '849574',
    'naproxen sodium 220 MG Oral Tablet',
    'Take 1 tablet by mouth twice daily with food as needed for pain',
    'oral',
    2,
    'd',
    true,
  ),
  acetaminophen: med(
    '313782',
    'acetaminophen 325 MG Oral Tablet',
    'Take 2 tablets by mouth every 6 hours as needed for pain',
    'oral',
    4,
    'd',
    true,
  ),
  ibuprofen: med(
    '310965',
    'ibuprofen 200 MG Oral Tablet',
    'Take 2 tablets by mouth every 8 hours with food as needed for pain',
    'oral',
    3,
    'd',
    true,
  ),
  alendronate: med(
    '904419',
    'alendronic acid 10 MG Oral Tablet',
    'Take 1 tablet by mouth every morning with a full glass of water, 30 minutes before food',
  ),
  levothyroxine: med(
    '966222',
    'levothyroxine sodium 0.075 MG Oral Tablet',
    'Take 1 tablet by mouth every morning on an empty stomach',
  ),
  anastrozole: med('199224', 'anastrozole 1 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  letrozole: med('200064', 'letrozole 2.5 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  tamoxifen: med('198240', 'tamoxifen 10 MG Oral Tablet', 'Take 1 tablet by mouth twice daily', 'oral', 2),
  leuprolide: med(
    '752899',
    '0.25 ML leuprolide acetate 30 MG/ML Prefilled Syringe',
    'Inject 7.5 mg under the skin once a month',
    'subcutaneous',
    1,
    'mo',
  ),
  donepezil: med('997223', 'donepezil hydrochloride 10 MG Oral Tablet', 'Take 1 tablet by mouth at bedtime'),
  methotrexate: med(
    '105585',
    'methotrexate 2.5 MG Oral Tablet',
    'Take 3 tablets (7.5 mg) by mouth once weekly',
    'oral',
    1,
    'wk',
  ),
  hydroxychloroquine: med(
    '979092',
    'hydroxychloroquine sulfate 200 MG Oral Tablet',
    'Take 1 tablet by mouth twice daily',
    'oral',
    2,
  ),
  allopurinol: med('197319', 'allopurinol 100 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  loratadine: med(
    '311372',
    'loratadine 10 MG Oral Tablet',
    'Take 1 tablet by mouth once daily as needed for allergy symptoms',
    'oral',
    1,
    'd',
    true,
  ),
  cetirizine: med('1014678', 'cetirizine hydrochloride 10 MG Oral Tablet', 'Take 1 tablet by mouth once daily'),
  epinephrine: med(
    '1870230',
    'NDA020800 0.3 ML epinephrine 1 MG/ML Auto-Injector',
    'Inject into the outer thigh for severe allergic reaction; call 911',
    'intramuscular',
    1,
    'd',
    true,
  ),
  amoxicillinClavulanate: med(
    '562251',
    'amoxicillin 250 MG / clavulanate 125 MG Oral Tablet',
    'Take 1 tablet by mouth every 8 hours for 7 days',
    'oral',
    3,
  ),
  prednisone: med('312617', 'prednisone 5 MG Oral Tablet', 'Take 8 tablets (40 mg) by mouth once daily for 5 days'),
  oxycodoneAcetaminophen: med(
    '1049221',
    'acetaminophen 325 MG / oxycodone hydrochloride 5 MG Oral Tablet',
    'Take 1 tablet by mouth every 6 hours as needed for severe pain',
    'oral',
    4,
    'd',
    true,
  ),
  nitrofurantoin: med(
    '311995',
    'nitrofurantoin macrocrystals 50 MG Oral Capsule',
    'Take 1 capsule by mouth every 6 hours for 7 days',
    'oral',
    4,
  ),
} as const satisfies Record<string, MedicationDef>;

/** Key of {@link MEDICATIONS}. */
export type MedicationKey = keyof typeof MEDICATIONS;
