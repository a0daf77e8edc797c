import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedClock } from '../src/platform/clock.ts';
import type { Role as IdentityRole } from '../src/platform/identity/roles.ts';
import { type Caller, MATRIX, type Probe } from './access-matrix.ts';
import { referralsWorld } from './access-matrix-referrals.ts';
import { schedulingWorld } from './access-matrix-scheduling.ts';
import { accessWorld, ROLES, type Role, visible, type Which } from './access-world.ts';
import { clientToken, createTestApp, type TestApp } from './harness.ts';
import { person, signIn } from './people.ts';

// Issue #3's access matrix: every route the server serves × every role × {own, foreign, absent} patient. The route
// list comes from the app itself, so a new route without an entry in MATRIX fails the first test. Each FHIR call must
// also leave exactly one AuditEvent (audit completeness).
const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
const callers = new Map<Role, Caller>();

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.store.putMany([...accessWorld(), ...schedulingWorld(), ...referralsWorld()]);
  const people: [Role, string | undefined][] = [
    ['administrator', undefined],
    ['supervisor', 'Practitioner/sup'],
    ['care-coordinator', 'Practitioner/coord'],
    ['clinician', 'Practitioner/clin'],
    ['patient', 'Patient/own'],
    ['proxy', 'RelatedPerson/proxy-own'],
  ];
  for (const [role, ref] of people) {
    const username = `m-${role}`;
    await person(t, clock, { username, roles: [role as IdentityRole], ...(ref ? { fhirReference: ref } : {}) });
    const b = await signIn(t.anonymous, clock, username);
    callers.set(role, (method, url, body, headers) => b.request(method, url, body, headers));
  }
  for (const [role, scopes] of [
    ['client-all', ['system/*.cruds']],
    ['client-observations', ['system/Observation.rs']],
  ] as const) {
    const { token } = await clientToken(t.db, clock, scopes);
    callers.set(role, (method, url, body, headers = {}) =>
      t.anonymous({
        method,
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/fhir+json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      }),
    );
  }
}, 120_000);
afterAll(() => t?.close());

const auditCount = async () => {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM audit_event`.execute(t.db.kysely);
  return rows[0]?.n ?? 0;
};

/** The ids a response exposes (resource ids in a Bundle or the resource), to compare foreign with absent. */
function shape(res: LightMyRequestResponse): string {
  let body: unknown;
  try {
    body = res.json();
  } catch {
    body = res.body;
  }
  const text = JSON.stringify(body ?? null)
    .replace(/[\w.-]*(foreign|absent)[\w.-]*/g, 'X')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'U')
    .replace(/"(lastUpdated|id|versionId)":"[^"]*"/g, '"$1":"…"');
  return `${res.statusCode} ${text}`;
}

const cases: [string, Role, Probe][] = Object.entries(MATRIX).flatMap(([route, entry]) =>
  'probes' in entry ? entry.probes.flatMap((p) => ROLES.map((role): [string, Role, Probe] => [route, role, p])) : [],
);

describe('access matrix', () => {
  test('every route the app serves has an entry', () => {
    const served = t.app.routeTable().map((r) => `${r.method} ${r.url}`);
    const missing = served.filter((r) => !(r in MATRIX));
    expect(missing, 'routes without an access-matrix entry').toEqual([]);
    const stale = Object.keys(MATRIX).filter((r) => !served.includes(r));
    expect(stale, 'entries for routes that no longer exist').toEqual([]);
  });

  test.each(cases)('%s as %s: %s', async (_route, role, probe) => {
    const call = callers.get(role) as Caller;
    const results = new Map<Which, LightMyRequestResponse>();
    for (const which of ['own', 'foreign', 'absent'] as const) {
      const target = await probe.prepare?.(t.store, which);
      const before = await auditCount();
      const res = await probe.call(call, which, target);
      results.set(which, res);
      // Audit completeness: one event per interaction, whatever its outcome.
      const audited = probe.audited?.(role) ?? true;
      expect(await auditCount(), `${which}: AuditEvents written`).toBe(before + (audited ? 1 : 0));
      const sees = visible(role, probe.type, which);
      probe.expect(res, { sees, which, role, allowed: probe.allowed?.(role) ?? true });
    }
    // What the actor may not see answers exactly like what does not exist.
    const foreign = results.get('foreign') as LightMyRequestResponse;
    const absent = results.get('absent') as LightMyRequestResponse;
    if (!visible(role, probe.type, 'foreign') && probe.compareForeign !== false)
      expect(shape(foreign)).toBe(shape(absent));
  });

  test(`the matrix covers ${cases.length * 3} calls over ${Object.keys(MATRIX).length} routes and ${ROLES.length} roles`, () => {
    expect(cases.length * 3).toBeGreaterThan(500);
  });
});
