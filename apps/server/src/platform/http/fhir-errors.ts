import { badRequest, notFound, outcome, tooLarge } from '@careloop/fhir';
import type { FastifyError, FastifyInstance } from 'fastify';
import { OutcomeError } from '../errors.ts';
import { unstorableJson } from '../store/storable.ts';

const fhirJson = 'application/fhir+json; charset=utf-8';

/**
 * One error currency at the edge (DESIGN.md §4): OutcomeError → its status and OperationOutcome; Fastify's own
 * client errors (bad JSON, wrong content type, body too large) → 4xx OperationOutcome; anything else → bare 500 with
 * details only in the log (which never holds request bodies).
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OutcomeError) {
      return reply.status(error.status).type(fhirJson).send(error.outcome);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return reply.status(status).type(fhirJson).send(clientOutcome(error, status));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).type(fhirJson).send(outcome('exception', 'Internal server error'));
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    reply
      .status(404)
      .type(fhirJson)
      .send(notFound(`No route for ${request.method} ${path.replace(/[^\w/$.-]/g, '?').slice(0, 80)}`));
  });
}

function clientOutcome(error: FastifyError, status: number) {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return tooLarge('Request body is larger than the configured limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return outcome('not-supported', 'Content-Type must be application/fhir+json or application/json', 'Content-Type');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return badRequest('Request body is empty', 'body');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return badRequest('Content-Length does not match the body', 'Content-Length');
  }
  if (error instanceof SyntaxError || /JSON/i.test(error.message))
    return badRequest('Request body is not valid JSON', 'body');
  if (error.validation) {
    const first = error.validation[0];
    return badRequest(
      error.message,
      first?.instancePath?.replace(/^\//, '').replace(/\//g, '.') || error.validationContext,
    );
  }
  return outcome(
    status === 415 ? 'not-supported' : 'invalid',
    status === 415 ? 'Unsupported media type' : 'Bad request',
  );
}

/** JSON bodies for FHIR: `application/fhir+json`, `application/json` and `application/json-patch+json`. */
export function registerFhirContentTypes(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser(
    ['application/json', 'application/fhir+json', 'application/json-patch+json'],
    { parseAs: 'string' },
    (_request, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(null, undefined);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return done(new OutcomeError(badRequest('Request body is not valid JSON', 'body'), 400), undefined);
      }
      // Deep nesting would overflow the recursive code downstream (reference rewriting, validation): refuse it here.
      const tooDeep = unstorableJson(parsed, 'body', false);
      if (tooDeep) return done(new OutcomeError(badRequest(tooDeep.text, tooDeep.expression), 400), undefined);
      done(null, parsed);
    },
  );
}
