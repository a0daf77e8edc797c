import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, test } from 'vitest';
import { registerErrorHandling, registerFhirContentTypes } from './fhir-errors.ts';
import { loggerOptions } from './logging.ts';

const phi = 'Zebulon Quackenbush';

/** A Fastify app logging at `trace` into memory, with the real error handling and content-type parsers. */
function appWithCapturedLogs(): { app: FastifyInstance; logs: () => string } {
  const lines: string[] = [];
  const app = Fastify({ logger: loggerOptions('trace', { write: (line: string) => lines.push(line) }) });
  registerErrorHandling(app);
  registerFhirContentTypes(app);
  app.post('/fhir/R4/Patient', async (request, reply) => reply.status(201).send(request.body));
  app.get('/fhir/R4/Patient', async () => ({ resourceType: 'Bundle' }));
  app.get('/boom', async () => {
    // The shape node-postgres gives a failed query: the input is quoted in the message and repeated in `detail`.
    throw Object.assign(new Error(`invalid input syntax for type date: "${phi}"`), {
      code: '22007',
      detail: `Key (family)=(${phi}) is invalid`,
      where: `parameter $1 = '${phi}'`,
      table: 'sp_string',
    });
  });
  return { app, logs: () => lines.join('') };
}

describe('logging keeps PHI out', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => app?.close());

  test('request lines carry method, path and status, never the query string, body or auth header', async () => {
    const captured = appWithCapturedLogs();
    app = captured.app;
    const search = await app.inject({
      url: `/fhir/R4/Patient?name=${encodeURIComponent(phi)}&birthdate=1931-02-03`,
      headers: { authorization: 'Bearer secret-token-123', cookie: 'session=secret-cookie' },
    });
    expect(search.statusCode).toBe(200);
    const create = await app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: { 'content-type': 'application/fhir+json' },
      payload: { resourceType: 'Patient', name: [{ text: phi }] },
    });
    expect(create.statusCode).toBe(201);
    const logs = captured.logs();
    expect(logs).toContain('"path":"/fhir/R4/Patient"');
    expect(logs).toContain('"statusCode":201');
    for (const secret of ['Zebulon', 'Quackenbush', '1931', 'secret-token', 'secret-cookie'])
      expect(logs).not.toContain(secret);
  });

  test('an unhandled error is logged without the quoted input, its detail or the query', async () => {
    const captured = appWithCapturedLogs();
    app = captured.app;
    const res = await app.inject({ url: `/boom?family=${encodeURIComponent(phi)}` });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('Zebulon');
    const logs = captured.logs();
    expect(logs).toContain('unhandled error');
    expect(logs).toContain('invalid input syntax for type date');
    expect(logs).not.toContain('Zebulon');
    expect(logs).not.toContain('Key (family)');
  });

  test('unparseable JSON is rejected without the body reaching the log', async () => {
    const captured = appWithCapturedLogs();
    app = captured.app;
    const res = await app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: { 'content-type': 'application/fhir+json' },
      payload: `{"resourceType":"Patient","name":[{"text": ${phi}}]}`,
    });
    expect(res.statusCode).toBe(400);
    expect(captured.logs()).not.toContain('Zebulon');
  });

  test('an unmatched URL is logged by path only', async () => {
    const captured = appWithCapturedLogs();
    app = captured.app;
    const res = await app.inject({ url: `/nowhere?name=${encodeURIComponent(phi)}` });
    expect(res.statusCode).toBe(404);
    expect(captured.logs()).toContain('"path":"/nowhere"');
    expect(captured.logs()).not.toContain('Zebulon');
  });

  test('errors logged directly by code are serialized safely, message included', async () => {
    const captured = appWithCapturedLogs();
    app = captured.app;
    app.log.error(new Error(`could not index "${phi}"`));
    app.log.error(
      { err: Object.assign(new Error('x'), { code: '23505', table: 'sp_token', detail: `(${phi})` }) },
      'write failed',
    );
    app.log.warn({ err: Object.assign(new Error('wrapped'), { cause: new Error(`cause "${phi}"`) }) }, 'with a cause');
    app.log.info(`Route GET:/fhir/R4/Patient?name=${encodeURIComponent(phi)} not found`);
    app.log.warn({ url: `/fhir/R4/Patient?name=${encodeURIComponent(phi)}`, reason: `bad value "${phi}"` }, 'fields');
    const logs = captured.logs();
    expect(logs).toContain('could not index');
    expect(logs).toContain('"code":"23505"');
    expect(logs).toContain('"table":"sp_token"');
    expect(logs).toContain('with a cause');
    expect(logs).toContain('Route GET:/fhir/R4/Patient?… not found');
    expect(logs).not.toContain('Zebulon');
    expect(logs).not.toContain('Quackenbush');
  });
});
