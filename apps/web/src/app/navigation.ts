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
];

/** The screens a user with these roles may open. */
export const navigationFor = (roles: readonly string[]): NavItem[] =>
  SCREENS.filter((s) => s.roles.some((r) => roles.includes(r)));
