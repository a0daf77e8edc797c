import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedClock } from '../src/platform/clock.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../src/platform/http/auth/index.ts';
import { totpCode } from '../src/platform/identity/totp.ts';
import { deactivateUser } from '../src/platform/identity/users.ts';
import { createRuntime } from '../src/runtime.ts';
import { createTestApp, type TestApp } from './harness.ts';
import { type Browser, PASSWORD, person, signIn } from './people.ts';

// Sign-in, second factor, sessions, CSRF and brute force through the real endpoints, with a clock the test moves.
const clock = fixedClock('2026-03-02T14:00:00Z');
let t: TestApp;
let coordinator: Browser;
let recoveryCodes: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ clock, config: { loginMaxFailures: 5 } });
  await person(t, clock, { username: 'cora', roles: ['care-coordinator'], fhirReference: 'Practitioner/cora' });
  await person(t, clock, { username: 'pat', roles: ['patient'], fhirReference: 'Patient/pat' });
  coordinator = await signIn(t.anonymous, clock, 'cora');
});
afterAll(() => t?.close());

const patients = (b: Browser) => b.request('GET', '/fhir/R4/Patient');
const auditRows = async (subtype: string) => {
  const { rows } = await sql<{ outcome: string; agent: string }>`
    SELECT outcome, agent FROM audit_event WHERE subtype = ${subtype} ORDER BY seq`.execute(t.db.kysely);
  return rows;
};

describe('sign-in', () => {
  test('staff enrol TOTP at first sign-in: QR code, recovery codes; the session reaches the API only afterwards', async () => {
    await person(t, clock, { username: 'nina', roles: ['clinician'], fhirReference: 'Practitioner/nina' });
    const login = await t.anonymous({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'nina', password: PASSWORD },
    });
    expect(login.json()).toMatchObject({ stage: 'enrol', username: 'nina', roles: ['clinician'] });
    const cookie = login.cookies.find((c) => c.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.secure).toBeFalsy();
    const csrf = login.json<{ csrfToken: string }>().csrfToken;
    const as = { cookies: { [SESSION_COOKIE]: cookie?.value ?? '' }, headers: { [CSRF_HEADER]: csrf } };
    // Not yet signed in fully: no data.
    expect((await t.anonymous({ url: '/fhir/R4/Patient', ...as })).statusCode).toBe(401);
    const enrol = await t.anonymous({ method: 'POST', url: '/auth/mfa/enrol', ...as });
    const { secret, otpauthUri, qrSvg } = enrol.json<{ secret: string; otpauthUri: string; qrSvg: string }>();
    expect(otpauthUri).toBe(
      `otpauth://totp/CareLoop:nina?secret=${secret}&issuer=CareLoop&algorithm=SHA1&digits=6&period=30`,
    );
    expect(qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    const wrong = await t.anonymous({
      method: 'POST',
      url: '/auth/mfa/enrol/confirm',
      ...as,
      payload: { code: '000000' },
    });
    expect(wrong.statusCode).toBe(400);
    const confirm = await t.anonymous({
      method: 'POST',
      url: '/auth/mfa/enrol/confirm',
      ...as,
      payload: { code: totpCode(secret, clock.now()) },
    });
    expect(confirm.statusCode).toBe(200);
    recoveryCodes = confirm.json<{ recoveryCodes: string[] }>().recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect((await t.anonymous({ url: '/fhir/R4/Patient', ...as })).statusCode).toBe(200);
  });

  test('a recovery code stands in for the TOTP code, once', async () => {
    const code = recoveryCodes[0] as string;
    const attempt = async () => {
      const login = await t.anonymous({
        method: 'POST',
        url: '/auth/login',
        payload: { username: 'nina', password: PASSWORD },
      });
      expect(login.json()).toMatchObject({ stage: 'mfa' });
      const cookies = { [SESSION_COOKIE]: login.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? '' };
      const headers = { [CSRF_HEADER]: login.json<{ csrfToken: string }>().csrfToken };
      return t.anonymous({ method: 'POST', url: '/auth/mfa/verify', cookies, headers, payload: { code } });
    };
    expect((await attempt()).statusCode).toBe(200);
    expect((await attempt()).statusCode).toBe(401);
  });

  test('the TOTP code is required at later sign-ins; a code is never accepted twice', async () => {
    await person(t, clock, { username: 'sam', roles: ['supervisor'], fhirReference: 'Practitioner/sam' });
    const first = await signIn(t.anonymous, clock, 'sam');
    const secret = first.secret as string;
    const login = await t.anonymous({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'sam', password: PASSWORD },
    });
    expect(login.json()).toMatchObject({ stage: 'mfa' });
    const as = {
      cookies: { [SESSION_COOKIE]: login.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? '' },
      headers: { [CSRF_HEADER]: login.json<{ csrfToken: string }>().csrfToken },
    };
    // The code used at enrolment in this 30-second step is spent.
    const replay = await t.anonymous({
      method: 'POST',
      url: '/auth/mfa/verify',
      ...as,
      payload: { code: totpCode(secret, clock.now()) },
    });
    expect(replay.statusCode).toBe(401);
    expect((await t.anonymous({ url: '/fhir/R4/Patient', ...as })).statusCode).toBe(401);
    clock.advance({ seconds: 30 });
    const ok = await t.anonymous({
      method: 'POST',
      url: '/auth/mfa/verify',
      ...as,
      payload: { code: totpCode(secret, clock.now()) },
    });
    expect(ok.statusCode).toBe(200);
    expect((await t.anonymous({ url: '/fhir/R4/Patient', ...as })).statusCode).toBe(200);
  });

  test('a patient signs in with a password alone (no staff role, no second factor required)', async () => {
    const pat = await signIn(t.anonymous, clock, 'pat');
    expect(pat.secret).toBeUndefined();
    expect((await patients(pat)).statusCode).toBe(200);
  });

  test('the session says who the user is in the record, for the workbench', async () => {
    const pat = await signIn(t.anonymous, clock, 'pat');
    const res = await pat.request('GET', '/auth/session');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ stage: 'full', username: 'pat', roles: ['patient'], reference: 'Patient/pat' });
  });

  test('a wrong password and an unknown account get the same answer, and both are audited as failed sign-ins', async () => {
    const before = (await auditRows('110122')).length;
    const wrong = await t.anonymous({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'cora', password: 'nope' },
      remoteAddress: '10.0.0.1',
    });
    const unknown = await t.anonymous({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'nobody', password: 'nope' },
      remoteAddress: '10.0.0.1',
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    expect(wrong.cookies).toHaveLength(0);
    const rows = (await auditRows('110122')).slice(before);
    expect(rows.map((r) => r.outcome)).toEqual(['4', '4']);
  });
});

describe('sessions', () => {
  test('a cookie-authenticated write without the CSRF token, or with a wrong one, is 403 and writes nothing', async () => {
    const body = { resourceType: 'Patient', name: [{ family: 'Csrf' }] };
    for (const headers of [{ [CSRF_HEADER]: '' }, { [CSRF_HEADER]: 'x'.repeat(43) }]) {
      const res = await coordinator.request('POST', '/fhir/R4/Patient', body, headers);
      expect(res.statusCode).toBe(403);
      expect(res.json().issue[0].expression).toEqual(['X-CSRF-Token']);
    }
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM resource WHERE content->'name'->0->>'family' = 'Csrf'`.execute(t.db.kysely);
    expect(rows[0]?.n).toBe(0);
    expect((await coordinator.request('POST', '/fhir/R4/Patient', body)).statusCode).toBe(201);
  });

  test('idle time-out: 15 minutes without a request ends the session; each request restarts the count', async () => {
    const b = await signIn(t.anonymous, clock, 'pat');
    clock.advance({ minutes: 14 });
    expect((await patients(b)).statusCode).toBe(200);
    clock.advance({ minutes: 14 });
    expect((await patients(b)).statusCode).toBe(200);
    clock.advance({ minutes: 15, seconds: 1 });
    expect((await patients(b)).statusCode).toBe(401);
    // It stays ended.
    expect((await patients(b)).statusCode).toBe(401);
  });

  test('a use within 30 s of the recorded one is not written back, so the idle limit never runs later than 15 minutes', async () => {
    const b = await signIn(t.anonymous, clock, 'pat');
    // The session row of this browser: its cookie's SHA-256 is what the table keeps.
    const recorded = async () => {
      const hash = createHash('sha256').update(b.cookie).digest('hex');
      const { rows } = await sql<{ at: string }>`
        SELECT last_seen_at::text AS at FROM user_session WHERE token_hash = decode(${hash}, 'hex')`.execute(
        t.db.kysely,
      );
      return rows[0]?.at;
    };
    const before = await recorded();
    clock.advance({ seconds: 20 });
    expect((await patients(b)).statusCode).toBe(200);
    expect(await recorded()).toEqual(before);
    clock.advance({ seconds: 20 });
    expect((await patients(b)).statusCode).toBe(200);
    expect(await recorded()).not.toEqual(before);
    expect(before).toBeDefined();
    // Idle from the use recorded 40 s after sign-in: the use at 20 s was not written, so it ends 15 min after 40 s.
    clock.advance({ minutes: 15, seconds: 1 });
    expect((await patients(b)).statusCode).toBe(401);
  });

  test('absolute limit: even an active session ends 12 hours after sign-in', async () => {
    const b = await signIn(t.anonymous, clock, 'pat');
    for (let i = 0; i < 71; i++) {
      clock.advance({ minutes: 10 });
      expect((await patients(b)).statusCode, `after ${(i + 1) * 10} minutes`).toBe(200);
    }
    clock.advance({ minutes: 10 });
    expect((await patients(b)).statusCode).toBe(401);
  });

  test('logout ends the session on every replica (the state is in the database), and is audited', async () => {
    const b = await signIn(t.anonymous, clock, 'pat');
    // A second replica over the same database.
    const other = await createRuntime(t.config, t.db, clock, { queue: false });
    const onOther = () => other.app.inject({ url: '/fhir/R4/Patient', cookies: { [SESSION_COOKIE]: b.cookie } });
    try {
      expect((await onOther()).statusCode).toBe(200);
      const out = await b.request('POST', '/auth/logout');
      expect(out.statusCode).toBe(204);
      expect((await patients(b)).statusCode).toBe(401);
      expect((await onOther()).statusCode).toBe(401);
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM user_session WHERE revoked_at IS NOT NULL`.execute(t.db.kysely);
      expect(rows[0]?.n).toBeGreaterThan(0);
      expect((await auditRows('110123')).length).toBeGreaterThan(0);
    } finally {
      await other.app.close();
    }
  });

  test('deactivating an account ends its sessions at once', async () => {
    await person(t, clock, { username: 'gone', roles: ['patient'], fhirReference: 'Patient/gone' });
    const b = await signIn(t.anonymous, clock, 'gone');
    expect((await patients(b)).statusCode).toBe(200);
    await deactivateUser({ exec: t.db.kysely, clock }, 'gone');
    expect((await patients(b)).statusCode).toBe(401);
    const again = await t.anonymous({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'gone', password: PASSWORD },
    });
    expect(again.statusCode).toBe(401);
  });

  test('behind TLS the cookie is Secure', async () => {
    const tls = await createTestApp({ clock, config: { baseUrl: 'https://careloop.example' } });
    try {
      await person(tls, clock, { username: 'pat', roles: ['patient'], fhirReference: 'Patient/pat' });
      const login = await tls.anonymous({
        method: 'POST',
        url: '/auth/login',
        payload: { username: 'pat', password: PASSWORD },
      });
      expect(login.cookies.find((c) => c.name === SESSION_COOKIE)?.secure).toBe(true);
    } finally {
      await tls.close();
    }
  });
});

describe('brute force (ASVS 2.2.1)', () => {
  test('past the limit an account is locked for the hour, right password or not, with the same answer as an unknown one', async () => {
    const attempt = (username: string, password: string, ip: string) =>
      t.anonymous({ method: 'POST', url: '/auth/login', payload: { username, password }, remoteAddress: ip });
    // Five failures from five addresses: the account limit, not the address limit.
    for (let i = 0; i < 5; i++) expect((await attempt('pat', 'wrong', `10.1.0.${i}`)).statusCode).toBe(401);
    for (let i = 0; i < 5; i++) expect((await attempt('no-such-user', 'wrong', `10.2.0.${i}`)).statusCode).toBe(401);
    const locked = await attempt('pat', PASSWORD, '10.1.0.99');
    const lockedUnknown = await attempt('no-such-user', PASSWORD, '10.2.0.99');
    expect(locked.statusCode).toBe(429);
    expect(lockedUnknown.statusCode).toBe(429);
    expect(lockedUnknown.body).toBe(locked.body);
    // An hour later the account signs in again.
    clock.advance({ minutes: 61 });
    expect((await attempt('pat', PASSWORD, '10.1.0.99')).statusCode).toBe(200);
  });

  test('past the limit an address is blocked for every account', async () => {
    const ip = '192.0.2.7';
    for (let i = 0; i < 5; i++)
      await t.anonymous({
        method: 'POST',
        url: '/auth/login',
        payload: { username: `guess${i}`, password: 'x' },
        remoteAddress: ip,
      });
    const res = await t.anonymous({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'pat', password: PASSWORD },
      remoteAddress: ip,
    });
    expect(res.statusCode).toBe(429);
  });

  test('wrong TOTP codes count as failed attempts too', async () => {
    await person(t, clock, { username: 'tess', roles: ['clinician'], fhirReference: 'Practitioner/tess' });
    const first = await signIn(t.anonymous, clock, 'tess');
    expect(first.secret).toBeDefined();
    const ip = '198.51.100.9';
    for (let i = 0; i < 5; i++) {
      const login = await t.anonymous({
        method: 'POST',
        url: '/auth/login',
        payload: { username: 'tess', password: PASSWORD },
        remoteAddress: ip,
      });
      const cookies = { [SESSION_COOKIE]: login.cookies.find((c) => c.name === SESSION_COOKIE)?.value ?? '' };
      const headers = { [CSRF_HEADER]: login.json<{ csrfToken: string }>().csrfToken };
      const res = await t.anonymous({
        method: 'POST',
        url: '/auth/mfa/verify',
        cookies,
        headers,
        payload: { code: '123456' },
        remoteAddress: ip,
      });
      expect(res.statusCode).toBe(401);
    }
    const blocked = await t.anonymous({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'tess', password: PASSWORD },
      remoteAddress: '203.0.113.1',
    });
    expect(blocked.statusCode).toBe(429);
  });
});
