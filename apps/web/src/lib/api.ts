/**
 * The one way the workbench talks to the server: same-origin fetch with the session cookie, the CSRF token on every
 * write, FHIR JSON under /fhir. A refusal becomes an ApiError in plain language with the field it concerns (the
 * OperationOutcome's `expression`), for the form to show next to that field.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly field?: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
export const setCsrfToken = (token: string | undefined) => {
  csrfToken = token;
};

type Outcome = {
  resourceType?: string;
  issue?: { details?: { text?: string }; diagnostics?: string; expression?: string[] }[];
};

const PLAIN: Record<number, string> = {
  401: 'Your session has ended. Please sign in again.',
  403: 'You do not have access to this.',
  404: 'This could not be found. It may have been removed, or you may not have access to it.',
  409: 'Someone else changed this a moment ago. The list has been refreshed; please try again.',
  429: 'Too many attempts. Please wait a few minutes and try again.',
};

function errorOf(status: number, body: unknown): ApiError {
  const issue = (body as Outcome | undefined)?.issue?.[0];
  const text = issue?.details?.text ?? issue?.diagnostics;
  const field = issue?.expression?.[0];
  if (status >= 500) return new ApiError('Something went wrong on our side. Please try again in a moment.', status);
  return new ApiError(text ?? PLAIN[status] ?? 'That did not work. Please check and try again.', status, field);
}

/** Listeners told when the server says the session is gone (the app then shows the sign-in page). */
const signedOutListeners = new Set<() => void>();
export const onSignedOut = (listener: () => void) => {
  signedOutListeners.add(listener);
  return () => {
    signedOutListeners.delete(listener);
  };
};

let lastCall = Date.now();
/** When the server last heard from this page (its idle clock restarts then). */
export const lastServerContact = () => lastCall;

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const fhir = path.startsWith('/fhir/');
  const headers: Record<string, string> = { accept: fhir ? 'application/fhir+json' : 'application/json' };
  if (body !== undefined) headers['content-type'] = fhir ? 'application/fhir+json' : 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError('The server cannot be reached. Check the connection and try again.', 0);
  }
  lastCall = Date.now();
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.status === 401 && !path.startsWith('/auth/')) for (const l of signedOutListeners) l();
  if (!res.ok) throw errorOf(res.status, json);
  return json as T;
}

/** A FHIR operation's Parameters body from plain values. */
export function parameters(values: Record<string, string | { reference: string } | undefined>) {
  return {
    resourceType: 'Parameters',
    parameter: Object.entries(values).flatMap(([name, v]) =>
      v === undefined ? [] : [typeof v === 'string' ? { name, valueString: v } : { name, valueReference: v }],
    ),
  };
}
