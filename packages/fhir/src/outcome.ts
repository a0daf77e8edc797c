import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';

type IssueCode = OperationOutcomeIssue['code'];

/** One-issue OperationOutcome; `expression` names the offending element (e.g. `Patient.birthDate`) or parameter. */
export function outcome(
  code: IssueCode,
  text: string,
  expression?: string,
  severity: OperationOutcomeIssue['severity'] = 'error',
): OperationOutcome {
  const issue: OperationOutcomeIssue = { severity, code, details: { text } };
  if (expression) issue.expression = [expression];
  return { resourceType: 'OperationOutcome', issue: [issue] };
}

export const badRequest = (text: string, expression?: string) => outcome('invalid', text, expression);
export const notFound = (text: string) => outcome('not-found', text);
export const gone = (text: string) => outcome('deleted', text);
export const conflict = (text: string, expression?: string) => outcome('conflict', text, expression);
export const preconditionFailed = (text: string, expression?: string) => outcome('conflict', text, expression);
export const notSupported = (text: string, expression?: string) => outcome('not-supported', text, expression);
export const tooLarge = (text: string) => outcome('too-costly', text);
export const forbidden = (text: string, expression?: string) => outcome('forbidden', text, expression);
export const allOk = (text = 'All OK'): OperationOutcome => outcome('informational', text, undefined, 'information');

/** True when an outcome carries at least one error or fatal issue. */
export function isError(o: OperationOutcome): boolean {
  return (o.issue ?? []).some((i) => i.severity === 'error' || i.severity === 'fatal');
}
