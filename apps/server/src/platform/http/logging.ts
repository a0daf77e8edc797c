import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream, LogFn } from 'pino';

/**
 * Hides the values that error messages and URLs may carry. Query strings hold search values (names, birth dates,
 * identifiers); database and JSON errors quote the offending input (`invalid input syntax for type date: "Smith"`,
 * `Unexpected token 'S', "{"name": Smith}" is not valid JSON`). Quoted text and query strings become `…`.
 */
function scrubText(text: string): string {
  return text
    .replace(/\?[^\s"'`]+/g, '?…')
    .replace(/"[^"\n]*"/g, '"…"')
    .replace(/'[^'\n]*'/g, "'…'");
}

const errorFields = ['code', 'statusCode', 'severity', 'routine', 'table', 'column', 'constraint'] as const;

/** The logged shape of an error (Fastify's `err` serializer contract). */
type SafeError = { type: string; message: string; stack: string; [field: string]: unknown };

/**
 * An error reduced to what an operator needs to find the fault: its type, code, scrubbed message and stack, and the
 * schema names PostgreSQL reports (table, constraint). Never `detail`, `where`, `query` or other request data.
 */
function safeError(error: unknown, depth = 0): SafeError {
  if (typeof error !== 'object' || error === null)
    return { type: typeof error, message: scrubText(String(error)), stack: '' };
  const e = error as Record<string, unknown>;
  const out: SafeError = {
    type: typeof e.type === 'string' ? e.type : (error.constructor?.name ?? 'Error'),
    message: scrubText(String(e.message ?? '')),
    stack: typeof e.stack === 'string' ? scrubText(e.stack) : '',
  };
  for (const field of errorFields) {
    const value = e[field];
    if (typeof value === 'string' || typeof value === 'number') out[field] = value;
  }
  if (e.cause !== undefined && depth < 3) out.cause = safeError(e.cause, depth + 1);
  return out;
}

type LoggedRequest = Readonly<{ id: string; method: string; url: string }>;

/**
 * pino options with PHI kept out (DESIGN.md §4 "details go to the log only (never PHI)"): requests are logged by id,
 * method and path (no query string), responses by status; bodies, headers and error details never. Every string a
 * log call receives (messages from Fastify such as `Route GET:/fhir/R4/Patient?name=… not found`, and top-level
 * string fields of logged objects) is scrubbed too.
 * `stream` replaces stdout (tests capture logs with it).
 */
export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: {
      paths: ['req.headers', 'req.body', 'res.body', 'headers', 'body', 'request.body', 'request.headers'],
      remove: true,
    },
    serializers: {
      req: (req: LoggedRequest) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
      res: (res: Readonly<{ statusCode: number }>) => ({ statusCode: res.statusCode }),
      err: (error: unknown) => safeError(error),
    },
    formatters: {
      // Top-level strings of a logged object (`{ url }`, `{ reason }`) get the same scrubbing as messages.
      log: (object: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(object).map(([k, v]) => [k, typeof v === 'string' ? scrubText(v) : v])),
    },
    hooks: {
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        // pino logs an Error's raw message as the line's `msg`; move the error under `err` so it is serialized safely.
        const head =
          first instanceof Error ? [{ err: first }, ...(rest.length ? [] : [scrubText(first.message)])] : [first];
        const scrubbed = [...head, ...rest].map((a) => (typeof a === 'string' ? scrubText(a) : a));
        method.apply(this, scrubbed as Parameters<LogFn>);
      },
    },
  };
}
