import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** The bare table the baseline copies into: the same resource rows, no index, no constraint. */
const createTable = 'CREATE TABLE bench_copy_raw (id text, type text, content jsonb)';

const head = /^\{"resourceType":"([A-Za-z]+)","id":"([^"]+)"/;

/**
 * The rows of NDJSON files (resourceType and id first on each line) as COPY text-format chunks of about `chunkBytes`.
 * Compact JSON holds no raw tab or newline, so only backslashes need escaping.
 */
async function* copyChunks(
  files: readonly string[],
  chunkBytes = 4 << 20,
): AsyncGenerator<{ text: string; rows: number }> {
  let parts: string[] = [];
  let size = 0;
  let rows = 0;
  const addLine = (line: string) => {
    if (line === '') return;
    const m = head.exec(line);
    if (!m) throw new Error(`NDJSON line does not start with resourceType and id: ${line.slice(0, 80)}`);
    const row = `${m[2]}\t${m[1]}\t${line.replaceAll('\\', '\\\\')}\n`;
    parts.push(row);
    size += row.length;
    rows++;
  };
  for (const file of files) {
    let rest = '';
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) {
      const lines = (rest + (chunk as string)).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) addLine(line);
      if (size >= chunkBytes) {
        yield { text: parts.join(''), rows };
        parts = [];
        size = 0;
        rows = 0;
      }
    }
    addLine(rest);
  }
  if (rows) yield { text: parts.join(''), rows };
}

export type CopyResult = Readonly<{ rows: number; ms: number; method: string }>;

/** Raw COPY of the files' rows into a bare table on PostgreSQL (pg-copy-streams, one connection). */
export async function copyPostgres(databaseUrl: string, files: readonly string[]): Promise<CopyResult> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_copy_raw');
    await client.query(createTable);
    const start = performance.now();
    const stream = client.query(copyFrom('COPY bench_copy_raw (id, type, content) FROM STDIN'));
    const finished = new Promise<void>((resolve, reject) => {
      stream.once('finish', resolve);
      stream.once('error', reject);
    });
    let rows = 0;
    for await (const chunk of copyChunks(files)) {
      rows += chunk.rows;
      if (!stream.write(chunk.text)) await once(stream, 'drain');
    }
    stream.end();
    await finished;
    const ms = performance.now() - start;
    await checkCount(
      rows,
      Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM bench_copy_raw')).rows[0]?.n),
    );
    await client.query('DROP TABLE bench_copy_raw');
    return { rows, ms, method: 'COPY FROM STDIN (pg-copy-streams)' };
  } finally {
    await client.end();
  }
}

/** Raw COPY on PGlite: `COPY … FROM '/dev/blob'` with each chunk passed as a Blob. */
export async function copyPglite(db: PGlite, files: readonly string[]): Promise<CopyResult> {
  await db.exec(`DROP TABLE IF EXISTS bench_copy_raw; ${createTable}`);
  const start = performance.now();
  let rows = 0;
  for await (const chunk of copyChunks(files, 32 << 20)) {
    await db.query(`COPY bench_copy_raw (id, type, content) FROM '/dev/blob'`, [], { blob: new Blob([chunk.text]) });
    rows += chunk.rows;
  }
  const ms = performance.now() - start;
  await checkCount(
    rows,
    Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_copy_raw')).rows[0]?.n),
  );
  await db.exec('DROP TABLE bench_copy_raw');
  return { rows, ms, method: "COPY FROM '/dev/blob' (PGlite blob option)" };
}

async function checkCount(sent: number, stored: number): Promise<void> {
  if (sent !== stored) throw new Error(`COPY baseline stored ${stored} rows of ${sent}`);
}
