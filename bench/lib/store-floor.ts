import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@medplum/fhirtypes';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDb, migrate } from '../../apps/server/src/platform/db/index.ts';
import { indexResource, loadDefinitions } from '../../apps/server/src/platform/store/index.ts';

/** The store's own tables, in the order they are copied, with the columns the rows fill. */
const tables = {
  resource: 'rid, resource_type, id, version_id, last_updated, deleted, content, patients',
  resource_version: 'rid, version_id, last_updated, method',
  sp_token: 'rid, sp, system, value, display',
  sp_string: 'rid, sp, norm, exact',
  sp_date: 'rid, sp, lo, hi',
  sp_quantity: 'rid, sp, value, system, code',
  sp_reference: 'rid, sp, target_type, target_id, url',
  sp_uri: 'rid, sp, value',
} as const;
type Table = keyof typeof tables;

export type FloorResult = Readonly<{ rows: number; ms: number; connections: number }>;

/** COPY text format: backslash, tab, newline and carriage return escaped; null is `\N`. */
const text = (s: string | null): string =>
  s === null
    ? '\\N'
    : s.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] as string);

/**
 * The storage floor: the store's own rows for the files' resources — the resource row, its version row and every
 * search-index row, exactly as the indexer makes them — COPYed into a freshly migrated CareLoop database with all its
 * indexes, over `connections` parallel connections (one per core). Nothing is validated, nothing is parsed or indexed
 * while the clock runs (the rows are prepared into files first), so this is what PostgreSQL alone needs to store and
 * index the population: no import, however its Node side is built, can be faster on this schema.
 */
export async function storeFloor(databaseUrl: string, files: readonly string[], connections = 2): Promise<FloorResult> {
  loadDefinitions();
  const dir = mkdtempSync(join(tmpdir(), 'careloop-bench-floor-'));
  try {
    const rows = await prepare(files, dir, connections);
    const db = await createDb({ databaseUrl, poolSize: 1 });
    try {
      await migrate(db);
    } finally {
      await db.close();
    }
    const start = performance.now();
    await Promise.all(Array.from({ length: connections }, (_, part) => copyPart(databaseUrl, dir, part)));
    return { rows, ms: performance.now() - start, connections };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function prepare(files: readonly string[], dir: string, parts: number): Promise<number> {
  const lastUpdated = '2026-01-01T00:00:00.000Z';
  const outs = Array.from(
    { length: parts },
    (_, p) =>
      Object.fromEntries(Object.keys(tables).map((t) => [t, createWriteStream(join(dir, `${p}-${t}.copy`))])) as Record<
        Table,
        WriteStream
      >,
  );
  let rid = 0;
  for (const file of files) {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      const r = JSON.parse(line) as Resource;
      r.meta = { ...r.meta, versionId: '1', lastUpdated };
      const ix = indexResource(r);
      rid++;
      const o = outs[rid % parts] as Record<Table, WriteStream>;
      const patients = `{${ix.patients.map((p) => `"${p.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
      o.resource.write(
        `${rid}\t${r.resourceType}\t${text(r.id ?? null)}\t1\t${lastUpdated}\tf\t${text(JSON.stringify(r))}\t${text(patients)}\n`,
      );
      o.resource_version.write(`${rid}\t1\t${lastUpdated}\tPUT\n`);
      for (const t of ix.token)
        o.sp_token.write(`${rid}\t${t.sp}\t${text(t.system)}\t${text(t.value)}\t${text(t.display)}\n`);
      for (const t of ix.string) o.sp_string.write(`${rid}\t${t.sp}\t${text(t.norm)}\t${text(t.exact)}\n`);
      for (const t of ix.date) o.sp_date.write(`${rid}\t${t.sp}\t${t.lo}\t${t.hi}\n`);
      for (const t of ix.quantity)
        o.sp_quantity.write(`${rid}\t${t.sp}\t${t.value}\t${text(t.system)}\t${text(t.code)}\n`);
      for (const t of ix.reference)
        o.sp_reference.write(`${rid}\t${t.sp}\t${text(t.targetType)}\t${text(t.targetId)}\t${text(t.url)}\n`);
      for (const t of ix.uri) o.sp_uri.write(`${rid}\t${t.sp}\t${text(t.value)}\n`);
    }
  }
  for (const o of outs) {
    for (const s of Object.values(o)) {
      s.end();
      await once(s, 'finish');
    }
  }
  return rid;
}

/** One connection's share: every table's rows in one transaction. */
async function copyPart(databaseUrl: string, dir: string, part: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const [table, columns] of Object.entries(tables)) {
      const stream = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`));
      createReadStream(join(dir, `${part}-${table}.copy`)).pipe(stream);
      await once(stream, 'finish');
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}
