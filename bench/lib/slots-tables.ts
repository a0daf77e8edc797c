/**
 * The reference tables of the `bench:slots` population (slots-data.ts draws from them): clinic sites around Houston,
 * payers, home ZIP codes with their centroids, and the working-hour patterns of practitioners, rooms and interpreters.
 */

/** Wall-clock hours on the ISO weekdays `days` (1 = Monday … 7 = Sunday). */
export type Rule = Readonly<{ days: readonly number[]; start: string; end: string }>;

/** The clinics, and the share of practitioners working at each. */
export const SITES: readonly Readonly<{
  id: string;
  name: string;
  latitude: number;
  longitude: number;
  share: number;
}>[] = [
  { id: 'bs-site-tmc', name: 'Medical Center Clinic', latitude: 29.7066, longitude: -95.398, share: 0.3 },
  { id: 'bs-site-heights', name: 'Heights Clinic', latitude: 29.7904, longitude: -95.3981, share: 0.18 },
  { id: 'bs-site-galleria', name: 'Galleria Clinic', latitude: 29.739, longitude: -95.464, share: 0.15 },
  { id: 'bs-site-memorial', name: 'Memorial City Clinic', latitude: 29.781, longitude: -95.542, share: 0.13 },
  { id: 'bs-site-clearlake', name: 'Clear Lake Clinic', latitude: 29.553, longitude: -95.1, share: 0.12 },
  { id: 'bs-site-cypress', name: 'Cypress Clinic', latitude: 29.969, longitude: -95.697, share: 0.12 },
];
export const PAYERS = [
  ['bs-payer-gulf', 'Gulf Health Plan', 0.35],
  ['bs-payer-lonestar', 'Lone Star Care', 0.25],
  ['bs-payer-bayou', 'Bayou Medicaid', 0.2],
  ['bs-payer-texan', 'Texan Medicare Advantage', 0.12],
] as const;
/**
 * Home ZIP codes in and around Houston with their centroids, as the `zipcodes` package (what `$find` looks homes up
 * in) has them: the baseline needs the same coordinates, and the bench must not depend on the server's packages.
 */
export const ZIPS: readonly (readonly [string, number, number])[] = [
  ['77002', 29.7594, -95.3594],
  ['77003', 29.7489, -95.3391],
  ['77004', 29.7247, -95.3625],
  ['77005', 29.7179, -95.4263],
  ['77006', 29.7409, -95.3923],
  ['77007', 29.7736, -95.4034],
  ['77008', 29.7991, -95.4118],
  ['77009', 29.7936, -95.3675],
  ['77019', 29.7517, -95.4054],
  ['77021', 29.6954, -95.3562],
  ['77025', 29.6889, -95.4341],
  ['77027', 29.7396, -95.446],
  ['77030', 29.7041, -95.401],
  ['77033', 29.6686, -95.3382],
  ['77036', 29.6984, -95.5405],
  ['77040', 29.8744, -95.5278],
  ['77042', 29.7404, -95.5589],
  ['77054', 29.6852, -95.4017],
  ['77056', 29.7446, -95.4683],
  ['77057', 29.7422, -95.4903],
  ['77063', 29.7348, -95.522],
  ['77074', 29.6896, -95.5106],
  ['77077', 29.7477, -95.603],
  ['77079', 29.7738, -95.598],
  ['77081', 29.7119, -95.4845],
  ['77084', 29.844, -95.6623],
  ['77088', 29.8817, -95.4539],
  ['77089', 29.594, -95.2218],
  ['77095', 29.8941, -95.6481],
  ['77099', 29.6709, -95.5866],
  ['77338', 30.0041, -95.2825],
  ['77373', 30.0532, -95.3773],
  ['77388', 30.0505, -95.4695],
  ['77429', 29.9766, -95.6358],
  ['77433', 29.8836, -95.7025],
  ['77449', 29.8323, -95.736],
  ['77459', 29.5704, -95.5423],
  ['77494', 29.7404, -95.8304],
  ['77521', 29.7705, -94.9695],
  ['77546', 29.5224, -95.1879],
  ['77573', 29.5173, -95.0963],
  ['77581', 29.5617, -95.2721],
  ['77584', 29.5405, -95.3208],
  ['77598', 29.5564, -95.144],
  ['77062', 29.5721, -95.1303],
  ['77058', 29.5716, -95.0998],
];

const ALL_WEEK = [1, 2, 3, 4, 5];
/** Working-hour patterns and how common each is. */
export const PATTERNS: readonly [number, (r: () => number) => Rule[]][] = [
  [0.6, () => [{ days: ALL_WEEK, start: '08:00', end: '17:00' }]],
  [
    0.1,
    () => [
      { days: [1, 2, 3, 4], start: '08:00', end: '17:00' },
      { days: [5], start: '08:00', end: '12:00' },
    ],
  ],
  [0.1, (r) => [{ days: ALL_WEEK.filter((d) => d !== 1 + Math.floor(r() * 5)), start: '08:00', end: '17:00' }]],
  [0.08, () => [{ days: ALL_WEEK, start: '07:00', end: '15:30' }]],
  [
    0.06,
    () => [
      { days: [1, 2, 4, 5], start: '08:00', end: '17:00' },
      { days: [3], start: '11:00', end: '19:00' },
    ],
  ],
  [
    0.06,
    () => [
      { days: [2, 3, 4, 5], start: '08:00', end: '17:00' },
      { days: [6], start: '08:00', end: '13:00' },
    ],
  ],
];
export const ROOM_RULES: readonly Rule[] = [
  { days: ALL_WEEK, start: '07:00', end: '20:00' },
  { days: [6], start: '08:00', end: '14:00' },
];
export const INTERPRETER_RULES: readonly Rule[] = [{ days: ALL_WEEK, start: '08:00', end: '17:00' }];

/** The value whose cumulative weight first exceeds `r` (0 ≤ r < 1): a weighted draw from a table. */
export function pick<T>(table: readonly (readonly [number, T])[], r: number): T {
  let acc = 0;
  for (const [weight, value] of table) {
    acc += weight;
    if (r < acc) return value;
  }
  return (table[table.length - 1] as readonly [number, T])[1];
}
