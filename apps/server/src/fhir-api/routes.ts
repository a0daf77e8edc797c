import { allOk, badRequest, notFound, notSupported } from '@careloop/fhir';
import type { Resource } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditInteraction } from '../platform/audit/index.ts';
import { invalid, OutcomeError } from '../platform/errors.ts';
import { storeOf } from '../platform/http/auth/index.ts';
import { findByCondition, isStoredType, maxCount, safeId, type WriteResult } from '../platform/store/index.ts';
import { type BulkExportDeps, bulkExportRoutes } from './bulk-export/index.ts';
import { fullUrl, historyBundle, searchsetBundle } from './bundle.ts';
import { capabilityStatement } from './capability.ts';
import { processBundle } from './transaction.ts';

export type FhirApiOptions = Readonly<{
  baseUrl: string;
  /** Bulk Data `$export`; served only when given. */
  bulkExport?: BulkExportDeps;
}>;

type Params = { type: string; id: string; sub: string; vid: string };
type Req = FastifyRequest<{ Params: Partial<Params> }>;

const fhirJson = 'application/fhir+json; charset=utf-8';

/** Query string of the request as URLSearchParams (repeated parameters and their order kept). */
function queryOf(request: FastifyRequest): URLSearchParams {
  const i = request.url.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : request.url.slice(i + 1));
}

const isLenient = (request: FastifyRequest) => /handling\s*=\s*lenient/.test(String(request.headers.prefer ?? ''));
const header = (request: FastifyRequest, name: string) => {
  const v = request.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

function typeParam(request: Req): string {
  const type = request.params.type ?? '';
  if (!isStoredType(type)) throw new OutcomeError(notFound(`Unknown resource type ${safeId(type)}`), 404);
  return type;
}

function sendResource(reply: FastifyReply, resource: Resource, status = 200): FastifyReply {
  if (resource.meta?.versionId) reply.header('ETag', `W/"${resource.meta.versionId}"`);
  if (resource.meta?.lastUpdated) reply.header('Last-Modified', new Date(resource.meta.lastUpdated).toUTCString());
  return reply.status(status).type(fhirJson).send(resource);
}

/** Answers a write honouring `Prefer: return=minimal|representation|OperationOutcome`. */
function sendWrite(
  request: FastifyRequest,
  reply: FastifyReply,
  base: string,
  result: WriteResult<Resource>,
): FastifyReply {
  const r = result.resource;
  const status = result.outcome === 'created' ? 201 : 200;
  reply.header('Location', `${fullUrl(base, r)}/_history/${r.meta?.versionId}`);
  const prefer = String(request.headers.prefer ?? '');
  if (/return\s*=\s*minimal/.test(prefer)) {
    reply.header('ETag', `W/"${r.meta?.versionId}"`);
    return reply.status(status).send();
  }
  if (/return\s*=\s*OperationOutcome/.test(prefer))
    return reply
      .status(status)
      .type(fhirJson)
      .send(allOk(`${result.outcome}`));
  return sendResource(reply, r, status);
}

/** The parsed JSON body; a form-encoded body (accepted for `_search`) is not a resource format: 415. */
function jsonBody(request: FastifyRequest): unknown {
  if (/^application\/x-www-form-urlencoded/i.test(String(request.headers['content-type'] ?? ''))) {
    throw new OutcomeError(
      notSupported('Content-Type must be application/fhir+json or application/json', 'Content-Type'),
      415,
    );
  }
  return request.body;
}

function bodyResource(request: FastifyRequest, type: string): Resource {
  const body = jsonBody(request) as Resource | undefined;
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('Request body must be a FHIR resource', 'body');
  if (body.resourceType !== type) throw invalid(`Body resourceType must be ${type}`, 'resourceType');
  return body;
}

function pageParams(q: URLSearchParams): { count: number; offset: number; since?: string } {
  const num = (name: string, fallback: number) => {
    const v = q.get(name);
    if (v === null) return fallback;
    if (!/^\d{1,9}$/.test(v)) throw invalid(`${name} must be a non-negative integer`, name);
    return Number(v);
  };
  const since = q.get('_since') ?? undefined;
  return { count: Math.min(num('_count', 20), maxCount), offset: num('_offset', 0), ...(since ? { since } : {}) };
}

/** The `/fhir/R4` surface: every interaction the CapabilityStatement lists, over the store. */
export async function fhirRoutes(app: FastifyInstance, { baseUrl, bulkExport }: FhirApiOptions): Promise<void> {
  const base = `${baseUrl}/fhir/R4`;
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
    done(null, String(body)),
  );

  // FHIR JSON only (R4 §3.1.0.1.10): a client that accepts neither JSON nor anything gets 406 rather than a surprise.
  app.addHook('onRequest', async (request) => {
    const accept = String(request.headers.accept ?? '*/*');
    const format = queryOf(request).get('_format') ?? '';
    const acceptsJson = /json|\*\/\*|application\/\*/i.test(accept);
    if (!acceptsJson || (format !== '' && !/json/i.test(format))) {
      throw new OutcomeError(
        notSupported('CareLoop serves FHIR JSON only (application/fhir+json)', acceptsJson ? '_format' : 'Accept'),
        406,
      );
    }
  });

  // Everything but the CapabilityStatement needs a signed-in person or a client token; each request is one audited
  // interaction, named from its route.
  app.addHook('preHandler', async (request) => {
    if (request.routeOptions.url === `${app.prefix}/metadata`) return;
    const store = storeOf(request);
    store.audit.interaction = interactionOf(request, app.prefix);
  });

  app.get('/metadata', async (_request, reply) =>
    reply.type(fhirJson).send(capabilityStatement(baseUrl, { bulkExport: bulkExport !== undefined })),
  );
  if (bulkExport) await app.register(bulkExportRoutes, bulkExport);

  const searchType = async (request: Req, reply: FastifyReply, params: URLSearchParams) => {
    const type = typeParam(request);
    const result = await storeOf(request).search(type, params, { lenient: isLenient(request) });
    return reply.type(fhirJson).send(searchsetBundle(base, type, params, result));
  };
  app.get('/:type', (request: Req, reply) => searchType(request, reply, queryOf(request)));
  app.post('/:type/_search', (request: Req, reply) => {
    const params = queryOf(request);
    for (const [k, v] of new URLSearchParams(typeof request.body === 'string' ? request.body : '')) params.append(k, v);
    return searchType(request, reply, params);
  });
  app.get('/', async (request, reply) => {
    const params = queryOf(request);
    const result = await storeOf(request).search(undefined, params, { lenient: isLenient(request) });
    return reply.type(fhirJson).send(searchsetBundle(base, '', params, result));
  });

  // Conditional read (R4 §3.1.0.2): 304 when the client's ETag or date is still current.
  app.get('/:type/:id', async (request: Req, reply) => {
    const resource = await storeOf(request).read(typeParam(request), request.params.id ?? '');
    const etag = `W/"${resource.meta?.versionId}"`;
    const ifNoneMatch = header(request, 'if-none-match');
    const ifModifiedSince = Date.parse(header(request, 'if-modified-since') ?? '');
    const lastModified = Math.floor(Date.parse(resource.meta?.lastUpdated ?? '') / 1000) * 1000;
    if (
      (ifNoneMatch && ifNoneMatch.replace(/^W\//, '') === etag.replace(/^W\//, '')) ||
      (!ifNoneMatch && lastModified <= ifModifiedSince)
    ) {
      return reply.status(304).header('ETag', etag).send();
    }
    return sendResource(reply, resource);
  });

  app.post('/:type', async (request: Req, reply) => {
    const resource = bodyResource(request, typeParam(request));
    const { id: _ignored, ...withoutId } = resource;
    const result = await storeOf(request).create(withoutId as Resource, {
      ifNoneExist: header(request, 'if-none-exist'),
    });
    return sendWrite(request, reply, base, result);
  });

  app.put('/:type/:id', async (request: Req, reply) => {
    const resource = bodyResource(request, typeParam(request));
    if (resource.id !== request.params.id)
      throw invalid('Resource id must match the id in the URL', `${resource.resourceType}.id`);
    const result = await storeOf(request).update(resource, { ifMatch: header(request, 'if-match') });
    return sendWrite(request, reply, base, result);
  });

  // Conditional update (R4 §3.1.0.4.3): no match → create, one → update it, several → 412.
  app.put('/:type', async (request: Req, reply) => {
    const type = typeParam(request);
    const resource = bodyResource(request, type);
    const params = queryOf(request);
    if ([...params.keys()].length === 0) throw invalid('Conditional update needs search parameters', 'url');
    const result = await storeOf(request).transaction(async (tx) => {
      // Concurrent conditional updates that find nothing would each create: they queue on the condition's lock.
      const match = await findByCondition(tx, type, params.toString(), 'url');
      if (match) {
        if (resource.id && resource.id !== match.id)
          throw invalid('Resource id does not match the resource found', `${type}.id`);
        return tx.update({ ...resource, id: match.id } as Resource, { ifMatch: header(request, 'if-match') });
      }
      return resource.id ? tx.update(resource) : tx.create(resource);
    });
    return sendWrite(request, reply, base, result);
  });

  app.patch('/:type/:id', async (request: Req, reply) => {
    const type = typeParam(request);
    const contentType = String(request.headers['content-type'] ?? '');
    if (!contentType.startsWith('application/json-patch+json')) {
      throw new OutcomeError(badRequest('PATCH takes a JSON Patch (application/json-patch+json)', 'Content-Type'), 415);
    }
    const result = await storeOf(request).patch(type, request.params.id ?? '', request.body, {
      ifMatch: header(request, 'if-match'),
    });
    return sendWrite(request, reply, base, result);
  });

  app.delete('/:type/:id', async (request: Req, reply) => {
    await storeOf(request).delete(typeParam(request), request.params.id ?? '');
    return reply.status(204).send();
  });

  app.delete('/:type', async (request: Req, reply) => {
    const type = typeParam(request);
    const params = queryOf(request);
    if ([...params.keys()].length === 0) throw invalid('Conditional delete needs search parameters', 'url');
    await storeOf(request).transaction(async (tx) => {
      const match = await findByCondition(tx, type, params.toString(), 'url');
      if (match) await tx.delete(type, match.id as string);
    });
    return reply.status(204).send();
  });

  const historyOf = async (
    request: FastifyRequest,
    reply: FastifyReply,
    scope: { resourceType?: string; id?: string },
    path: string,
  ) => {
    const q = queryOf(request);
    const page = pageParams(q);
    const result = await storeOf(request).history(scope, page);
    return reply.type(fhirJson).send(historyBundle(base, path, result, page.count, page.offset, page.since));
  };
  app.get('/_history', (request, reply) => historyOf(request, reply, {}, '_history'));
  app.get('/:type/_history', (request: Req, reply) => {
    const type = typeParam(request);
    return historyOf(request, reply, { resourceType: type }, `${type}/_history`);
  });
  app.get('/:type/:id/_history/:vid', async (request: Req, reply) =>
    sendResource(
      reply,
      await storeOf(request).vread(typeParam(request), request.params.id ?? '', request.params.vid ?? ''),
    ),
  );

  // `/:type/:id/:sub`: instance history, Patient/$everything and the patient compartment (`Patient/1/Observation`, `Patient/1/*`).
  app.get('/:type/:id/:sub', async (request: Req, reply) => {
    const type = typeParam(request);
    const id = request.params.id ?? '';
    const sub = request.params.sub ?? '';
    const store = storeOf(request);
    if (sub === '_history') {
      await store.read(type, id).catch((e: unknown) => {
        if (!(e instanceof OutcomeError && e.status === 410)) throw e;
      });
      return historyOf(request, reply, { resourceType: type, id }, `${type}/${id}/_history`);
    }
    if (type !== 'Patient' || (sub !== '$everything' && sub !== '*' && !isStoredType(sub))) {
      throw new OutcomeError(notFound(`No route for ${type}/{id}/${safeId(sub)}`), 404);
    }
    await store.read('Patient', id);
    const params = queryOf(request);
    const searchType = sub === '$everything' || sub === '*' ? undefined : sub;
    const result = await store.search(searchType, params, {
      compartmentPatient: id,
      lenient: isLenient(request),
      includeReferenced: sub === '$everything',
    });
    return reply.type(fhirJson).send(searchsetBundle(base, `Patient/${id}/${sub}`, params, result));
  });

  app.post('/', async (request, reply) => {
    const minimal = /return\s*=\s*minimal/.test(String(request.headers.prefer ?? ''));
    return reply.type(fhirJson).send(await processBundle(storeOf(request), base, jsonBody(request), { minimal }));
  });
}

/** The audited interaction a FHIR request is (R4 restful-interaction codes), from its route and method. */
function interactionOf(request: FastifyRequest, prefix: string): AuditInteraction {
  const route = (request.routeOptions.url ?? '').slice(prefix.length) || '/';
  const sub = (request.params as Partial<Params>).sub;
  const body = request.body as { type?: unknown } | undefined;
  switch (`${request.method} ${route}`) {
    case 'GET /:type/:id':
      return { action: 'R', subtype: 'read' };
    case 'GET /:type/:id/_history/:vid':
      return { action: 'R', subtype: 'vread' };
    case 'GET /:type/:id/:sub':
      if (sub === '_history') return { action: 'R', subtype: 'history-instance' };
      if (sub === '$everything') return { action: 'E', subtype: 'operation', operation: '$everything' };
      return { action: 'R', subtype: 'search-type' };
    case 'GET /_history':
      return { action: 'R', subtype: 'history-system' };
    case 'GET /:type/_history':
      return { action: 'R', subtype: 'history-type' };
    case 'GET /':
      return { action: 'R', subtype: 'search-system' };
    case 'POST /':
      return { action: 'E', subtype: body?.type === 'batch' ? 'batch' : 'transaction' };
    case 'POST /:type':
      return { action: 'C', subtype: 'create' };
    case 'PUT /:type/:id':
    case 'PUT /:type':
      return { action: 'U', subtype: 'update' };
    case 'PATCH /:type/:id':
      return { action: 'U', subtype: 'patch' };
    case 'DELETE /:type/:id':
    case 'DELETE /:type':
      return { action: 'D', subtype: 'delete' };
    default:
      // GET /:type, POST /:type/_search and the Bulk Data routes (which name themselves).
      return route.includes('$export')
        ? { action: 'E', subtype: 'operation', operation: '$export' }
        : { action: 'R', subtype: 'search-type' };
  }
}
