import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { allOk, notFound, outcome } from '@careloop/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { refused } from '../../platform/access/index.ts';
import { OutcomeError } from '../../platform/errors.ts';
import { storeOf } from '../../platform/http/auth/index.ts';
import type { JobQueue } from '../../platform/jobs/index.ts';
import { deleteExport, type ExportRow, findExport, insertExport } from './repository.ts';
import { type ExportLevel, parseKickoff } from './request.ts';
import { bulkExportJob, type ExportRunDeps, exportRetryLimit, runDir } from './run-export.ts';

/** What the Bulk Data routes need: the export runs as a job on `jobs` (see registerBulkExportWorker). */
export type BulkExportDeps = ExportRunDeps & Readonly<{ baseUrl: string; jobs: Pick<JobQueue, 'enqueue'> }>;

const fhirJson = 'application/fhir+json; charset=utf-8';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Only names this server writes (`Observation-2.ndjson`): nothing with a path separator or `..` can match.
const fileName = /^[A-Z][A-Za-z]+-\d{1,6}\.ndjson$/;
// Seconds a client should wait between status polls.
const retryAfterSeconds = 2;

type Req = FastifyRequest<{ Params: { id?: string; file?: string } }>;

/**
 * FHIR Bulk Data Access (IG v2) export: kick-off at `$export`, `Patient/$export` and `Group/{id}/$export`, status at
 * `$export-status/{id}` (GET polls, DELETE cancels), files at `$export-file/{id}/{file}`. Registered inside the
 * `/fhir/R4` prefix.
 */
export async function bulkExportRoutes(app: FastifyInstance, deps: BulkExportDeps): Promise<void> {
  const base = `${deps.baseUrl}/fhir/R4`;
  const notFoundError = () => new OutcomeError(notFound('No such export'), 404);

  const kickoff = async (request: Req, reply: FastifyReply, level: ExportLevel) => {
    const groupId = level === 'group' ? (request.params.id ?? '') : undefined;
    const exportRequest = parseKickoff(
      level,
      queryOf(request),
      String(request.headers.prefer ?? ''),
      `${deps.baseUrl}${request.url}`,
      groupId,
    );
    // Bulk Data is for backend-services clients (SMART system scopes); each exported type must be readable by them.
    const store = storeOf(request);
    const actor = store.actor;
    if (actor.kind !== 'client') throw refused('Bulk export is available to backend-services clients');
    const types = exportRequest.types ?? ['*'];
    const unreadable = types.find(
      (t) =>
        !actor.scopes.some(
          (s) =>
            (s.resourceType === '*' || s.resourceType === t) &&
            s.interactions.has('r') &&
            (t !== '*' || s.resourceType === '*'),
        ),
    );
    if (unreadable)
      throw refused(`Your scopes do not allow exporting ${unreadable === '*' ? 'every type' : unreadable}`, '_type');
    store.audit.interaction = { action: 'E', subtype: 'operation', operation: '$export' };
    // 404 now rather than a failed export later.
    if (groupId !== undefined) await store.read('Group', groupId);
    const id = randomUUID();
    const createdAt = deps.clock.now().toString({ fractionalSecondDigits: 3 });
    // The row and its job commit together: no export without a job to run it, no job without its row.
    await deps.db.kysely.transaction().execute(async (tx) => {
      await insertExport(tx, id, { ...exportRequest, requestedBy: actor.userId }, createdAt);
      await deps.jobs.enqueue(tx, bulkExportJob, { exportId: id }, { retryLimit: exportRetryLimit });
    });
    store.audit.note({ action: 'E', subtype: 'operation', patients: [], entities: [] });
    reply.header('Content-Location', `${base}/$export-status/${id}`);
    return reply
      .status(202)
      .type(fhirJson)
      .send(allOk('Export accepted; poll the Content-Location URL for its status'));
  };
  app.get('/$export', (request: Req, reply) => kickoff(request, reply, 'system'));
  app.get('/Patient/$export', (request: Req, reply) => kickoff(request, reply, 'patient'));
  app.get('/Group/:id/$export', (request: Req, reply) => kickoff(request, reply, 'group'));

  const exportOf = async (request: Req): Promise<ExportRow> => {
    const id = request.params.id ?? '';
    const row = uuid.test(id) ? await findExport(deps.db.kysely, id) : undefined;
    const actor = storeOf(request).actor;
    // Someone else's export answers like one that does not exist.
    if (!row || actor.kind === 'system' || row.request.requestedBy !== actor.userId) throw notFoundError();
    return row;
  };

  app.get('/$export-status/:id', async (request: Req, reply) => {
    const row = await exportOf(request);
    if (row.status === 'failed') {
      return reply
        .status(500)
        .type(fhirJson)
        .send(outcome('exception', `The export failed: ${row.error ?? 'unknown error'}`));
    }
    if (row.status !== 'completed') {
      reply.header('X-Progress', row.status === 'accepted' ? 'queued' : (row.progress ?? 'in progress'));
      reply.header('Retry-After', String(retryAfterSeconds));
      return reply.status(202).send();
    }
    return reply.status(200).type('application/json; charset=utf-8').send(manifest(base, row));
  });

  app.delete('/$export-status/:id', async (request: Req, reply) => {
    const { id } = await exportOf(request);
    if (!(await deleteExport(deps.db.kysely, id))) throw notFoundError();
    // A running job notices the deleted row at its next page and removes what it wrote since.
    await rm(join(deps.exportDir, id), { recursive: true, force: true });
    return reply.status(202).type(fhirJson).send(allOk('Export cancelled and its files deleted'));
  });

  app.get('/$export-file/:id/:file', async (request: Req, reply) => {
    const row = await exportOf(request);
    const file = request.params.file ?? '';
    const isListed = row.output?.some((o) => o.file === file) ?? false;
    if (row.status !== 'completed' || !row.runId || !fileName.test(file) || !isListed) throw notFoundError();
    // The data leaves here: the download is the audited disclosure (the kick-off only asked for it).
    const store = storeOf(request);
    store.audit.interaction = { action: 'E', subtype: 'operation', operation: '$export' };
    store.audit.note({ action: 'E', subtype: 'operation', patients: [], entities: [] });
    return reply
      .status(200)
      .type('application/fhir+ndjson')
      .send(createReadStream(join(runDir(deps.exportDir, row.id, row.runId), file)));
  });
}

/** The completion manifest (Bulk Data IG v2, "Response - Complete Status"). */
function manifest(base: string, row: ExportRow) {
  return {
    transactionTime: row.transactionTime,
    request: row.request.url,
    requiresAccessToken: true,
    output: (row.output ?? []).map((o) => ({
      type: o.type,
      url: `${base}/$export-file/${row.id}/${o.file}`,
      count: o.count,
    })),
    error: [],
  };
}

function queryOf(request: FastifyRequest): URLSearchParams {
  const i = request.url.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : request.url.slice(i + 1));
}
