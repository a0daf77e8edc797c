import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { cliClientToken } from './cli-token.ts';
import { createTestApp, freshDatabase, type TestApp } from './harness.ts';

// Operations surface through the real app: health, readiness, metrics, body limit, PHI-free logs; then the real
// `careloop` process: configuration errors and graceful shutdown with a request in flight.

const family = 'Quackenbush';
const given = 'Zebulon';

// Every app built in this file logs into `captured` instead of stdout, at the level its config gives.
const captured = vi.hoisted(() => ({
  lines: [] as string[],
  write(line: string) {
    captured.lines.push(line);
  },
}));
vi.mock(import('../src/platform/http/logging.ts'), async (importOriginal) => {
  const original = await importOriginal();
  return { ...original, loggerOptions: (level: string) => original.loggerOptions(level, captured) };
});

const fhirJson = { 'content-type': 'application/fhir+json' };
const patient = { resourceType: 'Patient', name: [{ family, given: [given] }], birthDate: '1931-02-03' };

/** The value of one series (`name{labels}`) in a Prometheus text exposition; 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

// One app for the in-process tests: logging at trace (into `captured`), with a small body limit to test it.
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ config: { logLevel: 'trace', bodyLimitBytes: 8192 } });
});
afterAll(() => t?.close());

describe('health and readiness', () => {
  test('/healthz answers ok', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  test('/readyz is ready on a migrated database and 503 while a migration is pending', async () => {
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });

    const { rows } = await sql<{ version: string }>`SELECT max(version) AS version FROM schema_migration`.execute(
      t.db.kysely,
    );
    const latest = rows[0]?.version;
    expect(latest).toMatch(/^\d{4}_/);
    await sql`DELETE FROM schema_migration WHERE version = ${latest}`.execute(t.db.kysely);
    try {
      const pending = await t.app.inject({ url: '/readyz' });
      expect(pending.statusCode).toBe(503);
      expect(pending.json()).toEqual({ status: 'migrations pending', pending: [latest] });
    } finally {
      await sql`INSERT INTO schema_migration (version) VALUES (${latest})`.execute(t.db.kysely);
    }
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});

describe('request body limit', () => {
  test('a body over BODY_LIMIT_BYTES is refused with 413 and an OperationOutcome; one under it is accepted', async () => {
    const big = {
      ...patient,
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${'x'.repeat(9000)}</div>` },
    };
    const refused = await t.app.inject({ method: 'POST', url: '/fhir/R4/Patient', headers: fhirJson, payload: big });
    expect(refused.statusCode).toBe(413);
    expect(refused.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ severity: 'error' }] });
    const accepted = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: fhirJson,
      payload: patient,
    });
    expect(accepted.statusCode).toBe(201);
  });
});

describe('/metrics', () => {
  const scrape = async () => (await t.app.inject({ url: '/metrics' })).body;

  test('counts and times requests by method, route pattern and status, without ids or query values', async () => {
    const before = await scrape();
    const created = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: fhirJson,
      payload: patient,
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;
    expect((await t.app.inject({ url: `/fhir/R4/Patient/${id}` })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/fhir/R4/Patient/${id}` })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/fhir/R4/Patient?family=${family}` })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/fhir/R4/Patient/does-not-exist' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/no/such/route/${id}` })).statusCode).toBe(404);

    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const after = res.body;
    const added = (series: string) => sample(after, series) - sample(before, series);
    expect(added('http_requests_total{method="POST",route="/fhir/R4/:type",status_code="201"}')).toBe(1);
    expect(added('http_requests_total{method="GET",route="/fhir/R4/:type/:id",status_code="200"}')).toBe(2);
    expect(added('http_requests_total{method="GET",route="/fhir/R4/:type/:id",status_code="404"}')).toBe(1);
    expect(added('http_requests_total{method="GET",route="/fhir/R4/:type",status_code="200"}')).toBe(1);
    expect(added('http_requests_total{method="GET",route="unmatched",status_code="404"}')).toBe(1);
    expect(
      added('http_request_duration_seconds_count{method="GET",route="/fhir/R4/:type/:id",status_code="200"}'),
    ).toBe(2);
    expect(
      added('http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/fhir/R4/:type",status_code="201"}'),
    ).toBe(1);
    for (const leak of [id, family, 'no/such', 'does-not-exist']) expect(after).not.toContain(leak);
  });

  test('includes process metrics, and pool connections only on PostgreSQL', async () => {
    const text = await scrape();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    if (t.db.engine === 'postgres') {
      expect(sample(text, 'careloop_db_pool_connections{state="total"}')).toBeGreaterThan(0);
      expect(text).toMatch(/^careloop_db_pool_connections\{state="idle"\} \d+$/m);
      expect(text).toMatch(/^careloop_db_pool_connections\{state="waiting"\} \d+$/m);
    } else {
      expect(text).not.toContain('careloop_db_pool_connections');
    }
  });

  test('each app instance has its own registry', async () => {
    const other = await createTestApp();
    try {
      const text = (await other.app.inject({ url: '/metrics' })).body;
      expect(text).toContain('# TYPE http_requests_total counter');
      expect(text).not.toContain('route="/fhir/R4/:type/:id"');
    } finally {
      await other.close();
    }
  });
});

describe('logs carry no PHI', () => {
  test('a search by name and a create with a name in the body never put the name in the logs', async () => {
    captured.lines.length = 0;
    const created = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: fhirJson,
      payload: patient,
    });
    expect(created.statusCode).toBe(201);
    const search = await t.app.inject({ url: `/fhir/R4/Patient?name=${given}&family=${family}&birthdate=1931-02-03` });
    expect(search.statusCode).toBe(200);
    const found = (search.json().entry as { resource: { id: string } }[]).map((e) => e.resource.id);
    expect(found).toContain(created.json().id);
    const invalid = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: fhirJson,
      payload: { ...patient, birthDate: `${family} ${given}` },
    });
    expect(invalid.statusCode).toBe(400);
    const forged = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      headers: { ...fhirJson, authorization: 'Bearer secret-token-1234567890abcdef' },
      payload: patient,
    });
    expect(forged.statusCode).toBe(401);

    const logs = captured.lines.join('');
    expect(logs).toContain('"msg":"incoming request"');
    expect(logs).toContain('"path":"/fhir/R4/Patient"');
    expect(logs).toContain('"statusCode":201');
    // The full birth date: a bare year would also match inside a millisecond timestamp.
    for (const secret of [given, family, '1931-02-03', 'secret-token']) expect(logs).not.toContain(secret);
  });
});

/** Runs `careloop <args>` from the repository root as its own process. */
function careloop(args: string[], env: Record<string, string>): ChildProcess {
  const root = new URL('../../../', import.meta.url).pathname;
  return spawn(process.execPath, ['apps/server/src/cli/main.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

type Exit = Readonly<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;

function collect(child: ChildProcess): { exit: Promise<Exit>; stdout: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { exit, stdout: () => stdout };
}

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('careloop process', () => {
  test.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'mysql://db.example/careloop'],
  ])('start with %s=%s prints an error naming the variable and exits non-zero', async (name, value) => {
    const { exit } = collect(careloop(['start'], { [name]: value }));
    const result = await exit;
    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain(`${name}: `);
  });

  test('SIGTERM lets an in-flight transaction finish with 2xx, refuses new connections, and exits 0', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'careloop-shutdown-'));
    // On PostgreSQL (DATABASE_URL set) the process gets a fresh database of its own; otherwise PGlite in dataDir.
    const database = process.env.DATABASE_URL ? await freshDatabase() : undefined;
    const port = await freePort();
    const base = { PORT: String(port), CARELOOP_DATA_DIR: dataDir, SEED_PATIENTS: '0' };
    const env: Record<string, string> = database?.databaseUrl ? { ...base, DATABASE_URL: database.databaseUrl } : base;
    const token = await cliClientToken(env);
    const child = careloop(['start'], env);
    const out = collect(child);
    try {
      await until(() => out.stdout().includes('CareLoop is running'), 'the server to start', 120_000);
      const entries = Array.from({ length: 500 }, (_, i) => ({
        fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        resource: patient,
        request: { method: 'POST', url: 'Patient' },
      }));
      const body = Buffer.from(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: entries }));
      const half = Math.floor(body.length / 2);

      // Headers and half the body go out first, so the request is in flight when the signal arrives.
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/fhir/R4',
        headers: { ...fhirJson, 'content-length': body.length, authorization: `Bearer ${token}` },
      });
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        req.on('response', (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
      });
      req.write(body.subarray(0, half));
      await until(
        () => out.stdout().includes('"method":"POST","path":"/fhir/R4"'),
        'the server to receive the request',
      );
      child.kill('SIGTERM');
      await until(async () => !(await accepts(port)), 'the server to stop accepting new requests');
      req.end(body.subarray(half));

      const answer = await response;
      const answeredAt = Date.now();
      expect(answer.status).toBe(200);
      const bundle = JSON.parse(answer.text) as { type: string; entry: { response: { status: string } }[] };
      expect(bundle.type).toBe('transaction-response');
      expect(bundle.entry).toHaveLength(500);
      expect(bundle.entry.every((e) => e.response.status.startsWith('201'))).toBe(true);
      const result = await out.exit;
      expect(result.code).toBe(0);
      // Well under Node's 5 s keep-alive timeout: the answered connection does not hold the shutdown open.
      expect(Date.now() - answeredAt).toBeLessThan(3000);
      expect(result.stdout).not.toContain(family);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      await database?.drop();
    }
  }, 180_000);
});

/** Whether a new request on a new connection is served (false once the server is closing: refused or 503). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** A port nothing listens on right now (the OS picks it), for the server process under test. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
