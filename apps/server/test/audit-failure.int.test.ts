import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessWorld } from './access-world.ts';
import { rowCounts } from './builders.ts';
import { createTestApp, type TestApp } from './harness.ts';

// If the audit record cannot be written, the request fails and no data is returned (issue #3).
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  await t.store.putMany(accessWorld());
});
afterAll(() => t?.close());

async function auditBroken<T>(fn: () => Promise<T>): Promise<T> {
  await sql`CREATE FUNCTION audit_down() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'audit storage unavailable'; END $$`.execute(t.db.kysely);
  await sql`CREATE TRIGGER audit_down BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_down()`.execute(
    t.db.kysely,
  );
  try {
    return await fn();
  } finally {
    await sql`DROP TRIGGER audit_down ON audit_event`.execute(t.db.kysely);
    await sql`DROP FUNCTION audit_down()`.execute(t.db.kysely);
  }
}

describe('no audit record, no answer', () => {
  test('a read whose AuditEvent cannot be written is a 500 without the data', async () => {
    const res = await auditBroken(() => t.app.inject({ url: '/fhir/R4/Patient/own' }));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('own-family');
    expect(res.json().resourceType).toBe('OperationOutcome');
    // And with the audit trail back, the same read works.
    expect((await t.app.inject({ url: '/fhir/R4/Patient/own' })).statusCode).toBe(200);
  });

  test('a search likewise', async () => {
    const res = await auditBroken(() => t.app.inject({ url: '/fhir/R4/Observation?patient=own' }));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('obs-own');
  });

  test('a write whose AuditEvent cannot be written is rolled back: nothing is stored', async () => {
    const before = await rowCounts(t.db);
    const res = await auditBroken(() =>
      t.app.inject({
        method: 'POST',
        url: '/fhir/R4/Patient',
        headers: { 'content-type': 'application/fhir+json' },
        payload: JSON.stringify({ resourceType: 'Patient', name: [{ family: 'Unaudited' }] }),
      }),
    );
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('Unaudited');
    expect(await rowCounts(t.db)).toEqual(before);
  });
});
