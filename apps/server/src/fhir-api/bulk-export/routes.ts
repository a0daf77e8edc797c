import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { allOk, notFound, outcome } from '@careloop/fhir';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OutcomeError } from '../../platform/errors.ts';
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
    // 404 now rather than a failed export later.
    if (groupId !== undefined) await deps.store.read('Group', groupId);
    const id = randomUUID();
    const createdAt = deps.clock.now().toString({ fractionalSecondDigits: 3 });
    // The row and its job commit together: no export without a job to run it, no job without its row.
    await deps.db.kysely.transaction().execute(async (tx) => {
      await insertExport(tx, id, exportRequest, createdAt);
      await deps.jobs.enqueue(tx, bulkExportJob, { exportId: id }, { retryLimit: exportRetryLimit });
    });
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
    if (!row) throw notFoundError();
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
    const id = request.params.id ?? '';
    if (!uuid.test(id) || !(await deleteExport(deps.db.kysely, id))) throw notFoundError();
    // A running job notices the deleted row at its next page and removes what it wrote since.
    await rm(join(deps.exportDir, id), { recursive: true, force: true });
    return reply.status(202).type(fhirJson).send(allOk('Export cancelled and its files deleted'));
  });

  app.get('/$export-file/:id/:file', async (request: Req, reply) => {
    const row = await exportOf(request);
    const file = request.params.file ?? '';
    const isListed = row.output?.some((o) => o.file === file) ?? false;
    if (row.status !== 'completed' || !row.runId || !fileName.test(file) || !isListed) throw notFoundError();
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
    requiresAccessToken: false,
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
