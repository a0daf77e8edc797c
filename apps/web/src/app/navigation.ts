import type { appMessages } from './messages.ts';

/** A screen of the workbench, its name in the `app` catalogue's `nav`, and the roles it is for. */
export type NavItem = Readonly<{
  path: string;
  label: keyof (typeof appMessages)['en']['nav'];
  roles: readonly string[];
}>;

const STAFF = ['supervisor', 'care-coordinator', 'clinician'];

/** Every screen the workbench has, in menu order. */
const SCREENS: readonly NavItem[] = [
  { path: '/worklist', label: 'worklist', roles: STAFF },
  { path: '/patients', label: 'patients', roles: STAFF },
  { path: '/referrals', label: 'referrals', roles: STAFF },
  { path: '/schedule', label: 'calendar', roles: STAFF },
  { path: '/caseload', label: 'caseload', roles: ['supervisor'] },
  { path: '/administration/users', label: 'adminUsers', roles: ['administrator'] },
  { path: '/administration/audit', label: 'adminAudit', roles: ['administrator'] },
  { path: '/administration/break-glass', label: 'adminBreakGlass', roles: ['administrator', 'supervisor'] },
];

/** The screens a user with these roles may open. */
export const navigationFor = (roles: readonly string[]): NavItem[] =>
  SCREENS.filter((s) => s.roles.some((r) => roles.includes(r)));

/**
 * Whether an address belongs to one of the user's screens (`/patients/7/book` to Patients): an address of another
 * role's screen is not shown, even followed from a link or typed (the server refuses its data anyway).
 */
export const mayOpen = (path: string, roles: readonly string[]) =>
  navigationFor(roles).some((s) => path === s.path || path.startsWith(`${s.path}/`) || path.startsWith(`${s.path}?`));
