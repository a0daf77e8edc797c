import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { type CopyResult, copyPglite, copyPostgres } from './copy-baseline.ts';
import { type EngineName, freshTarget, type Target } from './engines.ts';
import { type Segment, writeClones } from './ndjson.ts';
import { killOnExit } from './server.ts';
import { note, watchPeakRss } from './stats.ts';
import { type FloorResult, storeFloor } from './store-floor.ts';
import { clonesFor, type SyntheaPopulation } from './synthea.ts';

const child = fileURLToPath(new URL('./import-child.ts', import.meta.url));

export type SliceRate = Readonly<{ resources: number; ms: number; rate: number }>;

export type NdjsonIngestResult = Readonly<{
  engine: EngineName;
  resources: number;
  clones: number;
  bytes: number;
  ms: number;
  rate: number;
  /** The first and the last slice of the run (a million resources each on runs of 2 M or more, else a tenth). */
  first: SliceRate;
  last: SliceRate;
  /** Resources/s of every slice, in order. */
  sliceRates: readonly number[];
  sliceLabel: string;
  peakRss: number | undefined;
  copy: CopyResult;
  /** PostgreSQL only: the store's own rows COPYed with all its indexes, nothing validated or indexed on the clock. */
  floor: FloorResult | undefined;
  failed: number;
}>;

type Sample = { r: number; t: number };

/**
 * Writes the cloned population as NDJSON (one file per type, per slice), measures raw COPY of the same rows into a
 * bare table, then imports everything with one `importPaths` run in a child process on an empty database.
 */
export async function ndjsonIngest(
  population: SyntheaPopulation,
  engine: EngineName,
  resources: number,
): Promise<NdjsonIngestResult> {
  const wanted = clonesFor(population, resources);
  const million = 1_000_000;
  const isLarge = wanted * population.resources.length >= 2 * million;
  // Slices are equal numbers of whole clones, so every slice has the same mix of resource types and their rates compare.
  const perSlice = isLarge ? Math.ceil(million / population.resources.length) : Math.max(1, Math.round(wanted / 10));
  const slices = Math.ceil(wanted / perSlice);
  const clones = slices * perSlice;
  const total = clones * population.resources.length;
  const sliceLabel = `${perSlice} clone${perSlice > 1 ? 's' : ''} (${isLarge ? '≈ 1 M resources' : `1/${slices} of the run`}) each`;
  const root = mkdtempSync(join(tmpdir(), 'careloop-bench-ndjson-'));
  try {
    note(`${engine}: writing ${clones} clones (${total.toLocaleString('en-US')} resources) as NDJSON`);
    const segments = writeClones(population, root, clones, perSlice);
    const files = segments.flatMap((s) => s.files);
    const bytes = files.reduce((a, f) => a + fileSize(f), 0);
    note(`${engine}: raw COPY baseline of ${total.toLocaleString('en-US')} rows`);
    const copy = await copyBaseline(engine, files);
    const floor = engine === 'postgres' ? await floorOf(files) : undefined;
    const target = await freshTarget(engine);
    try {
      note(`${engine}: importing with importPaths (careloop import) in a child process`);
      const run = await runImport(target, root);
      const ends = boundaries(segments, run.samples);
      const slice = (i: number): SliceRate => {
        const seg = segments[i] as Segment;
        const ms = (ends[i] as number) - (i === 0 ? 0 : (ends[i - 1] as number));
        return { resources: seg.resources, ms, rate: seg.resources / (ms / 1000) };
      };
      return {
        engine,
        resources: run.handled,
        clones,
        bytes,
        ms: run.ms,
        rate: run.handled / (run.ms / 1000),
        first: slice(0),
        last: slice(segments.length - 1),
        sliceRates: segments.map((_, i) => slice(i).rate),
        sliceLabel,
        peakRss: run.peakRss,
        copy,
        floor,
        failed: run.failed,
      };
    } finally {
      await target.dispose();
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const fileSize = (path: string): number => statSync(path).size;

async function copyBaseline(engine: EngineName, files: readonly string[]): Promise<CopyResult> {
  const target = await freshTarget(engine);
  try {
    if (target.databaseUrl) return await copyPostgres(target.databaseUrl, files);
    const db = await PGlite.create(join(target.dataDir, 'copy'));
    try {
      return await copyPglite(db, files);
    } finally {
      await db.close();
    }
  } finally {
    await target.dispose();
  }
}

async function floorOf(files: readonly string[]): Promise<FloorResult> {
  const target = await freshTarget('postgres');
  try {
    note("postgres: storage floor (the store's own rows, prepared beforehand, COPYed over 2 connections)");
    return await storeFloor(target.databaseUrl as string, files);
  } finally {
    await target.dispose();
  }
}

/** The elapsed time at which each segment's last resource was handled (the importer reads segments in order). */
function boundaries(segments: readonly Segment[], samples: readonly Sample[]): number[] {
  let cumulative = 0;
  return segments.map((s) => {
    cumulative += s.resources;
    const at = samples.find((x) => x.r >= cumulative) ?? samples[samples.length - 1];
    return at?.t ?? Number.NaN;
  });
}

type ImportRun = { samples: Sample[]; ms: number; handled: number; failed: number; peakRss: number | undefined };

async function runImport(target: Target, root: string): Promise<ImportRun> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    CARELOOP_DATA_DIR: target.dataDir,
    LOG_LEVEL: 'warn',
  };
  if (target.databaseUrl) env.DATABASE_URL = target.databaseUrl;
  else delete env.DATABASE_URL;
  const proc = spawn(process.execPath, [child, root], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(proc);
  const rss = watchPeakRss(proc.pid as number);
  const samples: Sample[] = [];
  let summary: { elapsedMs: number; counts: Record<string, number>; errorCount: number; errors: unknown[] } | undefined;
  let stderr = '';
  let rest = '';
  proc.stdout.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const msg = JSON.parse(line) as Sample & { summary?: typeof summary };
      if (msg.summary) summary = msg.summary;
      else samples.push(msg);
    }
  });
  proc.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  const peakRss = rss.stop();
  if (code !== 0 || !summary) throw new Error(`import child exited with ${code}\n${stderr}`);
  if (summary.errorCount > 0)
    note(`import reported ${summary.errorCount} errors, e.g. ${JSON.stringify(summary.errors[0]).slice(0, 400)}`);
  const c = summary.counts;
  const handled = (c.created ?? 0) + (c.updated ?? 0) + (c.unchanged ?? 0) + (c.failed ?? 0);
  return { samples, ms: summary.elapsedMs, handled, failed: c.failed ?? 0, peakRss };
}
