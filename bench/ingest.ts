/**
 * `npm run bench:ingest`: ingest of the Synthea bundles and of a larger population cloned from them (every uuid
 * rewritten per clone), (a) through the HTTP transaction endpoint of the real server with concurrent clients and
 * (b) through `careloop import` of NDJSON; each compared with raw COPY of the same resource rows into a bare table,
 * measured in the same run.
 *
 *   npm run bench:ingest -- [--engine postgres|pglite|both] [--resources N] [--clones K] [--clients 2,4,8] [--seconds 120]
 *
 * --resources  NDJSON population size (rounded up to whole clones, and to equal slices); default 500,000 on PostgreSQL, 50,000 on PGlite
 * --clones     population clones POSTed as transaction Bundles per client count; default 2 (PostgreSQL), 1 (PGlite)
 * --clients    concurrent HTTP clients; several (comma-separated) are tried and the best is reported
 * --seconds    time bound of each HTTP run
 */
import { parseArgs } from 'node:util';
import { type EngineName, parseEngines } from './lib/engines.ts';
import { type HttpIngestResult, httpIngest } from './lib/ingest-http.ts';
import { type NdjsonIngestResult, ndjsonIngest } from './lib/ingest-ndjson.ts';
import { postgresReachable } from './lib/pg-admin.ts';
import { machineLine, mib, note, num, percent, printTable, ratio } from './lib/stats.ts';
import { loadSynthea, syntheaDir } from './lib/synthea.ts';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'both' },
    resources: { type: 'string' },
    clones: { type: 'string' },
    clients: { type: 'string', default: '2,4,8' },
    seconds: { type: 'string', default: '120' },
  },
});

const defaults: Record<EngineName, { resources: number; clones: number }> = {
  postgres: { resources: 500_000, clones: 2 },
  pglite: { resources: 50_000, clones: 1 },
};

function positive(v: string, name: string): number {
  const n = Number(v.replaceAll('_', ''));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got ${v})`);
  return n;
}

const engines = parseEngines(values.engine);
const clientCounts = values.clients.split(',').map((c) => positive(c.trim(), 'clients'));
const seconds = positive(values.seconds, 'seconds');

type Report = { engine: EngineName; http: HttpIngestResult[]; ndjson: NdjsonIngestResult };

async function main(): Promise<void> {
  const population = loadSynthea();
  if (!population) {
    process.stderr.write(
      `bench:ingest: the Synthea bundles are not at ${syntheaDir} (../shared/data/synthea/bundles); nothing to ingest.\n`,
    );
    process.exitCode = 2;
    return;
  }
  if (engines.includes('postgres') && !(await postgresReachable())) {
    process.stderr.write(
      'bench:ingest: PostgreSQL is not reachable (BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)\n',
    );
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`machine at start: ${machineLine()}\n`);
  note(
    `${population.bundles.length} Synthea bundles, ${num(population.bundleResources)} entries, ${num(population.resources.length)} distinct resources`,
  );
  const reports: Report[] = [];
  for (const engine of engines) {
    const clones = values.clones ? positive(values.clones, 'clones') : defaults[engine].clones;
    const resources = values.resources ? positive(values.resources, 'resources') : defaults[engine].resources;
    const http: HttpIngestResult[] = [];
    for (const clients of clientCounts)
      http.push(await httpIngest(population, engine, clones, clients, seconds * 1000));
    reports.push({ engine, http, ndjson: await ndjsonIngest(population, engine, resources) });
  }
  print(reports);
  process.stdout.write(`machine at end: ${machineLine()}\n`);
}

function print(reports: readonly Report[]): void {
  for (const r of reports) {
    const n = r.ndjson;
    const copyRate = n.copy.rows / (n.copy.ms / 1000);
    printTable(
      `(a) HTTP transaction ingest, ${r.engine}: Synthea bundles (clones POSTed as transaction Bundles), fresh server and database per row`,
      ['clients', 'bundles', 'resources', 'seconds', 'resources/s', 'p50 bundle ms', 'server peak RSS', '÷ raw COPY'],
      r.http.map((h) => [
        String(h.clients),
        num(h.bundles),
        num(h.resources),
        num(h.ms / 1000, 1),
        num(h.rate),
        num(h.p50BundleMs),
        mib(h.peakRss),
        ratio(h.rate, copyRate),
      ]),
    );
    printTable(
      `(b) NDJSON import (importPaths = careloop import), ${r.engine}: ${n.clones} clones, ${num(n.resources)} resources, ${mib(n.bytes)} of NDJSON; slices of ${n.sliceLabel}`,
      ['what', 'resources', 'seconds', 'resources/s', '÷ raw COPY', 'peak RSS'],
      [
        [
          'raw COPY into a bare table (baseline)',
          num(n.copy.rows),
          num(n.copy.ms / 1000, 1),
          num(copyRate),
          '1.000',
          '–',
        ],
        ...(n.floor
          ? [
              [
                `storage floor: the store's rows COPYed, ${n.floor.connections} connections`,
                num(n.floor.rows),
                num(n.floor.ms / 1000, 1),
                num(n.floor.rows / (n.floor.ms / 1000)),
                ratio(n.floor.rows / (n.floor.ms / 1000), copyRate),
                '–',
              ],
            ]
          : []),
        [
          'import, whole run',
          num(n.resources),
          num(n.ms / 1000, 1),
          num(n.rate),
          ratio(n.rate, copyRate),
          mib(n.peakRss),
        ],
        [
          'import, first slice',
          num(n.first.resources),
          num(n.first.ms / 1000, 1),
          num(n.first.rate),
          ratio(n.first.rate, copyRate),
          '',
        ],
        [
          'import, last slice',
          num(n.last.resources),
          num(n.last.ms / 1000, 1),
          num(n.last.rate),
          ratio(n.last.rate, copyRate),
          '',
        ],
      ],
    );
    process.stdout.write(`every slice, resources/s: ${n.sliceRates.map((x) => num(x)).join(', ')}\n`);
    process.stdout.write(`baseline method: ${n.copy.method}; failed entries: ${n.failed}\n`);
    if (n.floor)
      process.stdout.write(
        'storage floor: the resource, version and search-index rows the indexer makes for the same resources, written to files first, then COPYed into a migrated CareLoop database with all its indexes; no validation, parsing or indexing on the clock — an upper bound for any import into this schema\n',
      );
  }
  const rows = reports.map((r) => {
    const best = r.http.reduce((a, b) => (b.rate > a.rate ? b : a));
    const n = r.ndjson;
    const copyRate = n.copy.rows / (n.copy.ms / 1000);
    const peak = Math.max(...r.http.map((h) => h.peakRss ?? 0), n.peakRss ?? 0);
    return [
      r.engine,
      `${num(best.rate)} (${best.clients} clients)`,
      num(n.rate),
      num(copyRate),
      percent(n.rate, copyRate),
      n.floor ? percent(n.floor.rows / (n.floor.ms / 1000), copyRate) : '–',
      ratio(n.last.rate, n.first.rate),
      mib(peak),
    ];
  });
  printTable(
    'Summary (targets on PostgreSQL: HTTP ≥ 2,500 resources/s; import ≥ 25 % of raw COPY; last slice ≥ first; peak RSS ≤ 1 GB)',
    [
      'engine',
      'HTTP best resources/s',
      'import resources/s',
      'raw COPY rows/s',
      'import ÷ COPY',
      'storage floor ÷ COPY',
      'last ÷ first slice',
      'peak RSS (max)',
    ],
    rows,
  );
}

await main();
