/**
 * `npm run bench:search`: worklist-shaped Task searches (owner + open statuses, sorted by priority then due date) over
 * a large Task population, 64 concurrent clients, against the real server over HTTP; compared with the same page in
 * hand-written SQL on a plain table, hand-written SQL on CareLoop's own tables, and the store without HTTP.
 *
 *   npm run bench:search -- [--engine postgres|pglite|both] [--tasks N] [--clients 64] [--requests 5000] [--seconds 30]
 */
import { parseArgs } from 'node:util';
import type { Resource } from '@medplum/fhirtypes';
import pg from 'pg';
import { systemClock } from '../apps/server/src/platform/clock.ts';
import { createDb, type Db, migrate } from '../apps/server/src/platform/db/index.ts';
import { createStore, loadDefinitions } from '../apps/server/src/platform/store/index.ts';
import { type EngineName, parseEngines, perEngine, type Target } from './lib/engines.ts';
import { httpClient } from './lib/http-load.ts';
import {
  loadTasks,
  ownerFor,
  printVariants,
  runVariant,
  type VariantOptions,
  type VariantResult,
} from './lib/search-load.ts';
import {
  baselineParams,
  baselineSql,
  captureStoreSql,
  createBaselineTable,
  explain,
  idsOf,
  planSummary,
  type RunSql,
  spTablesParams,
  spTablesSql,
  sqlRunner,
} from './lib/search-sql.ts';
import { startServer } from './lib/server.ts';
import { machineLine, mib, note, num, since } from './lib/stats.ts';
import { worklistQuery } from './lib/tasks.ts';

// --tasks: default 1,000,000 on PostgreSQL and 100,000 on PGlite.
const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'postgres' },
    tasks: { type: 'string' },
    clients: { type: 'string', default: '64' },
    requests: { type: 'string', default: '5000' },
    seconds: { type: 'string', default: '30' },
  },
});
// 1,000,000 Tasks on PostgreSQL; PGlite (one connection, WebAssembly) gets 100,000 unless --tasks says otherwise.
const tasksFor = (engine: EngineName) =>
  values.tasks ? positive(values.tasks, 'tasks') : engine === 'postgres' ? 1_000_000 : 100_000;
const options: VariantOptions = {
  clients: positive(values.clients, 'clients'),
  requests: positive(values.requests, 'requests'),
  seconds: positive(values.seconds, 'seconds'),
  warmup: 0,
};
const engines = parseEngines(values.engine);

type EngineReport = {
  engine: EngineName;
  tasks: number;
  loadRate: number;
  loadMs: number;
  analyzeMs: number;
  variants: VariantResult[];
  samePage: boolean;
  serverPeakRss: number | undefined;
};

function positive(v: string | undefined, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer`);
  return n;
}

/** Everything for one engine: load, baselines, the plan of the store's SQL, then HTTP against the real server. */
async function benchEngine(engine: EngineName, target: Target): Promise<EngineReport> {
  const opts = { ...options, warmup: Math.min(options.requests, options.clients * 4) };
  let db: Db | undefined = await createDb({ databaseUrl: target.databaseUrl, dataDir: target.dataDir, poolSize: 4 });
  await migrate(db);
  loadDefinitions();
  const store = createStore({ db, clock: systemClock });
  const tasks = tasksFor(engine);
  note(`${engine}: loading ${num(tasks)} Tasks with store.putMany (batches of 1,000)`);
  const load = await loadTasks(store, tasks, 1000, engine === 'postgres' ? 2 : 1);
  let t0 = performance.now();
  await db.exec('VACUUM ANALYZE');
  const analyzeMs = since(t0);
  const run0 = sqlRunner(db, db.pool);
  t0 = performance.now();
  await createBaselineTable(run0);
  note(`${engine}: baseline table bench_task built in ${num(since(t0) / 1000, 1)} s`);

  await printPlan(db, run0);

  const variants: VariantResult[] = [];
  const pages = new Map<string, (string | undefined)[][]>();
  const checkOwners = [1, 2, 3, 4, 5].map(ownerFor);
  const sqlVariant = async (name: string, run: RunSql, text: string, params: (o: string) => unknown[]) => {
    pages.set(
      name,
      await Promise.all(checkOwners.map(async (o) => idsOf(await run<{ content: Resource }>(text, params(o))))),
    );
    variants.push(await runVariant(name, opts, (o) => run(text, params(o))));
  };
  const pool = db.pool ? new pg.Pool({ connectionString: target.databaseUrl, max: options.clients }) : undefined;
  try {
    const run = sqlRunner(db, pool);
    await sqlVariant('hand SQL, plain table bench_task', run, baselineSql, baselineParams);
    await sqlVariant('hand SQL, CareLoop sp_* tables', run, spTablesSql, spTablesParams);
  } finally {
    await pool?.end();
  }
  // The store's own SQL without HTTP: a pool as wide as the client count on PostgreSQL.
  const wide = db.pool ? await createDb({ databaseUrl: target.databaseUrl, poolSize: options.clients }) : db;
  try {
    const wideStore = createStore({ db: wide, clock: systemClock });
    const search = (o: string) => wideStore.search('Task', new URLSearchParams(worklistQuery(o)));
    pages.set('store', await Promise.all(checkOwners.map(async (o) => (await search(o)).matches.map((m) => m.id))));
    variants.push(await runVariant('store.search in-process (no HTTP)', opts, search));
  } finally {
    if (wide !== db) await wide.close();
  }
  await db.close();
  db = undefined;

  const server = await startServer({ databaseUrl: target.databaseUrl, dataDir: target.dataDir });
  const client = httpClient(server.url, options.clients, server.token);
  try {
    const get = async (o: string) => {
      const res = await client.send('GET', `/fhir/R4/Task?${worklistQuery(o)}`);
      if (res.status !== 200) throw new Error(`search answered ${res.status}: ${res.body.toString().slice(0, 400)}`);
      return res.body;
    };
    pages.set(
      'http',
      await Promise.all(
        checkOwners.map(async (o) =>
          ((JSON.parse((await get(o)).toString()) as { entry?: { resource: Resource }[] }).entry ?? []).map(
            (e) => e.resource.id,
          ),
        ),
      ),
    );
    variants.push(await runVariant('HTTP GET /fhir/R4/Task (real server)', opts, get));
    const serverPeakRss = server.peakRss();
    const reference = JSON.stringify(pages.values().next().value);
    const samePage = [...pages.values()].every((p) => JSON.stringify(p) === reference);
    if (!samePage) for (const [k, p] of pages) note(`page for ${checkOwners[0]} via ${k}: ${p[0]?.join(',')}`);
    return { engine, tasks, loadRate: load.rate, loadMs: load.ms, analyzeMs, variants, samePage, serverPeakRss };
  } finally {
    client.close();
    await server.stop();
  }
}

async function printPlan(db: Db, run: RunSql): Promise<void> {
  const captured = await captureStoreSql(db, new URLSearchParams(worklistQuery(ownerFor(0))));
  const page = captured[0];
  if (!page) throw new Error('the store ran no SQL for the worklist search');
  const plan = await explain(run, page.sql, page.parameters);
  process.stdout.write(`\nStore SQL for GET /fhir/R4/Task?${worklistQuery(ownerFor(0))}\n${page.sql.trim()}\n`);
  process.stdout.write(
    `parameters: ${JSON.stringify(page.parameters)}\n\nEXPLAIN (ANALYZE, BUFFERS):\n${plan.join('\n')}\n`,
  );
  process.stdout.write(`\nPlan summary:\n${planSummary(plan).join('\n')}\n`);
}

async function main(): Promise<void> {
  const reports = await perEngine('bench:search', engines, benchEngine);
  if (!reports) return;
  for (const r of reports) {
    printVariants(
      `Worklist search, ${r.engine}, ${num(r.tasks)} Tasks, ${options.clients} clients (load ${num(r.loadRate)} Tasks/s in ${num(r.loadMs / 1000, 1)} s; VACUUM ANALYZE ${num(r.analyzeMs / 1000, 1)} s; same page everywhere: ${r.samePage ? 'yes' : 'NO'}; server peak RSS ${mib(r.serverPeakRss)})`,
      r.variants,
    );
  }
  process.stdout.write(`machine at end: ${machineLine()}\n`);
}

await main();
