import { useQuery } from '@tanstack/react-query';
import i18next from 'i18next';
import { api } from './api.ts';

type HumanName = { given?: string[]; family?: string; text?: string };
export type Named = { id: string; name?: HumanName[]; birthDate?: string };

/** "Given Family", as a chart shows it; without a name, the fallback or "Unnamed" in the user's language. */
export const displayName = (r: Named | undefined, fallback?: string) => {
  const n = r?.name?.[0];
  return (
    n?.text ?? ([...(n?.given ?? []), n?.family].filter(Boolean).join(' ') || (fallback ?? i18next.t('common.unnamed')))
  );
};

/**
 * The names of the Patients or Practitioners among `references` (`Type/id`), in one search through the audited API
 * (so only those the user may see): reference → display name. Undefined while loading; one without a name (or not to
 * be seen) is left out, for the screen to say what it is in the user's language.
 */
export function useNames(type: 'Patient' | 'Practitioner', references: readonly (string | undefined)[]) {
  const prefix = `${type}/`;
  const ids = [...new Set(references.flatMap((r) => (r?.startsWith(prefix) ? [r.slice(prefix.length)] : [])))].sort();
  return useQuery({
    queryKey: ['names', type, ids],
    enabled: ids.length > 0,
    queryFn: async () => {
      const b = await api<{ entry?: { resource: Named }[] }>(
        'GET',
        `/fhir/R4/${type}?_id=${ids.join(',')}&_elements=name&_count=${ids.length}`,
      );
      return new Map(
        (b.entry ?? []).flatMap((e) => {
          const name = displayName(e.resource, '');
          return name ? [[`${prefix}${e.resource.id}`, name] as const] : [];
        }),
      );
    },
  }).data;
}

/** The organization's active services (HealthcareService), for choosing what to book or refer to. */
export function useServices<T>() {
  return useQuery({
    queryKey: ['services'],
    queryFn: async () =>
      (await api<{ entry?: { resource: T }[] }>('GET', '/fhir/R4/HealthcareService?active=true&_count=100')).entry?.map(
        (e) => e.resource,
      ) ?? [],
  });
}
