import { notFound } from '@careloop/fhir';
import type { Parameters, ParametersParameter, Patient } from '@medplum/fhirtypes';
import type { FastifyInstance } from 'fastify';
import { requireStaff } from '../../platform/access/index.ts';
import type { Clock } from '../../platform/clock.ts';
import { invalid, OutcomeError } from '../../platform/errors.ts';
import { actorOf, storeOf } from '../../platform/http/auth/index.ts';
import { operationParameters } from '../../platform/http/fhir-parameters.ts';
import { acceptRebalance, assignCoordinator, transferCaseload } from './caseload.ts';
import { matchPatients } from './registry.ts';
import { suggestRebalance } from './team.ts';

export type CaseloadDeps = Readonly<{ clock: Clock }>;

function reference(params: readonly ParametersParameter[], name: string): string {
  const found = params.filter((p) => p.name === name);
  const value = found[0]?.valueReference?.reference ?? found[0]?.valueString;
  if (found.length !== 1 || !value) throw invalid(`${name} is required once (valueReference Practitioner/{id})`, name);
  return value;
}

function reason(params: readonly ParametersParameter[]): string {
  const value = params.find((p) => p.name === 'reason')?.valueString?.trim();
  if (!value || value.length < 3) throw invalid('reason is required (valueString, at least 3 characters)', 'reason');
  if (value.length > 1000) throw invalid('reason is longer than 1,000 characters', 'reason');
  return value;
}

/**
 * Caseloads (issue #4), under /fhir/R4: `POST Patient/{id}/$assign-coordinator` (coordinator, reason) sets the
 * patient's primary coordinator on their coordination CareTeam; `POST Practitioner/{id}/$transfer-caseload` (to,
 * reason), for supervisors, moves a coordinator's whole caseload and open tasks to another; `POST Patient/$match`
 * is the patient registry search (docs/caseload.md).
 */
export async function caseloadRoutes(app: FastifyInstance, deps: CaseloadDeps): Promise<void> {
  app.addHook('preHandler', async (request) => {
    const op = (request.params as { operation?: string }).operation ?? '$match';
    storeOf(request).audit.interaction = { action: 'E', subtype: 'operation', operation: op.slice(0, 40) };
  });

  app.post<{ Params: { id: string; operation: string } }>('/Patient/:id/:operation', async (request, reply) => {
    if (request.params.operation !== '$assign-coordinator')
      throw new OutcomeError(notFound(`Unknown Patient operation ${request.params.operation.slice(0, 40)}`), 404);
    const params = operationParameters(request.body);
    const team = await assignCoordinator(
      storeOf(request),
      actorOf(request),
      request.params.id,
      reference(params, 'coordinator'),
      reason(params),
      deps.clock.now(),
    );
    return reply.header('ETag', `W/"${team.meta?.versionId}"`).type('application/fhir+json').send(team);
  });

  app.post('/Patient/$match', async (request, reply) => {
    const params = operationParameters(request.body);
    const resource = params.find((p) => p.name === 'resource')?.resource as Patient | undefined;
    if (resource?.resourceType !== 'Patient') throw invalid('resource must be a Patient', 'resource');
    const count = params.find((p) => p.name === 'count')?.valueInteger ?? 10;
    if (!Number.isInteger(count) || count < 1 || count > 50) throw invalid('count must be 1 to 50', 'count');
    const onlyCertainMatches = params.find((p) => p.name === 'onlyCertainMatches')?.valueBoolean === true;
    const bundle = await matchPatients(storeOf(request), resource, { count, onlyCertainMatches });
    return reply.type('application/fhir+json').send(bundle);
  });

  app.post<{ Params: { id: string; operation: string } }>('/Organization/:id/:operation', async (request, reply) => {
    if (request.params.operation !== '$rebalance')
      throw new OutcomeError(notFound(`Unknown Organization operation ${request.params.operation.slice(0, 40)}`), 404);
    const actor = actorOf(request);
    const params = operationParameters(request.body);
    if (params.find((p) => p.name === 'accept')?.valueBoolean !== true) {
      requireStaff(actor, ['supervisor'], 'a supervisor');
      const suggestion = await suggestRebalance(
        storeOf(request),
        `Organization/${request.params.id}`,
        deps.clock.now(),
      );
      return reply.type('application/fhir+json').send(suggestion);
    }
    const moves = params
      .filter((p) => p.name === 'move')
      .map((m, i) => {
        const ref = (name: string) => {
          const v = m.part?.find((x) => x.name === name)?.valueReference?.reference;
          if (!v) throw invalid(`move[${i}].${name} is required (valueReference)`, `move[${i}].${name}`);
          return v;
        };
        return { patient: ref('patient'), from: ref('from'), to: ref('to') };
      });
    const moved = await acceptRebalance(storeOf(request), actor, moves, deps.clock.now());
    const result: Parameters = { resourceType: 'Parameters', parameter: [{ name: 'moved', valueInteger: moved }] };
    return reply.type('application/fhir+json').send(result);
  });

  app.post<{ Params: { id: string; operation: string } }>('/Practitioner/:id/:operation', async (request, reply) => {
    if (request.params.operation !== '$transfer-caseload')
      throw new OutcomeError(notFound(`Unknown Practitioner operation ${request.params.operation.slice(0, 40)}`), 404);
    const params = operationParameters(request.body);
    const moved = await transferCaseload(
      storeOf(request),
      actorOf(request),
      `Practitioner/${request.params.id}`,
      reference(params, 'to'),
      reason(params),
      deps.clock.now(),
    );
    const result: Parameters = {
      resourceType: 'Parameters',
      parameter: [
        { name: 'patients', valueInteger: moved.patients },
        { name: 'tasks', valueInteger: moved.tasks },
      ],
    };
    return reply.type('application/fhir+json').send(result);
  });
}
