import type { Language } from '../lib/i18n.ts';
import { adminMessages } from '../modules/admin/messages.ts';
import { caseloadMessages } from '../modules/caseload/messages.ts';
import { patientsMessages } from '../modules/patients/messages.ts';
import { referralsMessages } from '../modules/referrals/messages.ts';
import { schedulingMessages } from '../modules/scheduling/messages.ts';
import { worklistMessages } from '../modules/worklist/messages.ts';
import { appMessages } from './messages.ts';

/** Every module's catalogue, one i18next namespace each; a new module adds its line here. */
export const catalogues = {
  app: appMessages,
  admin: adminMessages,
  caseload: caseloadMessages,
  patients: patientsMessages,
  referrals: referralsMessages,
  scheduling: schedulingMessages,
  worklist: worklistMessages,
};

export type Namespaces = typeof catalogues;

/** One language's texts, namespace by namespace, as i18next takes them. */
export const resourcesFor = (lng: Language) =>
  Object.fromEntries(Object.entries(catalogues).map(([ns, m]) => [ns, m[lng]])) as {
    [N in keyof Namespaces]: Namespaces[N][typeof lng];
  };
