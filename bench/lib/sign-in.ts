import { Temporal } from 'temporal-polyfill';
import { systemClock } from '../../apps/server/src/platform/clock.ts';
import type { Db } from '../../apps/server/src/platform/db/index.ts';
import { totpCode } from '../../apps/server/src/platform/identity/totp.ts';
import { createUser } from '../../apps/server/src/platform/identity/users.ts';

const PASSWORD = 'bench password, long enough 2026';
const usernameOf = (practitioner: string) => `bench-${practitioner.replace(/^Practitioner\//, '')}`;

/**
 * Care-coordinator accounts linked to the practitioners (run while the benchmark still holds the database); returns
 * each practitioner's account id.
 */
export async function createCoordinatorAccounts(
  db: Db,
  practitioners: readonly string[],
): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const ref of practitioners) {
    const user = await createUser(
      { exec: db.kysely, clock: systemClock },
      { username: usernameOf(ref), roles: ['care-coordinator'], fhirReference: ref, password: PASSWORD },
    );
    ids.set(ref, user.id);
  }
  return ids;
}

/**
 * Signs each coordinator in through the real endpoints, as a browser would — password, then TOTP enrolment at first
 * sign-in — and returns each one's session cookie (`careloop_session=…`).
 */
export async function signInCoordinators(
  baseUrl: string,
  practitioners: readonly string[],
): Promise<Map<string, string>> {
  const cookies = new Map<string, string>();
  for (const ref of practitioners) {
    const login = await fetch(`${baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: usernameOf(ref), password: PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`sign-in of ${ref} answered ${login.status}: ${await login.text()}`);
    const cookie = (login.headers.getSetCookie().find((c) => c.startsWith('careloop_session=')) ?? '').split(';')[0];
    if (!cookie) throw new Error(`sign-in of ${ref} set no session cookie`);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const post = (path: string, body: unknown) =>
      fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
        body: JSON.stringify(body),
      });
    const enrol = await post('/auth/mfa/enrol', {});
    if (enrol.status !== 200) throw new Error(`MFA enrolment of ${ref} answered ${enrol.status}`);
    const { secret } = (await enrol.json()) as { secret: string };
    const confirm = await post('/auth/mfa/enrol/confirm', { code: totpCode(secret, Temporal.Now.instant()) });
    if (confirm.status !== 200) throw new Error(`MFA confirmation of ${ref} answered ${confirm.status}`);
    cookies.set(ref, cookie);
  }
  return cookies;
}
