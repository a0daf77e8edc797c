import { badRequest } from '@careloop/fhir';
import type { OperationOutcome } from '@medplum/fhirtypes';

/**
 * The one error currency (DESIGN.md §4): throw it anywhere with an OperationOutcome; the HTTP layer maps it to
 * `status` and the outcome as the body. Messages must never carry PHI.
 */
export class OutcomeError extends Error {
  readonly outcome: OperationOutcome;
  readonly status: number;
  constructor(outcome: OperationOutcome, status?: number) {
    super(outcome.issue?.[0]?.details?.text ?? 'error');
    this.outcome = outcome;
    this.status = status ?? statusFor(outcome);
  }
}

const byCode: Record<string, number> = {
  invalid: 400,
  structure: 400,
  required: 400,
  value: 400,
  invariant: 400,
  'not-supported': 400,
  'not-found': 404,
  deleted: 410,
  conflict: 409,
  duplicate: 412,
  forbidden: 403,
  security: 401,
  login: 401,
  'too-costly': 413,
  throttled: 429,
};

function statusFor(o: OperationOutcome): number {
  return byCode[o.issue?.[0]?.code ?? ''] ?? 400;
}

/** 400 with an outcome naming the element or parameter. */
export const invalid = (text: string, expression?: string) => new OutcomeError(badRequest(text, expression), 400);
