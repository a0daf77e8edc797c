import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase, postgresReachable } from './pg-admin.ts';
import { machineLine } from './stats.ts';

export type EngineName = 'postgres' | 'pglite';

/** Where one benchmark run keeps its data: a scratch PostgreSQL database, or a PGlite data directory. */
export type Target = Readonly<{
  engine: EngineName;
  /** Set on PostgreSQL. */
  databaseUrl: string | undefined;
  /** The server's data directory (PGlite's database lives here when databaseUrl is undefined). */
  dataDir: string;
  dispose(): Promise<void>;
}>;

const live = new Set<Target>();
let isHandlingInterrupt = false;

/** Ctrl-C still drops the scratch databases and data directories (child processes get the signal too). */
function disposeAllOnInterrupt(): void {
  if (isHandlingInterrupt) return;
  isHandlingInterrupt = true;
  process.once('SIGINT', () => {
    // Dropping a database ends its connections; the errors that raises in open clients no longer matter.
    process.on('uncaughtException', () => {});
    void Promise.allSettled([...live].map((t) => t.dispose())).finally(() => process.exit(130));
  });
}

/** A fresh, empty database for `engine`; `dispose()` drops it. */
export async function freshTarget(engine: EngineName): Promise<Target> {
  disposeAllOnInterrupt();
  const dataDir = mkdtempSync(join(tmpdir(), `careloop-bench-${engine}-`));
  const scratch = engine === 'postgres' ? await createScratchDatabase() : undefined;
  const target: Target = {
    engine,
    databaseUrl: scratch?.url,
    dataDir,
    async dispose() {
      live.delete(target);
      rmSync(dataDir, { recursive: true, force: true });
      await scratch?.drop();
    },
  };
  live.add(target);
  return target;
}

/** `postgres`, `pglite` or `both` → the engines to run. */
export function parseEngines(value: string): EngineName[] {
  if (value === 'both') return ['postgres', 'pglite'];
  if (value === 'postgres' || value === 'pglite') return [value];
  throw new Error(`--engine must be postgres, pglite or both (got ${value})`);
}

/**
 * Runs `bench` once per engine, each on a fresh target disposed afterwards, after checking PostgreSQL answers when it
 * is wanted and printing the machine's state; undefined (exit code 2 set) when PostgreSQL is not reachable.
 */
export async function perEngine<R>(
  name: string,
  engines: readonly EngineName[],
  bench: (engine: EngineName, target: Target) => Promise<R>,
): Promise<R[] | undefined> {
  if (engines.includes('postgres') && !(await postgresReachable())) {
    process.stderr.write(
      `${name}: PostgreSQL is not reachable (BENCH_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test)\n`,
    );
    process.exitCode = 2;
    return undefined;
  }
  process.stdout.write(`machine at start: ${machineLine()}\n`);
  const reports: R[] = [];
  for (const engine of engines) {
    const target = await freshTarget(engine);
    try {
      reports.push(await bench(engine, target));
    } finally {
      await target.dispose();
    }
  }
  return reports;
}
