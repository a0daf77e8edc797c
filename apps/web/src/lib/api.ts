import i18next from 'i18next';

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

type Plain =
  | 'sessionEnded'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'tooManyAttempts'
  | 'serverError'
  | 'unreachable'
  | 'checkAndTryAgain';
/** What a refusal means where the server gives no words of its own, by status (keys of the `app` catalogue's `common`). */
const PLAIN: Record<number, Plain> = {
  401: 'sessionEnded',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  429: 'tooManyAttempts',
};
/** In the language the user chose, at the moment the error happens. */
const plain = (key: Plain) => i18next.t(`common.${key}`);

function errorOf(status: number, body: unknown): ApiError {
  const issue = (body as Outcome | undefined)?.issue?.[0];
  const text = issue?.details?.text ?? issue?.diagnostics;
  const field = issue?.expression?.[0];
  if (status >= 500) return new ApiError(plain('serverError'), status);
  return new ApiError(text ?? plain(PLAIN[status] ?? 'checkAndTryAgain'), status, field);
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
  const headers: Record<string, string> = {
    accept: fhir ? 'application/fhir+json' : 'application/json',
    // The server words its own texts (ranking reasons) in the language the user chose.
    'accept-language': i18next.resolvedLanguage ?? 'en',
  };
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
    throw new ApiError(plain('unreachable'), 0);
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
