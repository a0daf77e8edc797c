import { invalid } from '../errors.ts';

/** A parsed query string as Fastify gives it: a repeated name is an array. */
export type Query = Record<string, string | string[] | undefined>;

/** The first value of a query parameter. */
export const first = (q: Query, name: string): string | undefined => {
  const v = q[name];
  return Array.isArray(v) ? v[0] : v;
};

/** `max-distance` in kilometres (more than 0, at most 1000), when given; 400 naming it otherwise. */
export function maxDistanceKm(q: Query): number | undefined {
  const distance = first(q, 'max-distance');
  const km = distance === undefined ? undefined : Number(distance);
  if (km !== undefined && !(km > 0 && km <= 1000))
    throw invalid('max-distance is kilometres, more than 0', 'max-distance');
  return km;
}

/** `language`, a BCP-47 tag, when given; 400 naming it otherwise. */
export function languageTag(q: Query): string | undefined {
  const language = first(q, 'language');
  if (language !== undefined && !/^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(language))
    throw invalid('language must be a BCP-47 code', 'language');
  return language;
}
