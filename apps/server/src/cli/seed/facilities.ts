import type { ClinicKey, SiteKey } from './geography.ts';
import type { Department } from './roster.ts';

/** Ids and names of the health system's organisations, locations, services and payers (all fixed). */

/** Organisation id of the parent health system. */
export const SYSTEM_ORG_ID = 'demo-org-system';

/** Organisation id per site. */
export const SITE_ORG_ID: Record<SiteKey, string> = {
  hospital: 'demo-org-hospital',
  heights: 'demo-org-clinic-heights',
  bellaire: 'demo-org-clinic-bellaire',
  'east-end': 'demo-org-clinic-east-end',
  'sugar-land': 'demo-org-clinic-sugar-land',
};

/** Display name of the health system. */
export const SYSTEM_NAME = 'Bayou City Health';

/** Display name per site. */
export const SITE_NAME: Record<SiteKey, string> = {
  hospital: 'Bayou City Medical Center',
  heights: 'Bayou City Health Heights Clinic',
  bellaire: 'Bayou City Health Bellaire Clinic',
  'east-end': 'Bayou City Health East End Clinic',
  'sugar-land': 'Bayou City Health Sugar Land Clinic',
};

/** A Location of the system. */
export type LocationDef = {
  id: string;
  name: string;
  site: SiteKey;
  /** v3 RoleCode (HL7 ServiceDeliveryLocationRoleType). */
  type: readonly [code: string, display: string];
  physicalType: readonly [code: 'bu' | 'wi' | 'wa' | 'ro', display: string];
  partOf?: string;
  /** Emergency and inpatient units never close; clinics keep office hours. */
  isAlwaysOpen: boolean;
};

const BUILDING = ['bu', 'Building'] as const;
const WING = ['wi', 'Wing'] as const;

/** Location id of a clinic building. */
export function clinicLocationId(clinic: ClinicKey): string {
  return `demo-loc-clinic-${clinic}`;
}

/** Hospital campus location id. */
export const HOSPITAL_LOCATION_ID = 'demo-loc-hospital';
/** Emergency department location id. */
export const ED_LOCATION_ID = 'demo-loc-ed';
/** Medical-surgical inpatient unit location id. */
export const INPATIENT_LOCATION_ID = 'demo-loc-unit-5w';

/** Every Location, parents before children. */
export const LOCATIONS: readonly LocationDef[] = [
  {
    id: HOSPITAL_LOCATION_ID,
    name: SITE_NAME.hospital,
    site: 'hospital',
    type: ['HOSP', 'Hospital'],
    physicalType: BUILDING,
    isAlwaysOpen: true,
  },
  {
    id: ED_LOCATION_ID,
    name: 'Emergency Department',
    site: 'hospital',
    type: ['ER', 'Emergency room'],
    physicalType: WING,
    partOf: HOSPITAL_LOCATION_ID,
    isAlwaysOpen: true,
  },
  {
    id: INPATIENT_LOCATION_ID,
    name: 'Medical-Surgical Unit 5 West',
    site: 'hospital',
    type: ['HU', 'Hospital unit'],
    physicalType: ['wa', 'Ward'],
    partOf: HOSPITAL_LOCATION_ID,
    isAlwaysOpen: true,
  },
  {
    id: 'demo-loc-heart',
    name: 'Heart & Vascular Clinic',
    site: 'hospital',
    type: ['CVDX', 'Cardiovascular diagnostics or therapeutics unit'],
    physicalType: WING,
    partOf: HOSPITAL_LOCATION_ID,
    isAlwaysOpen: false,
  },
  {
    id: 'demo-loc-cancer',
    name: 'Cancer Center',
    site: 'hospital',
    type: ['ONCL', 'Medical oncology clinic'],
    physicalType: WING,
    partOf: HOSPITAL_LOCATION_ID,
    isAlwaysOpen: false,
  },
  {
    id: 'demo-loc-ortho',
    name: 'Orthopedics & Sports Medicine',
    site: 'hospital',
    type: ['ORTHO', 'Orthopedics clinic'],
    physicalType: WING,
    partOf: HOSPITAL_LOCATION_ID,
    isAlwaysOpen: false,
  },
  {
    id: 'demo-loc-endo',
    name: 'Diabetes & Endocrinology Clinic',
    site: 'hospital',
    type: ['ENDO', 'Endocrinology clinic'],
    physicalType: WING,
    partOf: HOSPITAL_LOCATION_ID,
    isAlwaysOpen: false,
  },
  {
    id: 'demo-loc-rehab',
    name: 'Rehabilitation & Physical Therapy',
    site: 'hospital',
    type: ['RHU', 'Rehabilitation hospital unit'],
    physicalType: WING,
    partOf: HOSPITAL_LOCATION_ID,
    isAlwaysOpen: false,
  },
  {
    id: 'demo-loc-behavioral',
    name: 'Behavioral Health Clinic',
    site: 'hospital',
    type: ['PSY', 'Psychiatry clinic'],
    physicalType: WING,
    partOf: HOSPITAL_LOCATION_ID,
    isAlwaysOpen: false,
  },
  {
    id: clinicLocationId('heights'),
    name: SITE_NAME.heights,
    site: 'heights',
    type: ['PC', 'Primary care clinic'],
    physicalType: BUILDING,
    isAlwaysOpen: false,
  },
  {
    id: clinicLocationId('bellaire'),
    name: SITE_NAME.bellaire,
    site: 'bellaire',
    type: ['PC', 'Primary care clinic'],
    physicalType: BUILDING,
    isAlwaysOpen: false,
  },
  {
    id: clinicLocationId('east-end'),
    name: SITE_NAME['east-end'],
    site: 'east-end',
    type: ['PC', 'Primary care clinic'],
    physicalType: BUILDING,
    isAlwaysOpen: false,
  },
  {
    id: clinicLocationId('sugar-land'),
    name: SITE_NAME['sugar-land'],
    site: 'sugar-land',
    type: ['PC', 'Primary care clinic'],
    physicalType: BUILDING,
    isAlwaysOpen: false,
  },
];

/** The hospital location where each department sees patients. */
export const DEPARTMENT_LOCATION_ID: Record<Department, string> = {
  'primary-care': HOSPITAL_LOCATION_ID,
  cardiology: 'demo-loc-heart',
  oncology: 'demo-loc-cancer',
  orthopedics: 'demo-loc-ortho',
  endocrinology: 'demo-loc-endo',
  'physical-therapy': 'demo-loc-rehab',
  'behavioral-health': 'demo-loc-behavioral',
  emergency: ED_LOCATION_ID,
  'hospital-medicine': INPATIENT_LOCATION_ID,
  'care-coordination': HOSPITAL_LOCATION_ID,
};

/** Location where a roster member works at a site. */
export function workLocationId(department: Department, site: SiteKey): string {
  return site === 'hospital' ? DEPARTMENT_LOCATION_ID[department] : clinicLocationId(site);
}

/** HealthcareService id of a clinic's primary care. */
export function primaryCareServiceId(clinic: ClinicKey): string {
  return `demo-hs-primary-care-${clinic}`;
}

/** HealthcareService id per department (primary care is per clinic, see {@link primaryCareServiceId}). */
export const DEPARTMENT_SERVICE_ID: Record<Exclude<Department, 'primary-care'>, string> = {
  cardiology: 'demo-hs-cardiology',
  oncology: 'demo-hs-oncology',
  orthopedics: 'demo-hs-orthopedics',
  endocrinology: 'demo-hs-endocrinology',
  'physical-therapy': 'demo-hs-physical-therapy',
  'behavioral-health': 'demo-hs-behavioral-health',
  emergency: 'demo-hs-emergency',
  'hospital-medicine': 'demo-hs-inpatient',
  'care-coordination': 'demo-hs-care-coordination',
};

/** A hospital-based HealthcareService. */
export type ServiceDef = {
  department: Exclude<Department, 'primary-care'>;
  name: string;
  /** HL7 service-category code and display. */
  category: readonly [string, string];
  /** HL7 service-type codes and displays. */
  types: readonly (readonly [string, string])[];
};

/** Hospital-based services; their locations and languages come from the roster. */
export const HOSPITAL_SERVICES: readonly ServiceDef[] = [
  {
    department: 'cardiology',
    name: 'Cardiology',
    category: ['27', 'Specialist Medical'],
    types: [['165', 'Cardiology']],
  },
  {
    department: 'oncology',
    name: 'Medical Oncology',
    category: ['27', 'Specialist Medical'],
    types: [['175', 'Medical Oncology']],
  },
  {
    department: 'orthopedics',
    name: 'Orthopedic Surgery',
    category: ['31', 'Specialist Surgical'],
    types: [['218', 'Orthopaedic Surgery']],
  },
  {
    department: 'endocrinology',
    name: 'Endocrinology & Diabetes',
    category: ['27', 'Specialist Medical'],
    types: [['169', 'Endocrinology']],
  },
  {
    department: 'physical-therapy',
    name: 'Physical Therapy',
    category: ['34', 'Allied Health'],
    types: [['65', 'Physiotherapy']],
  },
  {
    department: 'behavioral-health',
    name: 'Behavioral Health',
    category: ['22', 'Mental Health'],
    types: [
      ['141', 'Psychiatry (Requires Referral)'],
      ['142', 'Psychology'],
    ],
  },
  {
    department: 'emergency',
    name: 'Emergency Department',
    category: ['14', 'Emergency Department'],
    types: [['117', 'Emergency Medical']],
  },
  {
    department: 'hospital-medicine',
    name: 'Inpatient Medicine',
    category: ['35', 'Hospital'],
    types: [['361', 'Hospital Services']],
  },
  {
    department: 'care-coordination',
    name: 'Care Coordination & Transitions',
    category: ['7', 'Community Health Care'],
    types: [
      ['279', 'Case Management'],
      ['362', 'Hospital To Home'],
    ],
  },
];

/** Kind of payer, which decides member-id format and who is eligible. */
export type PayerKind = 'medicare' | 'medicaid' | 'commercial';

/** A payer Organization. */
export type PayerDef = {
  id: string;
  name: string;
  kind: PayerKind;
  /** Source of Payment Typology code and display for Coverage.type. */
  sopt: readonly [string, string];
  plan: string;
  memberPrefix: string;
  phone: string;
};

/**
 * Payers. Medicare and Texas Medicaid are the real public programmes; the three commercial plans are invented, so demo
 * data never poses as a real insurer's member records.
 */
export const PAYERS: readonly PayerDef[] = [
  {
    id: 'demo-org-payer-medicare',
    name: 'Medicare',
    kind: 'medicare',
    sopt: ['1', 'MEDICARE'],
    plan: 'Original Medicare Part A and B',
    memberPrefix: '',
    phone: '800-555-0163',
  },
  {
    id: 'demo-org-payer-medicaid',
    name: 'Texas Medicaid',
    kind: 'medicaid',
    sopt: ['2', 'MEDICAID'],
    plan: 'STAR Medicaid Managed Care',
    memberPrefix: '',
    phone: '800-555-0164',
  },
  {
    id: 'demo-org-payer-gulf-coast',
    name: 'Gulf Coast Health Plan',
    kind: 'commercial',
    sopt: ['511', 'Commercial Managed Care - HMO'],
    plan: 'Gulf Coast HMO Silver',
    memberPrefix: 'GCH',
    phone: '888-555-0171',
  },
  {
    id: 'demo-org-payer-lone-star',
    name: 'Lone Star Mutual Health',
    kind: 'commercial',
    sopt: ['512', 'Commercial Managed Care - PPO'],
    plan: 'Lone Star PPO Choice',
    memberPrefix: 'LSM',
    phone: '888-555-0172',
  },
  {
    id: 'demo-org-payer-prairie',
    name: 'Prairie Benefit Partners',
    kind: 'commercial',
    sopt: ['512', 'Commercial Managed Care - PPO'],
    plan: 'Prairie PPO Gold',
    memberPrefix: 'PBP',
    phone: '888-555-0173',
  },
];

/** Payers by kind. */
export const PAYER_BY_KIND = {
  medicare: PAYERS[0] as PayerDef,
  medicaid: PAYERS[1] as PayerDef,
  commercial: PAYERS.slice(2),
} as const;
