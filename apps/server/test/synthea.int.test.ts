import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { importPaths } from '../src/cli/import/index.ts';
import { processBundle } from '../src/fhir-api/index.ts';
import type { Store } from '../src/platform/store/index.ts';
import { createTestApp, sharedData, type TestApp } from './harness.ts';

// Synthea patients (third-party material, see ../shared/data/README.md): 67 transaction Bundles of 18,504 resources,
// and a 10-patient Bulk Data export as NDJSON, one type per file.
const bundleDir = join(sharedData, 'synthea', 'bundles');
const ndjsonDir = join(sharedData, 'synthea', 'bulk-ndjson-10-patients');
const present = existsSync(bundleDir) && existsSync(ndjsonDir);
if (!present)
  console.warn(`synthea: skipped, ${bundleDir} or ${ndjsonDir} is absent (third-party material beside the checkout)`);

const bundleFiles = present
  ? readdirSync(bundleDir)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const readBundle = (file: string) => JSON.parse(readFileSync(join(bundleDir, file), 'utf8')) as Bundle;

function countByType(entries: readonly BundleEntry[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of entries)
    if (e.resource) out.set(e.resource.resourceType, (out.get(e.resource.resourceType) ?? 0) + 1);
  return out;
}

describe.skipIf(!present)('Synthea transaction bundles', () => {
  let t: TestApp;
  const expected = new Map<string, number>();

  const countsInStore = async (types: Iterable<string>) => {
    const out = new Map<string, number>();
    for (const type of types) {
      const res = await t.app.inject({ method: 'GET', url: `/fhir/R4/${type}?_summary=count` });
      expect(res.statusCode).toBe(200);
      out.set(type, (res.json() as Bundle).total as number);
    }
    return out;
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  test('all 67 bundles load through POST /fhir/R4 with no errors', async () => {
    expect(bundleFiles).toHaveLength(67);
    const started = performance.now();
    let resources = 0;
    for (const file of bundleFiles) {
      const bundle = readBundle(file);
      const res = await t.app.inject({
        method: 'POST',
        url: '/fhir/R4',
        payload: bundle,
        headers: { 'content-type': 'application/fhir+json' },
      });
      expect(res.statusCode, `${file}: ${res.body.slice(0, 500)}`).toBe(200);
      const response = res.json() as Bundle;
      expect(response.type).toBe('transaction-response');
      expect(response.entry).toHaveLength(bundle.entry?.length ?? 0);
      expect(response.entry?.every((e) => e.response?.status === '201')).toBe(true);
      for (const [type, n] of countByType(bundle.entry ?? [])) expected.set(type, (expected.get(type) ?? 0) + n);
      resources += bundle.entry?.length ?? 0;
    }
    const seconds = (performance.now() - started) / 1000;
    console.info(
      `synthea: ${resources} resources in ${seconds.toFixed(1)} s (${Math.round(resources / seconds)}/s, ${t.db.engine})`,
    );
    expect(resources).toBe(18_504);
  }, 180_000); // ≈11 s on PGlite on an idle 2-core machine; generous for a loaded CI runner

  test('counts per type match the bundles', async () => {
    expect(expected.size).toBeGreaterThan(0);
    expect(Object.fromEntries(await countsInStore(expected.keys()))).toEqual(Object.fromEntries(expected));
  });

  test('references between entries were rewritten to the stored ids', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/fhir/R4/Encounter?_count=5&_include=Encounter:subject' });
    const bundle = res.json() as Bundle;
    const encounters = (bundle.entry ?? []).filter((e) => e.search?.mode === 'match');
    const patients = new Set(
      (bundle.entry ?? []).filter((e) => e.search?.mode === 'include').map((e) => `Patient/${e.resource?.id}`),
    );
    expect(encounters.length).toBe(5);
    for (const e of encounters)
      expect(patients).toContain((e.resource as { subject?: { reference?: string } }).subject?.reference);
  });

  test('re-posting a bundle with keepClientIds twice creates no duplicates', async () => {
    const file = bundleFiles[0] as string;
    const bundle = readBundle(file);
    const types = [...countByType(bundle.entry ?? []).keys()];
    const base = 'http://careloop.test/fhir/R4';
    const before = await countsInStore(types);

    // The first import keeps the urn:uuid ids, so it adds one copy beside the server-id copy POSTed above…
    const first = await processBundle(t.store, base, structuredClone(bundle), { keepClientIds: true });
    const ids = (bundle.entry ?? []).map((e) => e.fullUrl?.replace('urn:uuid:', ''));
    expect(first.entry?.map((e) => e.resource?.id)).toEqual(ids);
    const afterFirst = await countsInStore(types);
    for (const [type, n] of countByType(bundle.entry ?? []))
      expect(afterFirst.get(type), type).toBe((before.get(type) ?? 0) + n);

    // …and importing the same file again changes nothing: same ids, no new versions, same counts.
    const second = await processBundle(t.store, base, structuredClone(bundle), { keepClientIds: true });
    expect(second.entry?.map((e) => e.resource?.id)).toEqual(ids);
    expect(second.entry?.every((e) => e.response?.status === '200' && e.resource?.meta?.versionId === '1')).toBe(true);
    expect(Object.fromEntries(await countsInStore(types))).toEqual(Object.fromEntries(afterFirst));
  });
});

const ndjsonFiles = present ? readdirSync(ndjsonDir).filter((f) => f.endsWith('.ndjson') && f !== 'log.ndjson') : [];
// Targets of the other files' references first, so conditional references resolve against stored resources.
const loadOrder = ['Organization', 'Location', 'Practitioner', 'PractitionerRole', 'Patient'];
const rank = (f: string) => {
  const i = loadOrder.indexOf(f.split('.')[0] as string);
  return i === -1 ? loadOrder.length : i;
};

/**
 * Synthea's Bulk Data export refers to practitioners, organizations and locations conditionally
 * (`Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|…`); a stored reference must be a literal one, so the
 * loader resolves each to the one matching resource first, as a transaction does (R4 http.html, transaction
 * processing rules).
 */
async function resolveConditionalReferences(
  store: Store,
  resource: Resource,
  cache: Map<string, string>,
): Promise<Resource> {
  const resolve = async (ref: string): Promise<string> => {
    const hit = cache.get(ref);
    if (hit) return hit;
    const [type = '', query = ''] = ref.split('?');
    const found = await store.search(type, new URLSearchParams(`${query}&_count=2`), { total: 'none' });
    if (found.matches.length !== 1) throw new Error(`${ref} matches ${found.matches.length} resources`);
    const literal = `${type}/${found.matches[0]?.id}`;
    cache.set(ref, literal);
    return literal;
  };
  const rewrite = async (v: unknown): Promise<unknown> => {
    if (Array.isArray(v)) return Promise.all(v.map(rewrite));
    if (typeof v !== 'object' || v === null) return v;
    const out: Record<string, unknown> = {};
    for (const [k, child] of Object.entries(v)) {
      out[k] =
        k === 'reference' && typeof child === 'string' && /^[A-Z][A-Za-z]+\?/.test(child)
          ? await resolve(child)
          : await rewrite(child);
    }
    return out;
  };
  return (await rewrite(resource)) as Resource;
}

describe.skipIf(!present)('Synthea Bulk Data NDJSON', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const countsMatch = async (expected: ReadonlyMap<string, number>) => {
    for (const [type, n] of expected) {
      const found = await t.store.search(type, new URLSearchParams('_summary=count'));
      expect(found.total, type).toBe(n);
    }
  };

  test('store.putMany loads every file in batches with no errors and the counts match', async () => {
    expect(ndjsonFiles.length).toBeGreaterThan(10);
    const cache = new Map<string, string>();
    const expected = new Map<string, number>();
    const batchSize = 500;
    for (const file of [...ndjsonFiles].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))) {
      const lines = readFileSync(join(ndjsonDir, file), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '');
      for (let i = 0; i < lines.length; i += batchSize) {
        const batch = await Promise.all(
          lines
            .slice(i, i + batchSize)
            .map((l) => resolveConditionalReferences(t.store, JSON.parse(l) as Resource, cache)),
        );
        const results = await t.store.putMany(batch);
        expect(results.every((r) => r.outcome === 'created')).toBe(true);
        for (const r of batch) expected.set(r.resourceType, (expected.get(r.resourceType) ?? 0) + 1);
      }
    }
    await countsMatch(expected);
    expect([...expected.values()].reduce((a, b) => a + b, 0)).toBe(7160);
  }, 120_000);

  test('careloop import (importPaths) loads the folder into an empty database with no errors', async () => {
    const fresh = await createTestApp();
    try {
      const summary = await importPaths(fresh.store, [ndjsonDir], { baseUrl: 'http://careloop.test', maxErrors: 3 });
      expect(summary.skipped.map((s) => s.file.split('/').pop())).toContain('log.ndjson');
      expect({ errorCount: summary.errorCount, firstErrors: summary.errors }).toEqual({
        errorCount: 0,
        firstErrors: [],
      });
      expect(summary.counts).toEqual({ created: 7160, updated: 0, unchanged: 0, deleted: 0, failed: 0 });
    } finally {
      await fresh.close();
    }
  }, 120_000);
});
