import cliProgress from 'cli-progress';
import type { ImportProgress } from './types.ts';

/** Where progress and notices go while an import runs. */
export type ProgressReporter = Readonly<{
  update(progress: ImportProgress): void;
  notice(message: string): void;
  stop(): void;
}>;

type Out = NodeJS.WritableStream;

/**
 * A progress bar (bytes done of the total, resources/s, ETA) when `out` is a terminal; otherwise one plain line every
 * `intervalMs`, which reads well in CI logs and files.
 */
export function progressReporter(out: Out, isTTY: boolean, intervalMs = 5000): ProgressReporter {
  return isTTY ? barReporter(out) : lineReporter(out, intervalMs);
}

function barReporter(out: Out): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream: out,
      format:
        'importing {bar} {percentage}% | {done} of {size} | {resources} resources | {rate}/s | ETA {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = {
        done: bytes(p.bytesDone),
        size: bytes(p.bytesTotal),
        resources: p.resources.toLocaleString('en'),
        rate: rate(p),
      };
      if (!started) {
        started = true;
        bar.start(Math.max(1, p.bytesTotal), p.bytesDone, payload);
      } else bar.update(p.bytesDone, payload);
    },
    notice(message) {
      // Clear the bar's line; it is drawn again on the next update.
      out.write(`${started ? '\r\x1b[K' : ''}${message}\n`);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

function lineReporter(out: Out, intervalMs: number): ProgressReporter {
  let last = Number.NEGATIVE_INFINITY;
  return {
    update(p) {
      if (p.elapsedMs - last < intervalMs) return;
      last = p.elapsedMs;
      const share = p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1;
      const eta = share > 0 && share < 1 ? ` ETA ${duration((p.elapsedMs * (1 - share)) / share)}` : '';
      out.write(
        `import: ${p.resources.toLocaleString('en')} resources (${rate(p)}/s), ${bytes(p.bytesDone)} of ${bytes(p.bytesTotal)} (${Math.floor(share * 100)}%)${eta}\n`,
      );
    },
    notice(message) {
      out.write(`${message}\n`);
    },
    stop() {},
  };
}

const rate = (p: ImportProgress) =>
  Math.round(p.elapsedMs > 0 ? (p.resources * 1000) / p.elapsedMs : 0).toLocaleString('en');

/** 1536 → "1.5 KB". */
function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** 83_000 → "1m 23s". */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}
