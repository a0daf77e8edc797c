import type { LanguageCode } from './codes.ts';

/**
 * The demo health system lives in the Houston, Texas metro: one hospital campus near the Texas Medical Center and four
 * neighbourhood clinics. Houston is chosen because its patients speak many languages (Spanish, Vietnamese, Chinese,
 * Arabic, Urdu), which exercises interpreter and language-matching features. Street names, ZIP codes, cities and
 * coordinates are real; the organisations, street numbers and phone numbers are invented.
 */

/** A clinic site; patients are attached to the clinic nearest their ZIP code. */
export type ClinicKey = 'heights' | 'bellaire' | 'east-end' | 'sugar-land';

/** Every site of the system, including the hospital campus. */
export type SiteKey = 'hospital' | ClinicKey;

/** The clinic sites, in a fixed order. */
export const CLINICS: readonly ClinicKey[] = ['heights', 'bellaire', 'east-end', 'sugar-land'];

/** A postal address with coordinates. */
export type Place = {
  line: string;
  city: string;
  district: string;
  postalCode: string;
  latitude: number;
  longitude: number;
  /** Office phone; 555-01xx numbers are reserved for fiction, so no real line is ever dialled or texted. */
  phone: string;
};

/** The campus and clinic buildings. */
export const SITE_PLACES: Record<SiteKey, Place> = {
  hospital: {
    line: '6700 Almeda Rd',
    city: 'Houston',
    district: 'Harris County',
    postalCode: '77021',
    latitude: 29.7036,
    longitude: -95.3812,
    phone: '713-555-0100',
  },
  heights: {
    line: '1250 W 20th St',
    city: 'Houston',
    district: 'Harris County',
    postalCode: '77008',
    latitude: 29.8031,
    longitude: -95.4124,
    phone: '713-555-0110',
  },
  bellaire: {
    line: '9650 Bellaire Blvd',
    city: 'Houston',
    district: 'Harris County',
    postalCode: '77036',
    latitude: 29.7047,
    longitude: -95.5497,
    phone: '713-555-0120',
  },
  'east-end': {
    line: '5310 Navigation Blvd',
    city: 'Houston',
    district: 'Harris County',
    postalCode: '77011',
    latitude: 29.7533,
    longitude: -95.3188,
    phone: '713-555-0130',
  },
  'sugar-land': {
    line: '15810 Southwest Fwy',
    city: 'Sugar Land',
    district: 'Fort Bend County',
    postalCode: '77478',
    latitude: 29.6069,
    longitude: -95.6272,
    phone: '281-555-0140',
  },
};

/** A residential ZIP code with a few of its real streets. */
export type ZipArea = {
  postalCode: string;
  city: string;
  district: string;
  clinic: ClinicKey;
  streets: readonly string[];
};

/** Residential ZIP codes around each clinic. */
const ZIP_AREAS: readonly ZipArea[] = [
  {
    postalCode: '77008',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'heights',
    streets: ['Heights Blvd', 'Yale St', 'Studewood St', 'W 19th St', 'Ashland St'],
  },
  {
    postalCode: '77009',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'heights',
    streets: ['Airline Dr', 'Fulton St', 'Irvington Blvd', 'Cavalcade St'],
  },
  {
    postalCode: '77007',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'heights',
    streets: ['Washington Ave', 'Memorial Dr', 'Shepherd Dr', 'Durham Dr'],
  },
  {
    postalCode: '77018',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'heights',
    streets: ['Ella Blvd', 'W 34th St', 'T C Jester Blvd', 'Antoine Dr'],
  },
  {
    postalCode: '77022',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'heights',
    streets: ['Airline Dr', 'Tidwell Rd', 'Parker Rd'],
  },
  {
    postalCode: '77036',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'bellaire',
    streets: ['Bellaire Blvd', 'Beechnut St', 'Fondren Rd', 'Gessner Rd', 'Corporate Dr'],
  },
  {
    postalCode: '77072',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'bellaire',
    streets: ['Boone Rd', 'Beechnut St', 'Wilcrest Dr', 'Synott Rd'],
  },
  {
    postalCode: '77099',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'bellaire',
    streets: ['Bissonnet St', 'Cook Rd', 'Kirkwood Rd', 'Bellaire Blvd'],
  },
  {
    postalCode: '77074',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'bellaire',
    streets: ['Bissonnet St', 'Fondren Rd', 'Hillcroft Ave', 'Beechnut St'],
  },
  {
    postalCode: '77081',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'bellaire',
    streets: ['Hillcroft Ave', 'Renwick Dr', 'Chimney Rock Rd'],
  },
  {
    postalCode: '77401',
    city: 'Bellaire',
    district: 'Harris County',
    clinic: 'bellaire',
    streets: ['Bissonnet St', 'Evergreen St', 'S Rice Ave', 'Newcastle Dr'],
  },
  {
    postalCode: '77011',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'east-end',
    streets: ['Navigation Blvd', 'Harrisburg Blvd', 'Lyons Ave', 'Canal St'],
  },
  {
    postalCode: '77012',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'east-end',
    streets: ['Broadway St', 'Harrisburg Blvd', 'Manchester St'],
  },
  {
    postalCode: '77023',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'east-end',
    streets: ['Telephone Rd', 'Lawndale St', 'Wayside Dr', 'Sherman St'],
  },
  {
    postalCode: '77087',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'east-end',
    streets: ['Bellfort Ave', 'Telephone Rd', 'Park Place Blvd'],
  },
  {
    postalCode: '77003',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'east-end',
    streets: ['Navigation Blvd', 'Runnels St', 'Sampson St'],
  },
  {
    postalCode: '77021',
    city: 'Houston',
    district: 'Harris County',
    clinic: 'east-end',
    streets: ['Cullen Blvd', 'Old Spanish Trl', 'Martin Luther King Blvd'],
  },
  {
    postalCode: '77506',
    city: 'Pasadena',
    district: 'Harris County',
    clinic: 'east-end',
    streets: ['Shaver St', 'Richey St', 'Southmore Ave'],
  },
  {
    postalCode: '77587',
    city: 'South Houston',
    district: 'Harris County',
    clinic: 'east-end',
    streets: ['Spencer Hwy', 'Allen Genoa Rd', 'Avenue A'],
  },
  {
    postalCode: '77478',
    city: 'Sugar Land',
    district: 'Fort Bend County',
    clinic: 'sugar-land',
    streets: ['Dairy Ashford Rd', 'Lexington Blvd', 'Eldridge Rd'],
  },
  {
    postalCode: '77479',
    city: 'Sugar Land',
    district: 'Fort Bend County',
    clinic: 'sugar-land',
    streets: ['Williams Trace Blvd', 'Sweetwater Blvd', 'University Blvd'],
  },
  {
    postalCode: '77498',
    city: 'Sugar Land',
    district: 'Fort Bend County',
    clinic: 'sugar-land',
    streets: ['W Airport Blvd', 'Settlers Way Blvd', 'Brooks St'],
  },
  {
    postalCode: '77477',
    city: 'Stafford',
    district: 'Fort Bend County',
    clinic: 'sugar-land',
    streets: ['Cash Rd', 'Kirkwood Rd', 'Murphy Rd'],
  },
  {
    postalCode: '77489',
    city: 'Missouri City',
    district: 'Fort Bend County',
    clinic: 'sugar-land',
    streets: ['Cartwright Rd', 'Texas Pkwy', 'Court Rd'],
  },
  {
    postalCode: '77459',
    city: 'Missouri City',
    district: 'Fort Bend County',
    clinic: 'sugar-land',
    streets: ['Sienna Pkwy', 'Lake Olympia Pkwy', 'Vicksburg Blvd'],
  },
];

/** ZIP areas grouped by clinic, computed once. */
export const ZIP_AREAS_BY_CLINIC: Record<ClinicKey, readonly ZipArea[]> = {
  heights: ZIP_AREAS.filter((z) => z.clinic === 'heights'),
  bellaire: ZIP_AREAS.filter((z) => z.clinic === 'bellaire'),
  'east-end': ZIP_AREAS.filter((z) => z.clinic === 'east-end'),
  'sugar-land': ZIP_AREAS.filter((z) => z.clinic === 'sugar-land'),
};

/**
 * Where speakers of each language tend to live, as clinic weights. Houston's Vietnamese and Chinese communities
 * centre on Bellaire Blvd / Alief and Sugar Land, its long-established Hispanic neighbourhoods on the East End.
 */
export const CLINIC_WEIGHTS_BY_LANGUAGE: Record<LanguageCode, readonly (readonly [ClinicKey, number])[]> = {
  en: [
    ['heights', 35],
    ['bellaire', 20],
    ['east-end', 20],
    ['sugar-land', 25],
  ],
  es: [
    ['heights', 20],
    ['bellaire', 25],
    ['east-end', 45],
    ['sugar-land', 10],
  ],
  vi: [
    ['heights', 5],
    ['bellaire', 65],
    ['east-end', 5],
    ['sugar-land', 25],
  ],
  zh: [
    ['heights', 5],
    ['bellaire', 55],
    ['east-end', 5],
    ['sugar-land', 35],
  ],
  ar: [
    ['heights', 15],
    ['bellaire', 40],
    ['east-end', 5],
    ['sugar-land', 40],
  ],
  ur: [
    ['heights', 10],
    ['bellaire', 30],
    ['east-end', 5],
    ['sugar-land', 55],
  ],
};

/** Houston area codes, for patient phone numbers. */
export const AREA_CODES: readonly string[] = ['713', '281', '832', '346'];
