/** A screen of the workbench and the roles it is for. */
export type NavItem = Readonly<{ path: string; label: string; roles: readonly string[] }>;

const STAFF = ['supervisor', 'care-coordinator', 'clinician'];

/** Every screen the workbench has, in menu order. */
const SCREENS: readonly NavItem[] = [
  { path: '/worklist', label: 'My worklist', roles: STAFF },
  { path: '/patients', label: 'Patients', roles: STAFF },
  { path: '/referrals', label: 'Referrals', roles: STAFF },
];

/** The screens a user with these roles may open. */
export const navigationFor = (roles: readonly string[]): NavItem[] =>
  SCREENS.filter((s) => s.roles.some((r) => roles.includes(r)));
