import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { fixedClock } from '../../platform/clock.ts';
import { createStore, loadDefinitions } from '../../platform/store/index.ts';
import { writeNdjsonExport } from './write-ndjson.ts';

describe(`NDJSON export paging on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  let testDb: TestDb;
  let dir: string;
  const clock = fixedClock('2025-02-01T08:00:00Z');

  beforeAll(async () => {
    loadDefinitions();
    testDb = await freshDatabase();
    dir = await mkdtemp(join(tmpdir(), 'careloop-ndjson-'));
    const store = createStore({ db: testDb.db, clock });
    // Five patients share one timestamp, so the keyset must tell them apart by rid.
    await store.putMany(['a', 'b', 'c', 'd', 'e'].map((id) => ({ resourceType: 'Patient' as const, id })));
    clock.advance({ minutes: 5 });
    await store.putMany(['f', 'g'].map((id) => ({ resourceType: 'Patient' as const, id })));
    // An update moves a resource to its new instant in the order; it must still appear once.
    await store.update({ resourceType: 'Patient', id: 'a', gender: 'unknown' });
  });
  afterAll(async () => {
    await testDb.drop();
    await rm(dir, { recursive: true, force: true });
  });

  async function idsIn(folder: string, files: readonly { file: string }[]): Promise<string[]> {
    const out: string[] = [];
    for (const f of files) {
      for (const line of (await readFile(join(folder, f.file), 'utf8')).split('\n').filter(Boolean))
        out.push(JSON.parse(line).id);
    }
    return out;
  }

  test('pages smaller than a run of equal timestamps lose and repeat nothing; files split at maxPerFile', async () => {
    const folder = await mkdtemp(join(dir, 'all-'));
    const pages: number[] = [];
    const files = await writeNdjsonExport(
      testDb.db,
      { types: ['Patient', 'Observation'], until: clock.now().toString() },
      folder,
      {
        pageSize: 2,
        maxPerFile: 3,
        onPage: async (p) => {
          pages.push(p.resources);
        },
      },
    );
    expect(files).toEqual([
      { type: 'Patient', file: 'Patient-1.ndjson', count: 3 },
      { type: 'Patient', file: 'Patient-2.ndjson', count: 3 },
      { type: 'Patient', file: 'Patient-3.ndjson', count: 1 },
    ]);
    // Ordered by (last change, rid): `a` was updated at the later instant and keeps the smallest rid.
    expect(await idsIn(folder, files)).toEqual(['b', 'c', 'd', 'e', 'a', 'f', 'g']);
    expect(pages).toEqual([2, 4, 6, 7, 7]);
  });

  test('since and until bound the export by last change', async () => {
    const folder = await mkdtemp(join(dir, 'since-'));
    const files = await writeNdjsonExport(
      testDb.db,
      { types: ['Patient'], since: '2025-02-01T08:00:00Z', until: clock.now().toString() },
      folder,
      { pageSize: 1 },
    );
    expect(await idsIn(folder, files)).toEqual(['a', 'f', 'g']);
    const before = await mkdtemp(join(dir, 'until-'));
    const early = await writeNdjsonExport(testDb.db, { types: ['Patient'], until: '2025-02-01T08:01:00Z' }, before);
    expect(await idsIn(before, early)).toEqual(['b', 'c', 'd', 'e']);
  });
});
