import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedClock } from '../src/platform/clock.ts';
import { accessWorld } from './access-world.ts';
import { createTestApp, type TestApp } from './harness.ts';
import { PASSWORD, person, signIn } from './people.ts';
import { type Received, smtpInbox } from './smtp-inbox.ts';

// Password reset over real SMTP: an in-process smtp-server receives what the job sends.
let smtp: Awaited<ReturnType<typeof smtpInbox>>;
const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
const NEW_PASSWORD = 'a brand new passphrase 2026';

beforeAll(async () => {
  smtp = await smtpInbox();
  t = await createTestApp({ clock, config: { smtpUrl: smtp.url, jobsEnabled: true } });
  await t.store.putMany(accessWorld());
  await person(t, clock, {
    username: 'pat',
    roles: ['patient'],
    fhirReference: 'Patient/own',
    email: 'pat@example.org',
  });
}, 60_000);
afterAll(async () => {
  await t?.close();
  await smtp?.close();
});

const ask = (username: string) =>
  t.anonymous({ method: 'POST', url: '/auth/password-reset', payload: { username }, remoteAddress: '10.9.9.9' });
const complete = (token: string, password: string) =>
  t.anonymous({ method: 'POST', url: '/auth/password-reset/complete', payload: { token, password } });
async function nextMail(count: number): Promise<Received> {
  for (let i = 0; i < 300 && smtp.inbox.length < count; i++) await new Promise((r) => setTimeout(r, 100));
  const received = smtp.inbox[count - 1];
  if (!received) throw new Error(`no e-mail #${count} within 30 s`);
  return received;
}
const tokenOf = (mail: Received) => {
  // Quoted-printable (RFC 2045): soft line breaks, then =XX escapes.
  const body = mail.raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
  const m = /http:\/\/careloop\.test\/reset-password#token=([A-Za-z0-9_-]{43})/.exec(body);
  if (!m) throw new Error(`no reset link in:\n${body}`);
  return m[1] as string;
};

describe('password reset by e-mail', () => {
  test('the same answer for any name; one mail, to the account, with a link and no PHI', async () => {
    const known = await ask('pat');
    const unknown = await ask('nobody-here');
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(unknown.body).toBe(known.body);
    const mail = await nextMail(1);
    expect(mail.to).toBe('pat@example.org');
    expect(mail.raw).toContain('Subject: Reset your CareLoop password');
    tokenOf(mail);
    for (const phi of ['own-family', 'Patient', 'pat@example.org\r\n\r\n', 'Observation'])
      expect(mail.raw).not.toContain(phi);
    await new Promise((r) => setTimeout(r, 3000));
    expect(smtp.inbox).toHaveLength(1);
  });

  test('the link sets a new password once, ends every session, and the old password stops working', async () => {
    const session = await signIn(t.anonymous, clock, 'pat');
    expect((await session.request('GET', '/fhir/R4/Patient/own')).statusCode).toBe(200);
    const token = tokenOf(smtp.inbox[0] as Received);
    const weak = await complete(token, 'password');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().issue[0].expression).toEqual(['password']);
    expect((await complete(token, NEW_PASSWORD)).statusCode).toBe(204);
    expect((await session.request('GET', '/fhir/R4/Patient/own')).statusCode).toBe(401);
    const again = await complete(token, `${NEW_PASSWORD}!`);
    expect(again.statusCode).toBe(400);
    expect(again.json().issue[0].expression).toEqual(['token']);
    const old = await t.anonymous({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'pat', password: PASSWORD },
    });
    expect(old.statusCode).toBe(401);
    const fresh = await t.anonymous({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'pat', password: NEW_PASSWORD },
    });
    expect(fresh.statusCode).toBe(200);
  });

  test('a link expires after PASSWORD_RESET_MINUTES', async () => {
    await ask('pat');
    const token = tokenOf(await nextMail(2));
    clock.advance({ minutes: 31 });
    expect((await complete(token, 'yet another passphrase 99')).statusCode).toBe(400);
  });
});
