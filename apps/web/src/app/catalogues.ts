import type { Language } from '../lib/i18n.ts';
import { appMessages } from './messages.ts';

/** Every module's catalogue, one i18next namespace each; a new module adds its line here. */
export const catalogues = {
  app: appMessages,
};

export type Namespaces = typeof catalogues;

/** One language's texts, namespace by namespace, as i18next takes them. */
export const resourcesFor = (lng: Language) =>
  Object.fromEntries(Object.entries(catalogues).map(([ns, m]) => [ns, m[lng]])) as {
    [N in keyof Namespaces]: Namespaces[N][typeof lng];
  };
