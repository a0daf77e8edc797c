import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { cloneText, type SyntheaPopulation } from './synthea.ts';

/** A slice of the cloned population written as NDJSON, one file per resource type. */
export type Segment = Readonly<{ dir: string; files: readonly string[]; resources: number; clones: readonly number[] }>;

/**
 * Writes clones 1…`clones` of the population (clone 0, the original, is left to the HTTP benchmark) as NDJSON under
 * `root`, cut into segments of `perSegment` clones: `segment-00/Observation.ndjson`, … Returns the segments in order.
 */
export function writeClones(
  population: SyntheaPopulation,
  root: string,
  clones: number,
  perSegment: number,
): Segment[] {
  const segments: Segment[] = [];
  for (let first = 1; first <= clones; first += perSegment) {
    const dir = join(root, `segment-${String(segments.length).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    const fds = new Map<string, number>();
    const files: string[] = [];
    const ks: number[] = [];
    let resources = 0;
    for (let k = first; k < Math.min(first + perSegment, clones + 1); k++) {
      ks.push(k);
      const cache = new Map<string, string>();
      const byType = new Map<string, string[]>();
      for (const r of population.resources) {
        const lines = byType.get(r.type) ?? [];
        if (lines.length === 0) byType.set(r.type, lines);
        lines.push(cloneText(r.line, k, cache));
      }
      for (const [type, lines] of byType) {
        let fd = fds.get(type);
        if (fd === undefined) {
          const file = join(dir, `${type}.ndjson`);
          files.push(file);
          fd = openSync(file, 'w');
          fds.set(type, fd);
        }
        writeSync(fd, `${lines.join('\n')}\n`);
        resources += lines.length;
      }
    }
    for (const fd of fds.values()) closeSync(fd);
    segments.push({ dir, files, resources, clones: ks });
  }
  return segments;
}
