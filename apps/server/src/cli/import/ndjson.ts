import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Resource } from '@medplum/fhirtypes';
import type { BatchWriter } from './batch-writer.ts';
import { readLines } from './lines.ts';
import type { Run } from './types.ts';

export type NdjsonFile = Readonly<{ path: string; name: string; gzip: boolean }>;

type Parsed =
  | { kind: 'resource'; resource: Resource }
  | { kind: 'error'; text: string; resourceType?: string }
  | { kind: 'not-resource' };

/**
 * Imports one NDJSON file (one resource per line, Bulk Data style), streaming: lines are parsed as they are read and
 * written in batches. Lines that are not JSON objects with a resourceType and an id are reported with their line number.
 * A file whose first line has no resourceType (a Bulk Data `log.ndjson`, say) is not resource data: it is skipped.
 * `onBytes` receives the bytes of the file read so far (compressed bytes for `.gz`). The resources go to `writer`, shared
 * by the NDJSON files of the import: the last batches of this file may still be in flight when it returns.
 */
export async function importNdjson(
  run: Run,
  writer: BatchWriter,
  file: NdjsonFile,
  onBytes: (bytes: number) => void,
): Promise<'imported' | 'skipped'> {
  const raw = createReadStream(file.path, { highWaterMark: 1 << 20 });
  const source = file.gzip ? raw.pipe(createGunzip()) : raw;
  let line = 0;
  let isFirst = true;
  try {
    for await (const text of readLines(source)) {
      line++;
      onBytes(raw.bytesRead);
      if (isBlank(text)) continue;
      const parsed = parseLine(text);
      if (isFirst) {
        isFirst = false;
        if (parsed.kind === 'not-resource') return 'skipped';
      }
      if (parsed.kind === 'resource') await writer.add({ resource: parsed.resource, file: file.name, line });
      else {
        const resourceType = parsed.kind === 'error' ? parsed.resourceType : undefined;
        run.fail({
          file: file.name,
          line,
          ...(resourceType ? { resourceType } : {}),
          issues: [{ text: parsed.kind === 'error' ? parsed.text : 'Line has no resourceType' }],
        });
      }
    }
    onBytes(raw.bytesRead);
    return 'imported';
  } finally {
    raw.destroy();
    if (source !== raw) source.destroy();
  }
}

const isBlank = (text: string) => text.length === 0 || /^\s*$/.test(text);

function parseLine(text: string): Parsed {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'error', text: 'Line is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { kind: 'error', text: 'Line is not a JSON object' };
  const { resourceType, id } = value as { resourceType?: unknown; id?: unknown };
  if (typeof resourceType !== 'string') return { kind: 'not-resource' };
  if (typeof id !== 'string' || id === '') return { kind: 'error', text: 'Resource id is required', resourceType };
  return { kind: 'resource', resource: value as Resource };
}
