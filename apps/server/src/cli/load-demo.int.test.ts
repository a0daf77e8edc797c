import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.ts';
import { isEmpty, loadDemoPopulation } from './load-demo.ts';
import { SYSTEM } from './seed/codes.ts';

describe('demo population', () => {
  let t: TestApp;
  const now = new Date('2026-11-23T00:00:00Z');
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const count = async (type: string, query = '') =>
    (await t.store.search(type, new URLSearchParams(`${query}&_summary=count`))).total;

  test('loads into an empty database, through the store, with everything searchable', async () => {
    expect(await isEmpty(t.db)).toBe(true);
    const summary = await loadDemoPopulation(t.store, { patients: 25, now });
    expect(summary.created).toBe(summary.resources);
    expect(await isEmpty(t.db)).toBe(false);
    expect(await count('Patient')).toBe(25);
    expect(await count('Practitioner')).toBeGreaterThanOrEqual(40);
    expect(await count('PractitionerRole', `role=${SYSTEM.staffRole}|care-coordinator`)).toBeGreaterThan(0);
    expect(await count('PractitionerRole', `role=${SYSTEM.staffRole}|supervisor`)).toBe(1);
    // Every patient has a care team with a coordinator and at least one condition-bearing encounter history.
    expect(await count('CareTeam')).toBe(25);
    expect(await count('Encounter')).toBeGreaterThan(25);
  });

  test('running it again creates nothing and changes no version', async () => {
    const before = await t.store.history({}, { count: 1, offset: 0 });
    const again = await loadDemoPopulation(t.store, { patients: 25, now });
    expect(again.created).toBe(0);
    expect(again.unchanged).toBe(again.resources);
    expect((await t.store.history({}, { count: 1, offset: 0 })).total).toBe(before.total);
  });
});
