import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../../test/harness.ts';
import { fixedClock } from '../clock.ts';
import { OutcomeError } from '../errors.ts';
import { defaultKdfParams, verifyPassword } from './password.ts';
import { ROLES } from './roles.ts';
import {
  assignRoles,
  createUser,
  deactivateUser,
  findUserByUsername,
  type IdentityCtx,
  listUsers,
  type NewUser,
  reactivateUser,
  setPassword,
} from './users.ts';

const kdf = { ...defaultKdfParams, scryptLogN: 10 };
const clock = fixedClock('2026-11-23T09:00:00Z');
let t: TestDb;
let ctx: IdentityCtx;

beforeAll(async () => {
  t = await freshDatabase();
  ctx = { exec: t.db.kysely, clock, kdf };
});
afterAll(() => t?.drop());

/** The OutcomeError a call throws, for asserting its status and expression. */
async function outcomeOf(
  p: Promise<unknown>,
): Promise<{ status: number; expression: string | undefined; text: string }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof OutcomeError)) throw e;
    const issue = e.outcome.issue?.[0];
    return { status: e.status, expression: issue?.expression?.[0], text: issue?.details?.text ?? '' };
  }
  throw new Error('expected an OutcomeError');
}

async function passwordHashOf(username: string): Promise<string | null> {
  const { rows } = await sql<{ password_hash: string | null }>`
    SELECT password_hash FROM app_user WHERE lower(username) = lower(${username})`.execute(t.db.kysely);
  return rows[0]?.password_hash ?? null;
}

describe('createUser', () => {
  test('stores the account with a password hash, never the password', async () => {
    const u = await createUser(ctx, {
      username: 'Dr.Ada',
      roles: ['clinician', 'care-coordinator'],
      displayName: 'Ada Lovelace',
      fhirReference: 'Practitioner/ada',
      password: 'analytical engine 1843',
    });
    expect(u).toMatchObject({
      username: 'Dr.Ada',
      displayName: 'Ada Lovelace',
      fhirReference: 'Practitioner/ada',
      roles: ['clinician', 'care-coordinator'],
      active: true,
      hasPassword: true,
      mfaEnrolled: false,
      mfaRequired: true,
      createdAt: '2026-11-23T09:00:00.000Z',
      deactivatedAt: null,
    });
    const hash = await passwordHashOf('dr.ada');
    expect(hash).toMatch(/^\$scrypt\$ln=10,/);
    expect((await verifyPassword('analytical engine 1843', hash ?? '', kdf)).ok).toBe(true);
    expect(await findUserByUsername(ctx, 'DR.ADA')).toEqual(u);
  });

  test('a patient links to a Patient and needs no MFA; an integration client links to nothing', async () => {
    const p = await createUser(ctx, { username: 'pat01', roles: ['patient'], fhirReference: 'Patient/p1' });
    expect(p).toMatchObject({ mfaRequired: false, hasPassword: false });
    const c = await createUser(ctx, { username: 'lab-feed', roles: ['integration-client'] });
    expect(c.fhirReference).toBeNull();
  });

  test('the user name is unique whatever its case: 409 naming username', async () => {
    await createUser(ctx, { username: 'grace', roles: ['supervisor'] });
    expect(await outcomeOf(createUser(ctx, { username: 'GRACE', roles: ['clinician'] }))).toMatchObject({
      status: 409,
      expression: 'username',
    });
  });

  test.each([
    ['bad user name', { username: 'a b', roles: ['clinician'] }, 'username'],
    ['no roles', { username: 'norole', roles: [] }, 'roles'],
    ['unknown role', { username: 'badrole', roles: ['superuser'] }, 'roles'],
    ['patient and clinician in one account', { username: 'mix', roles: ['patient', 'clinician'] }, 'roles'],
    ['patient without a Patient', { username: 'nolink', roles: ['patient'] }, 'fhirReference'],
    [
      'proxy linked to a Patient',
      { username: 'proxy1', roles: ['proxy'], fhirReference: 'Patient/p1' },
      'fhirReference',
    ],
    [
      'client linked to a person',
      { username: 'client2', roles: ['integration-client'], fhirReference: 'Patient/p' },
      'fhirReference',
    ],
    [
      'malformed reference',
      { username: 'client3', roles: ['clinician'], fhirReference: 'Practitioner/' },
      'fhirReference',
    ],
    ['weak password', { username: 'weak', roles: ['clinician'], password: 'password1234' }, 'password'],
  ])('400 for %s, naming the field', async (_name, input, expression) => {
    // Deliberately invalid input (unknown role names), past the type checker.
    expect(await outcomeOf(createUser(ctx, input as unknown as NewUser))).toMatchObject({ status: 400, expression });
  });
});

test('the database refuses roles outside the list even when the application is bypassed', async () => {
  const now = '2026-11-23T09:00:00Z';
  const insert = (roles: string[]) =>
    sql`
    INSERT INTO app_user (id, username, roles, created_at, updated_at)
    VALUES (${randomUUID()}, ${`raw${roles.length}`}, ${roles}::text[], ${now}::timestamptz, ${now}::timestamptz)`.execute(
      t.db.kysely,
    );
  await expect(insert(['clinician', 'root'])).rejects.toThrow(/check constraint/);
  await expect(insert([])).rejects.toThrow(/check constraint/);
  // …and accepts exactly the roles the code knows, so the CHECK and roles.ts stay in step.
  await insert([...ROLES]);
});

test('setPassword checks the policy and replaces the hash', async () => {
  await createUser(ctx, { username: 'rotating', roles: ['supervisor'], password: 'first long password' });
  const before = await passwordHashOf('rotating');
  expect(await outcomeOf(setPassword(ctx, 'rotating', 'short'))).toMatchObject({ status: 400, expression: 'password' });
  expect(await passwordHashOf('rotating')).toBe(before);
  await setPassword(ctx, 'rotating', 'second long password');
  const after = (await passwordHashOf('rotating')) ?? '';
  expect((await verifyPassword('second long password', after, kdf)).ok).toBe(true);
  expect(await outcomeOf(setPassword(ctx, 'nobody', 'another long password'))).toMatchObject({ status: 404 });
});

test('assignRoles replaces roles, keeping them consistent with the linked resource', async () => {
  await createUser(ctx, { username: 'carol', roles: ['clinician'], fhirReference: 'Practitioner/carol' });
  clock.advance({ minutes: 5 });
  const u = await assignRoles(ctx, 'carol', ['supervisor', 'administrator']);
  expect(u.roles).toEqual(['supervisor', 'administrator']);
  expect(u.updatedAt).toBe('2026-11-23T09:05:00.000Z');
  expect(await outcomeOf(assignRoles(ctx, 'carol', ['patient']))).toMatchObject({ status: 400 });
  expect(await outcomeOf(assignRoles(ctx, 'carol', ['god']))).toMatchObject({ status: 400, expression: 'roles' });
  expect(await outcomeOf(assignRoles(ctx, 'nobody', ['clinician']))).toMatchObject({ status: 404 });
});

describe('deactivateUser', () => {
  async function openSession(userId: string, revokedAt: string | null = null): Promise<string> {
    const id = randomUUID();
    await sql`
      INSERT INTO user_session (id, user_id, created_at, last_seen_at, expires_at, revoked_at)
      VALUES (${id}, ${userId}, now(), now(), now() + interval '8 hours', ${revokedAt}::timestamptz)`.execute(
      t.db.kysely,
    );
    return id;
  }
  const revokedAtOf = async (userId: string) =>
    (
      await sql<{ revoked_at: Date | string | null }>`
        SELECT revoked_at FROM user_session WHERE user_id = ${userId} ORDER BY created_at, id`.execute(t.db.kysely)
    ).rows.map((r) => (r.revoked_at === null ? null : new Date(r.revoked_at).toISOString()));

  test('ends every open session at once and leaves other users alone', async () => {
    const dave = await createUser(ctx, { username: 'dave', roles: ['care-coordinator'] });
    const erin = await createUser(ctx, { username: 'erin', roles: ['care-coordinator'] });
    await openSession(dave.id);
    await openSession(dave.id);
    await openSession(dave.id, '2026-11-01T00:00:00Z');
    await openSession(erin.id);
    const { user, sessionsRevoked } = await deactivateUser(ctx, 'DAVE');
    const now = clock.now().toString({ fractionalSecondDigits: 3 });
    expect(sessionsRevoked).toBe(2);
    expect(user).toMatchObject({ active: false, deactivatedAt: now });
    expect((await revokedAtOf(dave.id)).sort()).toEqual(['2026-11-01T00:00:00.000Z', now, now].sort());
    expect(await revokedAtOf(erin.id)).toEqual([null]);
    expect((await listUsers(ctx, { activeOnly: true })).map((u) => u.username)).not.toContain('dave');
    expect((await listUsers(ctx)).map((u) => u.username)).toContain('dave');

    // Again: nothing left to revoke, and the first deactivation time stays.
    clock.advance({ hours: 1 });
    expect(await deactivateUser(ctx, 'dave')).toMatchObject({ sessionsRevoked: 0, user: { deactivatedAt: now } });

    const back = await reactivateUser(ctx, 'dave');
    expect(back).toMatchObject({ active: true, deactivatedAt: null });
    expect((await revokedAtOf(dave.id)).filter((r) => r === null)).toHaveLength(0);
  });

  test('inside a caller transaction, rolled back with it', async () => {
    await createUser(ctx, { username: 'frank', roles: ['clinician'] });
    await expect(
      t.db.kysely.transaction().execute(async (tx) => {
        await deactivateUser({ ...ctx, exec: tx }, 'frank');
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await findUserByUsername(ctx, 'frank'))?.active).toBe(true);
  });

  test('404 for an unknown user', async () => {
    expect(await outcomeOf(deactivateUser(ctx, 'nobody'))).toMatchObject({ status: 404 });
  });
});

test('listUsers orders by user name, ignoring case', async () => {
  const names = (await listUsers(ctx)).map((u) => u.username.toLowerCase());
  expect(names).toEqual([...names].sort());
  expect(names.length).toBeGreaterThan(3);
});
