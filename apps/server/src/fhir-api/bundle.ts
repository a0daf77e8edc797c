import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { HistoryPage, SearchResult } from '../platform/store/index.ts';

/** Absolute URL of a resource on this server. */
export const fullUrl = (base: string, r: Pick<Resource, 'resourceType' | 'id'>) => `${base}/${r.resourceType}/${r.id}`;

/** A searchset Bundle with self/next/previous links that repeat the query with a moved `_offset`. */
export function searchsetBundle(base: string, path: string, params: URLSearchParams, result: SearchResult): Bundle {
  const { count, offset } = result.parsed;
  const link = (relation: string, at: number): BundleLink => {
    const q = new URLSearchParams(params);
    q.delete('_offset');
    if (at > 0) q.set('_offset', String(at));
    const qs = q.toString();
    return { relation, url: `${base}/${path}${qs ? `?${qs}` : ''}` };
  };
  const links = [link('self', offset)];
  if (result.hasNext && count > 0) links.push(link('next', offset + count));
  if (offset > 0) links.push(link('previous', Math.max(0, offset - count)));
  const entry: BundleEntry[] = [
    ...result.matches.map((resource) => ({
      fullUrl: fullUrl(base, resource),
      resource,
      search: { mode: 'match' as const },
    })),
    ...result.included.map((resource) => ({
      fullUrl: fullUrl(base, resource),
      resource,
      search: { mode: 'include' as const },
    })),
  ];
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    ...(result.total !== undefined ? { total: result.total } : {}),
    link: links,
    entry,
  };
}

/**
 * A history Bundle, newest first; deletions are entries with a request and no resource (R4 §3.1.0.9). Paging links
 * repeat `_since`, so following `next` stays within the requested window.
 */
export function historyBundle(
  base: string,
  path: string,
  page: HistoryPage,
  count: number,
  offset: number,
  since?: string,
): Bundle {
  const url = (at: number) => {
    const q = new URLSearchParams({ _count: String(count) });
    if (since !== undefined) q.set('_since', since);
    if (at > 0) q.set('_offset', String(at));
    return `${base}/${path}?${q}`;
  };
  const link: BundleLink[] = [{ relation: 'self', url: url(offset) }];
  if (count > 0 && offset + count < page.total) link.push({ relation: 'next', url: url(offset + count) });
  return {
    resourceType: 'Bundle',
    type: 'history',
    total: page.total,
    link,
    entry: page.entries.map((e) => ({
      fullUrl: `${base}/${e.resourceType}/${e.id}`,
      ...(e.resource ? { resource: e.resource } : {}),
      request: { method: e.method as 'POST', url: e.method === 'POST' ? e.resourceType : `${e.resourceType}/${e.id}` },
      response: {
        status: e.method === 'POST' ? '201' : e.method === 'DELETE' ? '204' : '200',
        etag: `W/"${e.versionId}"`,
        lastModified: e.lastUpdated,
      },
    })),
  };
}
