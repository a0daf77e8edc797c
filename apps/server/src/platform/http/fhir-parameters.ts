import type { Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { invalid } from '../errors.ts';

/**
 * The parameters of an operation's request body: a FHIR Parameters resource, or nothing (an empty body is no
 * parameters). Anything else is 400 naming what is wrong.
 */
export function operationParameters(body: unknown): ParametersParameter[] {
  if (body === undefined || body === null || body === '') return [];
  const p = body as Partial<Parameters>;
  if (typeof body !== 'object' || Array.isArray(body) || p.resourceType !== 'Parameters')
    throw invalid('The body must be a FHIR Parameters resource', 'resourceType');
  if (p.parameter !== undefined && !Array.isArray(p.parameter))
    throw invalid('Parameters.parameter must be an array', 'Parameters.parameter');
  return (p.parameter ?? []).filter((x): x is ParametersParameter => typeof x === 'object' && x !== null);
}
