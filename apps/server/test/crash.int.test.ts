import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, describe, expect, test } from 'vitest';
import { cliClientToken } from './cli-token.ts';
import { freshDatabase, type TestDb } from './harness.ts';

// Durability: a real server process takes concurrent writes over HTTP and is killed with SIGKILL mid-stream. After a
// restart on the same data, every write that was acknowledged (2xx) must be there, at the acknowledged version, with
// the acknowledged content, and findable through the search index. On PGlite this is also the embedded database
// recovering its data directory after an unclean stop.

const repoRoot = new URL('../../../', import.meta.url).pathname;
const cli = join(repoRoot, 'apps/server/src/cli/main.ts');

type Server = { child: ChildProcess; base: string; output: () => string };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startServer(env: Record<string, string>): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, [cli, 'start'], {
    cwd: repoRoot,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`server exited with ${child.exitCode} before it was ready:\n${output}`);
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return { child, base, output: () => output };
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`server not ready after 90 s:\n${output}`);
}

async function stop(server: Server, signal: NodeJS.Signals): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once('exit', () => resolve()));
  server.child.kill(signal);
  await exited;
}

type Ack = { key: string; version: number; body: Resource | undefined };

/** What the writers were told: every acknowledged version, plus the keys whose last write has an unknown outcome. */
type Ledger = { acks: Ack[]; unknownKeys: Set<string>; unknownCreates: number };

const json = { 'content-type': 'application/fhir+json' };

// The bearer token of the integration client the writers act as (created with the CLI before the server starts).
let token = '';
const authed = (init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
});

/**
 * One writer: creates a Patient, updates it a few times, sometimes deletes it, and sometimes posts a transaction;
 * loops until a request fails (the server is gone). Only 2xx answers are recorded as acknowledged.
 */
async function writer(base: string, w: number, ledger: Ledger): Promise<void> {
  for (let n = 0; ; n++) {
    const identifier = [{ system: 'urn:crash', value: `w${w}-${n}` }];
    let created: Patient;
    try {
      const r = await fetch(
        `${base}/fhir/R4/Patient`,
        authed({
          method: 'POST',
          headers: json,
          body: JSON.stringify({ resourceType: 'Patient', identifier, name: [{ family: `W${w}`, given: ['v1'] }] }),
        }),
      );
      if (r.status !== 201) throw new Error(`create → ${r.status}`);
      created = (await r.json()) as Patient;
    } catch {
      ledger.unknownCreates++;
      return;
    }
    const key = `Patient/${created.id}`;
    ledger.acks.push({ key, version: 1, body: created });
    for (let v = 2; v <= 1 + (n % 4); v++) {
      try {
        const r = await fetch(
          `${base}/fhir/R4/${key}`,
          authed({
            method: 'PUT',
            headers: json,
            body: JSON.stringify({ ...created, meta: undefined, name: [{ family: `W${w}`, given: [`v${v}`] }] }),
          }),
        );
        if (r.status !== 200) throw new Error(`update → ${r.status}`);
        const body = (await r.json()) as Patient;
        ledger.acks.push({ key, version: Number(body.meta?.versionId), body });
      } catch {
        ledger.unknownKeys.add(key);
        return;
      }
    }
    if (n % 3 === 2) {
      try {
        const r = await fetch(`${base}/fhir/R4/${key}`, authed({ method: 'DELETE' }));
        if (r.status !== 204) throw new Error(`delete → ${r.status}`);
        const last = ledger.acks.filter((a) => a.key === key).at(-1) as Ack;
        ledger.acks.push({ key, version: last.version + 1, body: undefined });
      } catch {
        ledger.unknownKeys.add(key);
        return;
      }
    }
    if (n % 4 === 1) {
      const bundle = {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [1, 2].map((i) => ({
          request: { method: 'POST', url: 'Observation' },
          resource: {
            resourceType: 'Observation',
            status: 'final',
            code: { text: `w${w}-${n}-${i}` },
            subject: { reference: key },
          },
        })),
      };
      try {
        const r = await fetch(
          `${base}/fhir/R4`,
          authed({ method: 'POST', headers: json, body: JSON.stringify(bundle) }),
        );
        if (r.status !== 200) throw new Error(`transaction → ${r.status}`);
        for (const e of ((await r.json()) as Bundle).entry ?? []) {
          ledger.acks.push({ key: `Observation/${e.resource?.id}`, version: 1, body: e.resource });
        }
      } catch {
        ledger.unknownCreates += 2;
        return;
      }
    }
  }
}

let pg: TestDb | undefined;
const dirs: string[] = [];
const servers: Server[] = [];

afterAll(async () => {
  for (const s of servers) await stop(s, 'SIGKILL');
  await pg?.drop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('crash safety', () => {
  test('every acknowledged write survives kill -9 of the server', { timeout: 240_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'careloop-crash-'));
    dirs.push(dataDir);
    const env: Record<string, string> = { CARELOOP_DATA_DIR: dataDir, LOG_LEVEL: 'warn', SEED_PATIENTS: '0' };
    if (process.env.DATABASE_URL) {
      pg = await freshDatabase();
      // The server opens its own pool; this one only keeps the database for drop().
      await pg.db.close();
      env.DATABASE_URL = pg.databaseUrl as string;
    }

    token = await cliClientToken(env);
    const first = await startServer(env);
    servers.push(first);
    const ledger: Ledger = { acks: [], unknownKeys: new Set(), unknownCreates: 0 };
    const writers = Array.from({ length: 8 }, (_, w) => writer(first.base, w, ledger));
    // Kill once a good number of writes are acknowledged, while the writers are still sending.
    const deadline = Date.now() + 60_000;
    while (ledger.acks.length < 150 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(ledger.acks.length, first.output()).toBeGreaterThanOrEqual(150);
    await stop(first, 'SIGKILL');
    await Promise.all(writers);
    const acks = [...ledger.acks];
    // Every writer was still writing when the server died: each ended on a request that failed.
    expect(ledger.unknownKeys.size + ledger.unknownCreates, 'writes with an unknown outcome').toBeGreaterThanOrEqual(8);

    const second = await startServer(env).catch((e: unknown) => {
      throw new Error(
        `restart on the same data after SIGKILL failed (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}): ${String(e)}`,
      );
    });
    servers.push(second);
    const get = async (path: string) => {
      const r = await fetch(`${second.base}/fhir/R4/${path}`, authed());
      return { status: r.status, body: (await r.json()) as Resource & Bundle };
    };

    // Every acknowledged version reads back as acknowledged: content, id, versionId and lastUpdated.
    const missing: string[] = [];
    for (const a of acks) {
      const r = await get(`${a.key}/_history/${a.version}`);
      if (a.body === undefined ? r.status !== 410 : r.status !== 200 || !isDeepStrictEqual(r.body, a.body)) {
        missing.push(`${a.key}@${a.version} → ${r.status}`);
      }
    }
    expect(missing, `acknowledged writes lost after SIGKILL (${missing.length} of ${acks.length})`).toEqual([]);

    // The current version is the last acknowledged one, or one more when that resource had a write in flight.
    const latest = new Map(acks.map((a) => [a.key, a]));
    for (const [key, a] of latest) {
      const r = await get(key);
      const version = r.status === 200 ? Number(r.body.meta?.versionId) : a.version;
      if (a.body === undefined) expect(r.status, key).toBe(410);
      else if (ledger.unknownKeys.has(key)) expect([a.version, a.version + 1], key).toContain(version);
      else expect({ key, status: r.status, version }).toEqual({ key, status: 200, version: a.version });
    }

    // The search index committed with the resources: each live acknowledged Patient is found by its identifier.
    const live = [...latest.values()].filter(
      (a) => a.body?.resourceType === 'Patient' && !ledger.unknownKeys.has(a.key),
    );
    for (const a of live) {
      const value = (a.body as Patient).identifier?.[0]?.value;
      const found = await get(`Patient?identifier=urn:crash|${value}`);
      expect(
        found.body.entry?.map((e) => e.resource?.id),
        value,
      ).toEqual([a.key.split('/')[1]]);
    }
    const livePatients = [...latest.values()].filter(
      (a) => a.key.startsWith('Patient/') && a.body !== undefined,
    ).length;
    // A Patient whose last request (an update or a delete) was in flight may or may not have been deleted.
    const inFlight = [...ledger.unknownKeys].filter(
      (k) => k.startsWith('Patient/') && latest.get(k)?.body !== undefined,
    );
    const total = (await get('Patient?_summary=count')).body.total as number;
    expect(total).toBeGreaterThanOrEqual(livePatients - inFlight.length);
    expect(total).toBeLessThanOrEqual(livePatients + ledger.unknownCreates + ledger.unknownKeys.size);

    // And the restarted server takes new writes.
    const after = await fetch(
      `${second.base}/fhir/R4/Patient`,
      authed({
        method: 'POST',
        headers: json,
        body: JSON.stringify({ resourceType: 'Patient', gender: 'other' }),
      }),
    );
    expect(after.status).toBe(201);
    await stop(second, 'SIGTERM');
    expect(second.child.exitCode, second.output()).toBe(0);
  });
});
