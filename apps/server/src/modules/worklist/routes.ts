import { languageOf, notFound } from '@careloop/fhir';
import type { Bundle, BundleEntry, ParametersParameter, Task } from '@medplum/fhirtypes';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { Temporal } from 'temporal-polyfill';
import type { Clock } from '../../platform/clock.ts';
import type { Db } from '../../platform/db/index.ts';
import { invalid, OutcomeError } from '../../platform/errors.ts';
import { actorOf, storeOf } from '../../platform/http/auth/index.ts';
import { operationParameters } from '../../platform/http/fhir-parameters.ts';
import { isTaskType } from './domain/task-resource.ts';
import type { TaskType } from './domain/task-types.ts';
import { actOnTask, TASK_OPERATIONS, type TaskAction } from './operations.ts';
import { type QueueFilter, worklist } from './queue.ts';
import { type SupervisionQuery, supervisionView } from './supervision.ts';

export type WorklistDeps = Readonly<{ clock: Clock; db: Db }>;

/**
 * The worklist over FHIR Task (issue #4), under /fhir/R4: `GET Task/$worklist` (the ranked queue), the instance
 * operations `POST Task/{id}/$claim|$reassign|$snooze|$resume|$complete|$escalate` (a FHIR Parameters body), and
 * `POST Task/$bulk` (one operation on many tasks, each succeeding or failing on its own).
 */
export async function worklistRoutes(app: FastifyInstance, deps: WorklistDeps): Promise<void> {
  // Each request is one audited operation (a bulk request: one event per task it changes).
  app.addHook('preHandler', async (request) => {
    const params = request.params as { operation?: string };
    const name = params.operation ?? /\$(bulk|supervision|worklist)/.exec(request.url)?.[0] ?? '$worklist';
    storeOf(request).audit.interaction = { action: 'E', subtype: 'operation', operation: name.slice(0, 40) };
  });

  app.get<{ Querystring: Record<string, string | string[]> }>('/Task/$worklist', async (request) => {
    return worklist(
      storeOf(request),
      actorOf(request),
      queueFilter(request.query),
      deps.clock.now(),
      languageOf(request.headers['accept-language']),
    );
  });

  app.get<{ Querystring: Record<string, string | string[]> }>('/Task/$supervision', async (request) => {
    return supervisionView(
      storeOf(request),
      deps.db,
      actorOf(request),
      supervisionQuery(request.query, deps.clock.now()),
      deps.clock.now(),
    );
  });

  app.post<{ Params: { id: string; operation: string }; Body: unknown }>(
    '/Task/:id/:operation',
    async (request, reply) => {
      const op = /^\$([a-z]+)$/.exec(request.params.operation)?.[1] ?? '';
      if (!(TASK_OPERATIONS as readonly string[]).includes(op))
        throw new OutcomeError(notFound(`Unknown Task operation ${request.params.operation.slice(0, 40)}`), 404);
      const action = actionOf(op, operationParameters(request.body), deps.clock.now());
      const { task, created } = await actOnTask(
        storeOf(request),
        actorOf(request),
        request.params.id,
        action,
        deps.clock.now(),
      );
      return sendTask(reply, task, created);
    },
  );

  app.post<{ Body: unknown }>('/Task/$bulk', async (request) => {
    const params = operationParameters(request.body);
    const op = one(params, 'operation', (p) => p.valueCode);
    if (!op || !(TASK_OPERATIONS as readonly string[]).includes(op))
      throw invalid(`operation must be one of ${TASK_OPERATIONS.join(', ')}`, 'operation');
    const ids = params
      .filter((p) => p.name === 'task')
      .map((p) => /^Task\/([A-Za-z0-9\-.]{1,64})$/.exec(p.valueReference?.reference ?? '')?.[1]);
    if (ids.length === 0 || ids.length > 200) throw invalid('Name 1 to 200 tasks (valueReference Task/{id})', 'task');
    if (ids.some((id) => id === undefined)) throw invalid('Each task must be a reference Task/{id}', 'task');
    const action = actionOf(op, params, deps.clock.now());
    const entry: BundleEntry[] = [];
    for (const id of ids as string[]) {
      try {
        const { task } = await actOnTask(storeOf(request), actorOf(request), id, action, deps.clock.now());
        entry.push({
          response: { status: '200', location: `Task/${task.id}/_history/${task.meta?.versionId}` },
          resource: task,
        });
      } catch (e) {
        if (!(e instanceof OutcomeError)) throw e;
        entry.push({ response: { status: String(e.status), outcome: e.outcome } });
      }
    }
    const bundle: Bundle = { resourceType: 'Bundle', type: 'batch-response', entry };
    return bundle;
  });
}

function sendTask(reply: FastifyReply, task: Task, created: Task | undefined) {
  reply.header('ETag', `W/"${task.meta?.versionId}"`).type('application/fhir+json');
  if (!created) return task;
  // $escalate: the escalated task and the new escalation task.
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [{ resource: task }, { resource: created }],
  };
  return bundle;
}

function one<T>(params: readonly ParametersParameter[], name: string, value: (p: ParametersParameter) => T) {
  const found = params.filter((p) => p.name === name);
  if (found.length > 1) throw invalid(`${name} may be given once`, name);
  return found[0] ? value(found[0]) : undefined;
}

function text(params: readonly ParametersParameter[], name: string, required: boolean): string | undefined {
  const v = one(params, name, (p) => p.valueString);
  if (v === undefined || v.trim() === '') {
    if (required) throw invalid(`${name} is required (valueString)`, name);
    return undefined;
  }
  if (v.length > 2000) throw invalid(`${name} is longer than 2,000 characters`, name);
  return v.trim();
}

function actionOf(op: string, params: readonly ParametersParameter[], now: Temporal.Instant): TaskAction {
  switch (op) {
    case 'claim':
    case 'resume':
      return { op };
    case 'reassign': {
      const owner = one(params, 'owner', (p) => p.valueReference?.reference ?? p.valueString);
      if (!owner) throw invalid('owner is required (valueReference Practitioner/{id})', 'owner');
      return { op, owner };
    }
    case 'snooze': {
      const raw = one(params, 'until', (p) => p.valueDateTime ?? p.valueInstant);
      let until: Temporal.Instant;
      try {
        until = Temporal.Instant.from(raw ?? '');
      } catch {
        throw invalid('until is required: a date-time with a time zone (valueDateTime)', 'until');
      }
      if (until.epochMilliseconds <= now.epochMilliseconds) throw invalid('until must be in the future', 'until');
      return { op, until, reason: text(params, 'reason', false) };
    }
    case 'complete':
      return { op, outcome: text(params, 'outcome', true) as string };
    default:
      return { op: 'escalate', reason: text(params, 'reason', true) as string };
  }
}

const list = (v: string | string[] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((x) => x.split(',')).filter((x) => x !== '');

function date(query: Record<string, string | string[]>, name: string): Temporal.Instant | undefined {
  const v = list(query[name]);
  if (v.length === 0) return undefined;
  try {
    return Temporal.Instant.from(v[0] as string);
  } catch {
    throw invalid(`${name} must be a date-time with a time zone`, name);
  }
}

function supervisionQuery(query: Record<string, string | string[]>, now: Temporal.Instant): SupervisionQuery {
  for (const name of Object.keys(query))
    if (!['organization', 'days', 'timeZone'].includes(name))
      throw invalid(`Unknown parameter ${name.slice(0, 40)}`, name.slice(0, 40));
  const organization = list(query.organization)[0] ?? '';
  if (!/^Organization\/[A-Za-z0-9\-.]{1,64}$/.test(organization))
    throw invalid('organization is required: Organization/{id}', 'organization');
  const days = Number(list(query.days)[0] ?? 14);
  if (!Number.isInteger(days) || days < 1 || days > 90) throw invalid('days must be 1 to 90', 'days');
  // Without timeZone the organization's own clock decides (its time-zone extension, else UTC).
  const timeZone = list(query.timeZone)[0];
  if (timeZone === undefined) return { organization, days };
  try {
    now.toZonedDateTimeISO(timeZone);
  } catch {
    throw invalid('timeZone must be an IANA time zone, e.g. America/Chicago', 'timeZone');
  }
  return { organization, days, timeZone };
}

const known = new Set(['owner', 'type', 'status', 'patient', 'due-before', 'due-after', 'snoozed', '_count', '_total']);

function queueFilter(query: Record<string, string | string[]>): QueueFilter {
  for (const name of Object.keys(query))
    if (!known.has(name)) throw invalid(`Unknown parameter ${name.slice(0, 40)}`, name.slice(0, 40));
  const owner = list(query.owner)[0] ?? 'mine';
  if (owner !== 'mine' && owner !== 'unassigned' && owner !== 'all')
    throw invalid('owner must be mine, unassigned or all', 'owner');
  const types = list(query.type);
  for (const t of types) if (!isTaskType(t)) throw invalid(`Unknown task type ${t.slice(0, 40)}`, 'type');
  const count = Number(list(query._count)[0] ?? 50);
  if (!Number.isInteger(count) || count < 0 || count > 500) throw invalid('_count must be 0 to 500', '_count');
  const patient = list(query.patient)[0];
  if (patient !== undefined && !/^Patient\/[A-Za-z0-9\-.]{1,64}$/.test(patient))
    throw invalid('patient must be Patient/{id}', 'patient');
  const statuses = list(query.status);
  const total = list(query._total)[0] ?? 'none';
  if (total !== 'none' && total !== 'estimate' && total !== 'accurate')
    throw invalid('_total must be none, estimate or accurate', '_total');
  return {
    owner,
    count,
    total: total === 'accurate',
    ...(types.length ? { types: types as TaskType[] } : {}),
    ...(statuses.length ? { statuses } : {}),
    ...(patient ? { patient } : {}),
    dueBefore: date(query, 'due-before'),
    dueAfter: date(query, 'due-after'),
    snoozed: list(query.snoozed)[0] === 'true',
  };
}
