import type { AuditEvent, Bundle } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessWorld } from '../../../test/access-world.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, PASSWORD, person, signIn } from '../../../test/people.ts';
import { fixedClock } from '../../platform/clock.ts';

// Break-the-glass, the account API and the audit search, through the real endpoints.
const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
let admin: Browser;
let coordinator: Browser;
let supervisor: Browser;

beforeAll(async () => {
  t = await createTestApp({ clock, config: { breakGlassMinutes: 30 } });
  await t.store.putMany(accessWorld());
  await person(t, clock, { username: 'adm', roles: ['administrator'] });
  await person(t, clock, { username: 'coordinator', roles: ['care-coordinator'], fhirReference: 'Practitioner/coord' });
  await person(t, clock, { username: 'sup', roles: ['supervisor'], fhirReference: 'Practitioner/sup' });
  admin = await signIn(t.anonymous, clock, 'adm');
  coordinator = await signIn(t.anonymous, clock, 'coordinator');
  supervisor = await signIn(t.anonymous, clock, 'sup');
});
afterAll(() => t?.close());

/** Sessions end after 15 idle minutes of the test clock: sign in again (next TOTP step, so no code is replayed). */
async function signInAgain() {
  clock.advance({ seconds: 30 });
  admin = await signIn(t.anonymous, clock, 'adm', admin.secret);
  coordinator = await signIn(t.anonymous, clock, 'coordinator', coordinator.secret);
}

describe('break-the-glass', () => {
  test('a stated reason opens a foreign patient for a limited time, audited (ETREAT) and queued for review', async () => {
    const read = () => coordinator.request('GET', '/fhir/R4/Patient/foreign');
    expect((await read()).statusCode).toBe(404);
    const short = await coordinator.request('POST', '/admin/break-glass', { patient: 'foreign', reason: 'need it' });
    expect(short.statusCode).toBe(400);
    expect(short.json().issue[0].expression).toEqual(['reason']);
    const opened = await coordinator.request('POST', '/admin/break-glass', {
      patient: 'Patient/foreign',
      reason: 'Patient arrived unconscious in the emergency department',
    });
    expect(opened.statusCode, opened.body).toBe(201);
    expect(opened.json()).toMatchObject({ patient: 'Patient/foreign', username: 'coordinator', reviewedAt: null });
    expect((await read()).statusCode).toBe(200);
    expect((await coordinator.request('GET', '/fhir/R4/Observation?patient=foreign')).json().total).toBe(1);

    const events = await admin.request('GET', '/admin/audit?subtype=110127&patient=Patient/foreign');
    const glass = events.json<Bundle<AuditEvent>>().entry?.map((e) => e.resource as AuditEvent) ?? [];
    expect(glass).toHaveLength(1);
    expect(glass[0]?.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('ETREAT');
    expect(glass[0]?.agent?.[0]?.who?.reference).toBe('Practitioner/coord');

    const pending = await supervisor.request('GET', '/admin/break-glass?pending=true');
    const id = pending.json<{ grants: { id: string }[] }>().grants[0]?.id as string;
    expect(id).toBe(opened.json().id);
    const reviewed = await supervisor.request('POST', `/admin/break-glass/${id}/review`, {
      note: 'Justified: ED admission',
    });
    expect(reviewed.json().reviewedAt).not.toBeNull();
    expect((await supervisor.request('GET', '/admin/break-glass?pending=true')).json().grants).toEqual([]);

    clock.advance({ minutes: 14 });
    expect((await read()).statusCode).toBe(200);
    clock.advance({ minutes: 14 });
    expect((await read()).statusCode).toBe(200);
    clock.advance({ minutes: 3 });
    // 31 minutes after the grant: closed again (the session, used every 14 minutes, is still alive).
    expect((await read()).statusCode).toBe(404);
  });

  test('administrators cannot break the glass (nor patients or proxies: staff only)', async () => {
    await signInAgain();
    const res = await admin.request('POST', '/admin/break-glass', {
      patient: 'foreign',
      reason: 'curiosity is no reason',
    });
    expect(res.statusCode).toBe(403);
  });
});

describe('administration API', () => {
  test('create an account, change its roles, deactivate it: each change is audited and deactivation ends sessions', async () => {
    await signInAgain();
    const created = await admin.request('POST', '/admin/users', {
      username: 'new-clinician',
      roles: ['clinician'],
      fhirReference: 'Practitioner/clin',
      password: PASSWORD,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ username: 'new-clinician', roles: ['clinician'], mfaRequired: true });
    const bad = await admin.request('POST', '/admin/users', { username: 'x1', roles: ['wizard'] });
    expect(bad.statusCode).toBe(400);
    const clinician = await signIn(t.anonymous, clock, 'new-clinician');
    expect((await clinician.request('GET', '/fhir/R4/Patient/own')).statusCode).toBe(200);
    const roles = await admin.request('PUT', '/admin/users/new-clinician/roles', {
      roles: ['clinician', 'supervisor'],
    });
    expect(roles.json().roles).toEqual(['clinician', 'supervisor']);
    const off = await admin.request('POST', '/admin/users/new-clinician/deactivate');
    expect(off.json()).toMatchObject({ active: false, sessionsRevoked: 1 });
    expect((await clinician.request('GET', '/fhir/R4/Patient/own')).statusCode).toBe(401);
    const changes = await admin.request('GET', '/admin/audit?action=E&subtype=110136&_count=50');
    expect(changes.json<Bundle>().total).toBeGreaterThanOrEqual(2);
  });

  test('an administrator finds who read a patient, newest first, and exports the accounting of disclosures', async () => {
    await signInAgain();
    await coordinator.request('GET', '/fhir/R4/Patient/own');
    const found = await admin.request('GET', '/admin/audit?patient=own&action=R&sort=desc&_count=5');
    const first = found.json<Bundle<AuditEvent>>().entry?.[0]?.resource as AuditEvent;
    expect(first.agent?.[0]?.who?.reference).toBe('Practitioner/coord');
    expect(first.subtype?.[0]?.code).toBe('read');
    const csv = await admin.request('GET', '/admin/audit/disclosures?patient=own');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.body.split('\r\n')[0]).toBe('when,who,action,what,outcome,purpose');
    expect(csv.body).toContain('Practitioner/coord');
    // Not for anyone else.
    expect((await coordinator.request('GET', '/admin/audit?patient=own')).statusCode).toBe(403);
    const badQuery = await admin.request('GET', '/admin/audit?from=yesterday');
    expect(badQuery.statusCode).toBe(400);
  });
});
