import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** The p-th percentile (0–100) of an ascending-sorted sample, nearest-rank. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Peak resident set size (VmHWM) of a live process, in bytes; undefined once it has exited. */
export function peakRss(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Samples a process's VmHWM every `everyMs` while it runs. VmHWM only grows, so the last sample taken before the
 * process exits is its peak up to that moment (a child that exits cannot be read afterwards).
 */
export function watchPeakRss(pid: number, everyMs = 100): { stop(): number | undefined } {
  let last: number | undefined;
  const sample = () => {
    last = peakRss(pid) ?? last;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return last;
    },
  };
}

/** 1234567 → "1,234,567"; digits after the point when asked. */
export function num(n: number | undefined, digits = 0): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export const mib = (bytes: number | undefined): string => (bytes === undefined ? '–' : `${num(bytes / 2 ** 20)} MiB`);

export const ratio = (ours: number, baseline: number): string =>
  baseline > 0 ? `${(ours / baseline).toFixed(3)}` : '–';

export const percent = (ours: number, baseline: number): string =>
  baseline > 0 ? `${((100 * ours) / baseline).toFixed(1)} %` : '–';

/** Prints rows as an aligned plain-text table (numbers right-aligned). */
export function printTable(title: string, header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) =>
        /^[-–\d.,%\s]+(MiB|ms|s)?$/.test(c) && i > 0 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0),
      )
      .join('  ');
  process.stdout.write(`\n${title}\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(`${line(r)}\n`);
}

/** A progress line on stderr, so stdout stays the figures. */
export function note(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

/** Milliseconds since `start` (a performance.now() reading). */
export const since = (start: number): number => performance.now() - start;

/**
 * The machine and how busy it already is: figures taken while other work loads the cores are not comparable, so
 * every benchmark prints this at its start and end.
 */
export function machineLine(): string {
  const [one, five] = loadavg();
  return `${availableParallelism()} cores, ${mib(totalmem())} memory, load average ${one?.toFixed(2)} (1 min) ${five?.toFixed(2)} (5 min), Node ${process.version}`;
}
