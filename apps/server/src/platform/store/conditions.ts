import { preconditionFailed } from '@careloop/fhir';
import type { Resource } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { invalid, OutcomeError } from '../errors.ts';
import type { StoreTx } from './api.ts';
import { resultParams } from './search/index.ts';
import { txExec } from './tx-exec.ts';

/**
 * Takes the transaction-scoped advisory lock that every conditional create of `resourceType` with this condition
 * holds while it searches and inserts, so concurrent identical requests queue and exactly one creates (the others
 * then find it). Used by If-None-Exist and by transaction entries with `ifNoneExist`; released at commit or
 * rollback. Returns the condition's search parameters. On PGlite (one session) it only orders what is already serial.
 */
async function lockCondition(
  tx: StoreTx,
  resourceType: string,
  condition: string,
  expression = 'If-None-Exist',
): Promise<URLSearchParams> {
  const query = condition.includes('?') ? condition.slice(condition.indexOf('?') + 1) : condition;
  const params = new URLSearchParams(query);
  if (![...params.keys()].some((k) => !resultParams.has(k.split(':')[0] as string))) {
    throw invalid('The condition must contain search criteria', expression);
  }
  const canonical = [...params.entries()]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join('&');
  // PostgreSQL text cannot hold NUL (the search would reject it too, but the lock comes first).
  if (canonical.includes('\u0000')) throw invalid('Search parameters cannot contain NUL characters', expression);
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`${resourceType}?${canonical}`}))`.execute(txExec(tx));
  return params;
}

/**
 * The single resource a condition (If-None-Exist, a conditional update or delete, a Bundle entry's ifNoneExist or
 * conditional url) matches, searched under {@link lockCondition} so concurrent requests with the same condition
 * queue; undefined when none; 412 naming `expression` when several match.
 */
export async function findByCondition(
  tx: StoreTx,
  resourceType: string,
  condition: string,
  expression = 'If-None-Exist',
): Promise<Resource | undefined> {
  const params = await lockCondition(tx, resourceType, condition, expression);
  params.set('_count', '2');
  const found = await tx.search(resourceType, params, { total: 'none' });
  if (found.matches.length > 1) {
    throw new OutcomeError(preconditionFailed('More than one resource matches the condition', expression), 412);
  }
  return found.matches[0];
}
