import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Clock } from '../src/platform/clock.ts';
import { CSRF_HEADER, SESSION_COOKIE } from '../src/platform/http/auth/index.ts';
import type { Role } from '../src/platform/identity/roles.ts';
import { totpCode } from '../src/platform/identity/totp.ts';
import { createUser } from '../src/platform/identity/users.ts';
import type { TestApp } from './harness.ts';

export const PASSWORD = 'correct horse battery staple 42';

/** A browser signed in as one person: requests carry the session cookie and, for writes, the CSRF token. */
export type Browser = Readonly<{
  username: string;
  cookie: string;
  csrf: string;
  /** The TOTP secret enrolled at first sign-in (staff), to produce later codes. */
  secret: string | undefined;
  request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}>;

/** Creates an account with the test password. */
export async function person(
  t: TestApp,
  clock: Clock,
  input: { username: string; roles: Role[]; fhirReference?: string; email?: string },
): Promise<void> {
  await createUser({ exec: t.db.kysely, clock }, { ...input, password: PASSWORD });
}

const cookieOf = (res: LightMyRequestResponse) => {
  const set = res.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!set) throw new Error(`no session cookie: ${res.statusCode} ${res.body}`);
  return set.value;
};

/**
 * Signs in through the real endpoints: password, then (staff) TOTP enrolment at first sign-in or the TOTP code
 * afterwards. `secret` is the one enrolled earlier, when there was one.
 */
export async function signIn(
  anonymous: FastifyInstance['inject'],
  clock: Clock,
  username: string,
  secret?: string,
  password = PASSWORD,
): Promise<Browser> {
  const login = await anonymous({ method: 'POST', url: '/auth/login', payload: { username, password } });
  expect(login.statusCode, login.body).toBe(200);
  const cookie = cookieOf(login);
  const csrf = login.json<{ csrfToken: string }>().csrfToken;
  const stage = login.json<{ stage: string }>().stage;
  const send = (method: InjectOptions['method'], url: string, body?: unknown, headers: Record<string, string> = {}) =>
    anonymous({
      method,
      url,
      cookies: { [SESSION_COOKIE]: cookie },
      headers: {
        [CSRF_HEADER]: csrf,
        ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/fhir+json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  let enrolled = secret;
  if (stage === 'enrol') {
    const enrol = await send('POST', '/auth/mfa/enrol');
    expect(enrol.statusCode, enrol.body).toBe(200);
    enrolled = enrol.json<{ secret: string }>().secret;
    const confirm = await send('POST', '/auth/mfa/enrol/confirm', { code: totpCode(enrolled, clock.now()) });
    expect(confirm.statusCode, confirm.body).toBe(200);
  } else if (stage === 'mfa') {
    if (!secret) throw new Error(`${username} has MFA enrolled but no secret was given`);
    const verify = await send('POST', '/auth/mfa/verify', { code: totpCode(secret, clock.now()) });
    expect(verify.statusCode, verify.body).toBe(200);
  }
  return { username, cookie, csrf, secret: enrolled, request: send };
}
