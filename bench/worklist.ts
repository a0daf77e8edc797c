/**
 * `npm run bench:worklist`: the coordinator's first worklist page (`GET /fhir/R4/Task/$worklist?_count=20`) for
 * random coordinators, 64 concurrent clients, over a population of patients, care teams, risk assessments and Tasks;
 * compared with the same page computed by hand-written SQL on a plain table, measured in the same run.
 *
 *   npm run bench:worklist -- [--engine postgres|pglite|both] [--patients N] [--tasks N] [--coordinators 200]
 *                             [--clients 64] [--requests 5000] [--seconds 30] [--count 20]
 *
 * Defaults: 100,000 patients and 1,000,000 Tasks on PostgreSQL; 10,000 and 100,000 on PGlite (one connection).
 *
 * Variants, each returning the same page (checked): (1) hand-written SQL, no access control, no audit; (2) the
 * worklist use-case in-process acting for the coordinator (access resolved and applied in the store, one AuditEvent
 * per page, written before the answer as the HTTP layer does); (3) HTTP against the real server, each client signed
 * in as a coordinator with a session cookie (password and TOTP, as a browser).
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Temporal } from 'temporal-polyfill';
import { worklist } from '../apps/server/src/modules/worklist/index.ts';
import type { Actor } from '../apps/server/src/platform/access/index.ts';
import { createAuditBatcher, createAuditRecorder } from '../apps/server/src/platform/audit/index.ts';
import { systemClock } from '../apps/server/src/platform/clock.ts';
import { createDb, type Db, migrate } from '../apps/server/src/platform/db/index.ts';
import { createStore, loadDefinitions, type Store } from '../apps/server/src/platform/store/index.ts';
import { type EngineName, parseEngines, perEngine, type Target } from './lib/engines.ts';
import { httpClient } from './lib/http-load.ts';
import { printVariants, runVariant, type VariantResult } from './lib/search-load.ts';
import { type RunSql, sqlRunner } from './lib/search-sql.ts';
import { startServer } from './lib/server.ts';
import { createCoordinatorAccounts, signInCoordinators } from './lib/sign-in.ts';
import { machineLine, mib, note, num, since } from './lib/stats.ts';
import { rng } from './lib/tasks.ts';
import { coordinatorId, loadWorklistPopulation, type WorklistPopulation } from './lib/worklist-data.ts';
import { createWorklistBaseline, worklistBaselineSql } from './lib/worklist-sql.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    patients: { type: 'string' },
    tasks: { type: 'string' },
    coordinators: { type: 'string', default: '200' },
    clients: { type: 'string', default: '64' },
    requests: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '30' },
    count: { type: 'string', default: '20' },
  },
});

function positive(v: string | undefined, name: string): number {
  const n = Number(v?.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

const engines = parseEngines(values.engine);
const coordinators = positive(values.coordinators, 'coordinators');
const clients = positive(values.clients, 'clients');
const count = positive(values.count, 'count');
const options = {
  clients,
  requests: positive(values.requests, 'requests'),
  seconds: positive(values.seconds, 'seconds'),
};
const sizes = (engine: EngineName) => ({
  patients: values.patients ? positive(values.patients, 'patients') : engine === 'postgres' ? 100_000 : 10_000,
  tasks: values.tasks ? positive(values.tasks, 'tasks') : engine === 'postgres' ? 1_000_000 : 100_000,
});

/** The coordinator the i-th request is for: uniformly random, the same sequence for every variant. */
const coordinatorFor = (i: number) => `Practitioner/${coordinatorId(Math.floor(rng(i * 31 + 7)() * coordinators))}`;

type Report = {
  engine: EngineName;
  population: WorklistPopulation;
  loadRate: number;
  variants: VariantResult[];
  samePage: boolean;
  serverPeakRss: number | undefined;
};

const userActor = (ref: string, userId: string): Actor => ({
  kind: 'user',
  userId,
  username: `bench-${ref}`,
  roles: ['care-coordinator'],
  reference: ref,
  sessionId: 'bench',
});

/** The page as the in-process variant computes it: a request's store handle, one AuditEvent, then the answer. */
function inProcess(db: Db, store: Store, users: ReadonlyMap<string, string>) {
  const batcher = createAuditBatcher(db.kysely, systemClock);
  return async (ref: string) => {
    const actor = userActor(ref, users.get(ref) as string);
    const recorder = createAuditRecorder(actor, systemClock, { deferReads: true, batcher });
    const page = await worklist(store.as(actor, recorder), actor, { owner: 'mine', count }, Temporal.Now.instant());
    await recorder.conclude(db.kysely);
    return page;
  };
}

async function benchEngine(engine: EngineName, target: Target): Promise<Report> {
  const population: WorklistPopulation = { ...sizes(engine), coordinators, now: Date.now() };
  const refs = Array.from({ length: coordinators }, (_, n) => `Practitioner/${coordinatorId(n)}`);
  const warmup = Math.min(options.requests, clients * 4);
  const db = await createDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize: clients });
  await migrate(db);
  loadDefinitions();
  const system = createStore({ db, clock: systemClock });
  note(
    `${engine}: loading ${num(population.patients)} patients (care teams, risks) and ${num(population.tasks)} Tasks for ${coordinators} coordinators`,
  );
  const load = await loadWorklistPopulation(system, population);
  let t0 = performance.now();
  await db.exec('VACUUM ANALYZE');
  note(
    `${engine}: loaded ${num(load.resources)} resources in ${num(load.ms / 1000, 1)} s; VACUUM ANALYZE ${num(since(t0) / 1000, 1)} s`,
  );
  const pool = db.pool ? new pg.Pool({ connectionString: target.databaseUrl, max: clients }) : undefined;
  const run: RunSql = sqlRunner(db, pool);
  t0 = performance.now();
  await createWorklistBaseline(run);
  note(`${engine}: baseline table bench_worklist built in ${num(since(t0) / 1000, 1)} s`);
  const users = await createCoordinatorAccounts(db, refs);

  const pages = new Map<string, string[][]>();
  const checked = [0, 1, 2, 3, 4].map(coordinatorFor);
  const variants: VariantResult[] = [];
  const hand = (ref: string) => run<{ id: string }>(worklistBaselineSql, [ref, new Date().toISOString(), count]);
  const local = inProcess(db, system, users);
  try {
    pages.set('hand SQL', await Promise.all(checked.map(async (c) => (await hand(c)).map((r) => r.id))));
    variants.push(
      await runVariant('hand SQL, plain table bench_worklist', { ...options, warmup }, hand, coordinatorFor),
    );
  } finally {
    // PostgreSQL allows 100 connections: the baseline's go before the in-process variant opens its own.
    await pool?.end();
  }
  try {
    pages.set(
      'in-process',
      await Promise.all(checked.map(async (c) => ((await local(c)).entry ?? []).map((e) => e.resource?.id as string))),
    );
    variants.push(
      await runVariant('worklist use-case in-process (no HTTP)', { ...options, warmup }, local, coordinatorFor),
    );
  } finally {
    await db.close();
  }

  const server = await startServer({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  const client = httpClient(server.url, clients, '');
  try {
    note(`${engine}: signing in ${coordinators} coordinators (password + TOTP enrolment)`);
    const cookies = await signInCoordinators(server.url, refs);
    const get = async (ref: string) => {
      const res = await client.send('GET', `/fhir/R4/Task/$worklist?_count=${count}`, undefined, {
        cookie: cookies.get(ref) as string,
      });
      if (res.status !== 200) throw new Error(`worklist answered ${res.status}: ${res.body.toString().slice(0, 400)}`);
      return res.body;
    };
    const ids = (body: Buffer) =>
      ((JSON.parse(body.toString()) as { entry?: { resource: { id: string } }[] }).entry ?? []).map(
        (e) => e.resource.id,
      );
    pages.set('http', await Promise.all(checked.map(async (c) => ids(await get(c)))));
    variants.push(
      await runVariant('HTTP GET /fhir/R4/Task/$worklist (real server)', { ...options, warmup }, get, coordinatorFor),
    );
    const reference = JSON.stringify(pages.get('hand SQL'));
    const samePage = [...pages.values()].every((p) => JSON.stringify(p) === reference);
    if (!samePage) for (const [k, p] of pages) note(`page of ${checked[0]} via ${k}: ${p[0]?.join(',')}`);
    return {
      engine,
      population,
      loadRate: load.resources / (load.ms / 1000),
      variants,
      samePage,
      serverPeakRss: server.peakRss(),
    };
  } finally {
    client.close();
    await server.stop();
  }
}

async function main(): Promise<void> {
  const reports = await perEngine('bench:worklist', engines, benchEngine);
  if (!reports) return;
  for (const r of reports) {
    const p = r.population;
    printVariants(
      `Worklist first page (_count=${count}), ${r.engine}: ${num(p.patients)} patients, ${num(p.tasks)} Tasks, ${p.coordinators} coordinators, ${clients} clients (load ${num(r.loadRate)} resources/s; same page everywhere: ${r.samePage ? 'yes' : 'NO'}; server peak RSS ${mib(r.serverPeakRss)})`,
      r.variants,
    );
  }
  process.stdout.write('Targets (PostgreSQL): p95 ≤ 50 ms; ≥ 50 % of the hand-SQL throughput.\n');
  process.stdout.write(`machine at end: ${machineLine()}\n`);
}

await main();
