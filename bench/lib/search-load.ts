import type { Store } from '../../apps/server/src/platform/store/index.ts';
import { closedLoop } from './http-load.ts';
import { note, num, percentile, printTable, ratio } from './stats.ts';
import { benchTask, ownerRef, owners, rng } from './tasks.ts';

/** Loads Tasks 0…n-1 with `store.putMany` in batches, `inFlight` batches at a time; returns tasks per second. */
export async function loadTasks(
  store: Store,
  n: number,
  batch: number,
  inFlight: number,
): Promise<{ ms: number; rate: number }> {
  let next = 0;
  let done = 0;
  let reported = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < n) {
      const from = next;
      next = Math.min(n, next + batch);
      const tasks = [];
      for (let i = from; i < next; i++) tasks.push(benchTask(i));
      await store.putMany(tasks);
      done += tasks.length;
      if (done - reported >= n / 10) {
        reported = done;
        note(
          `loaded ${done.toLocaleString('en-US')} Tasks (${Math.round(done / ((performance.now() - start) / 1000))}/s)`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  const ms = performance.now() - start;
  return { ms, rate: n / (ms / 1000) };
}

/** The owner the i-th query asks for: uniformly random, the same sequence for every variant. */
export const ownerFor = (i: number): string => ownerRef(1 + Math.floor(rng(i * 31 + 7)() * owners));

export type VariantResult = Readonly<{
  name: string;
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}>;

export type VariantOptions = Readonly<{ clients: number; requests: number; seconds: number; warmup: number }>;

/**
 * Runs `query(keyFor(i))` (by default the i-th owner) in a closed loop: a warm-up (not measured) then up to `requests` requests or `seconds`,
 * whichever ends first. Latency is per request, from send to the last byte.
 */
export async function runVariant(
  name: string,
  options: VariantOptions,
  query: (owner: string) => Promise<unknown>,
  keyFor: (i: number) => string = ownerFor,
): Promise<VariantResult> {
  note(
    `${name}: warm-up ${options.warmup}, then ≤ ${options.requests} requests / ${options.seconds} s with ${options.clients} clients`,
  );
  const warm = await closedLoop({
    clients: options.clients,
    maxOps: options.warmup,
    maxMs: 60_000,
    op: (i) => query(keyFor(1_000_000 + i)),
  });
  if (warm.errors.length) throw warm.errors[0];
  const run = await closedLoop({
    clients: options.clients,
    maxOps: options.requests,
    maxMs: options.seconds * 1000,
    op: (i) => query(keyFor(i)),
  });
  if (run.errors.length) throw run.errors[0];
  const l = run.latenciesMs;
  return {
    name,
    requests: run.ops,
    seconds: run.elapsedMs / 1000,
    rps: run.ops / (run.elapsedMs / 1000),
    p50: percentile(l, 50),
    p95: percentile(l, 95),
    p99: percentile(l, 99),
  };
}

/** The variants of one run as a table, each with its ratio to the first (the hand-written baseline). */
export function printVariants(title: string, variants: readonly VariantResult[]): void {
  const base = variants[0] as VariantResult;
  printTable(
    title,
    ['variant', 'requests', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s ÷ hand SQL', 'p50 ÷ hand SQL'],
    variants.map((v) => [
      v.name,
      num(v.requests),
      num(v.rps),
      num(v.p50, 1),
      num(v.p95, 1),
      num(v.p99, 1),
      ratio(v.rps, base.rps),
      ratio(v.p50, base.p50),
    ]),
  );
}
