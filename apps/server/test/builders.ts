import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../src/platform/db/index.ts';

/** Loose JSON view of a response body: tests read fields they assert on, with casts where a FHIR type helps. */
export type Json = Record<string, unknown>;

export type Reply<T = Json> = Readonly<{
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: T;
  text: string;
}>;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
type Headers = Record<string, string>;

/** A small FHIR client over `app.inject` (no network): JSON in, parsed JSON out, every status returned as is. */
export type FhirClient = Readonly<{
  request<T = Json>(method: Method, url: string, body?: unknown, headers?: Headers): Promise<Reply<T>>;
  get<T = Json>(url: string, headers?: Headers): Promise<Reply<T>>;
  post<T = Json>(url: string, body: unknown, headers?: Headers): Promise<Reply<T>>;
  put<T = Json>(url: string, body: unknown, headers?: Headers): Promise<Reply<T>>;
  patch<T = Json>(url: string, ops: unknown, headers?: Headers): Promise<Reply<T>>;
  del<T = Json>(url: string, headers?: Headers): Promise<Reply<T>>;
  /** POST /Type and expect 201; returns the stored resource. */
  create<T extends Resource>(resource: T): Promise<T & { id: string }>;
  /** PUT /Type/id and expect 200/201; returns the stored resource. */
  upsert<T extends Resource>(resource: T & { id: string }): Promise<T & { id: string }>;
  /** GET a search URL and expect 200; returns the Bundle. */
  search(url: string, headers?: Headers): Promise<Bundle>;
}>;

const fhirBase = '/fhir/R4';

/** Builds the client; `url`s are relative to /fhir/R4 unless they start with `http` or `/`. */
export function fhirClient(app: FastifyInstance, defaults: Headers = {}): FhirClient {
  const request = async <T = Json>(
    method: Method,
    url: string,
    body?: unknown,
    given: Headers = {},
  ): Promise<Reply<T>> => {
    const headers = { ...defaults, ...given };
    const path = url.startsWith('http')
      ? new URL(url).pathname + new URL(url).search
      : url.startsWith('/')
        ? url
        : `${fhirBase}/${url}`;
    const hasBody = body !== undefined;
    const contentType = method === 'PATCH' ? 'application/json-patch+json' : 'application/fhir+json';
    const r = await app.inject({
      method,
      url: path,
      headers: { ...(hasBody ? { 'content-type': contentType } : {}), ...headers },
      ...(hasBody ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    let parsed: unknown;
    try {
      parsed = r.body ? JSON.parse(r.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: r.statusCode, headers: r.headers, body: parsed as T, text: r.body };
  };
  const client: FhirClient = {
    request,
    get: (url, headers) => request('GET', url, undefined, headers),
    post: (url, body, headers) => request('POST', url, body, headers),
    put: (url, body, headers) => request('PUT', url, body, headers),
    patch: (url, ops, headers) => request('PATCH', url, ops, headers),
    del: (url, headers) => request('DELETE', url, undefined, headers),
    async create<T extends Resource>(resource: T) {
      const r = await request<T & { id: string }>('POST', resource.resourceType, resource);
      if (r.status !== 201) throw new Error(`create ${resource.resourceType} → ${r.status}: ${r.text.slice(0, 500)}`);
      return r.body;
    },
    async upsert<T extends Resource>(resource: T & { id: string }) {
      const r = await request<T & { id: string }>('PUT', `${resource.resourceType}/${resource.id}`, resource);
      if (r.status !== 200 && r.status !== 201)
        throw new Error(`PUT ${resource.resourceType}/${resource.id} → ${r.status}: ${r.text.slice(0, 500)}`);
      return r.body;
    },
    async search(url, headers) {
      const r = await request<Bundle>('GET', url, undefined, headers);
      if (r.status !== 200) throw new Error(`GET ${url} → ${r.status}: ${r.text.slice(0, 500)}`);
      return r.body;
    },
  };
  return client;
}

/** Ids of the `match` entries of a searchset, sorted (for set comparisons). */
export function matchIds(bundle: Bundle): string[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode !== 'include')
    .map((e) => e.resource?.id as string)
    .sort();
}

/** Ids of the `match` entries in the order the server returned them. */
export function orderedIds(bundle: Bundle): string[] {
  return (bundle.entry ?? []).filter((e) => e.search?.mode !== 'include').map((e) => e.resource?.id as string);
}

/** `Type/id` of the `include` entries, sorted. */
export function includedRefs(bundle: Bundle): string[] {
  return (bundle.entry ?? [])
    .filter((e) => e.search?.mode === 'include')
    .map((e) => `${e.resource?.resourceType}/${e.resource?.id}`)
    .sort();
}

/** The URL of a Bundle link relation, if present. */
export function linkOf(bundle: Bundle, relation: string): string | undefined {
  return bundle.link?.find((l) => l.relation === relation)?.url;
}

/** Follows `next` links from `first` until there are none; returns every page (bounded to catch endless loops). */
export async function allPages(client: FhirClient, first: string, maxPages = 200): Promise<Bundle[]> {
  const pages: Bundle[] = [];
  let url: string | undefined = first;
  while (url) {
    if (pages.length >= maxPages) throw new Error(`more than ${maxPages} pages from ${first}`);
    const page = await client.search(url);
    pages.push(page);
    url = linkOf(page, 'next');
  }
  return pages;
}

/** Row counts of every table a FHIR write touches: equal before and after means nothing was written. */
export type RowCounts = Readonly<Record<(typeof storeTables)[number], number>>;

const storeTables = [
  'resource',
  'resource_version',
  'sp_token',
  'sp_string',
  'sp_date',
  'sp_quantity',
  'sp_reference',
  'sp_uri',
] as const;

export async function rowCounts(db: Db): Promise<RowCounts> {
  const parts = storeTables.map((t) => sql`SELECT ${t} AS t, count(*)::int AS n FROM ${sql.table(t)}`);
  const { rows } = await sql<{ t: string; n: number }>`${sql.join(parts, sql` UNION ALL `)}`.execute(db.kysely);
  return Object.fromEntries(rows.map((r) => [r.t, Number(r.n)])) as RowCounts;
}

/**
 * Asserts a 4xx OperationOutcome with at least one error issue; returns the outcome for further checks. Takes a
 * FhirClient reply or a raw `inject` response (a signed-in Browser's).
 */
export function expectOutcome(
  reply: Reply<unknown> | Readonly<{ statusCode: number; body: string }>,
  status: number,
): OperationOutcome {
  const raw = 'statusCode' in reply ? { status: reply.statusCode, text: reply.body } : reply;
  expect(raw.status, raw.text.slice(0, 400)).toBe(status);
  const body = ('statusCode' in reply ? JSON.parse(reply.body || 'null') : reply.body) as OperationOutcome;
  expect(body?.resourceType).toBe('OperationOutcome');
  expect(body.issue?.some((i) => i.severity === 'error' || i.severity === 'fatal')).toBe(true);
  return body;
}

/** Every `expression` of an outcome's issues, flattened. */
export function expressions(outcome: OperationOutcome): string[] {
  return (outcome.issue ?? []).flatMap((i) => i.expression ?? []);
}
