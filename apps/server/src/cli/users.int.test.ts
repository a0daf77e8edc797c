import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { freshDatabase, type TestDb } from '../../test/harness.ts';
import { fixedClock } from '../platform/clock.ts';
import { defaultKdfParams } from '../platform/identity/password.ts';
import { findUserByUsername, type IdentityCtx } from '../platform/identity/users.ts';
import type { Values } from './command.ts';
import { runUsersCli } from './users.ts';

let t: TestDb;
let ctx: IdentityCtx;

beforeAll(async () => {
  t = await freshDatabase();
  ctx = { exec: t.db.kysely, clock: fixedClock('2026-11-23T09:00:00Z'), kdf: { ...defaultKdfParams, scryptLogN: 10 } };
});
afterAll(() => t?.drop());

/** Runs `careloop users …` with the given environment and piped stdin; returns exit code and output. */
async function run(positionals: string[], values: Values = {}, env: Record<string, string> = {}, stdin = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c) => out.push(String(c)));
  stderr.on('data', (c) => err.push(String(c)));
  const code = await runUsersCli(ctx, values, positionals, { env, stdin: Readable.from([stdin]), stdout, stderr });
  return { code, out: out.join(''), err: err.join('') };
}

test('create (password from the environment or piped stdin), list, roles, deactivate, activate', async () => {
  const created = await run(
    ['create'],
    { username: 'admin', role: 'administrator', display: 'First Admin' },
    { CARELOOP_NEW_PASSWORD: 'a long operator passphrase' },
  );
  expect(created).toMatchObject({ code: 0, err: '' });
  expect(created.out).toContain('TOTP enrolment is required');
  expect(
    (await run(['create'], { username: 'kin', role: 'proxy', fhir: 'RelatedPerson/r1' }, {}, 'piped passphrase ok\n'))
      .code,
  ).toBe(0);
  expect((await findUserByUsername(ctx, 'kin'))?.hasPassword).toBe(true);
  expect((await run(['create'], { username: 'feed', role: 'integration-client' })).code).toBe(0);

  const list = await run(['list']);
  expect(list.out.split('\n').filter((l) => l.includes('\t'))).toEqual([
    'admin\tadministrator\t-\tactive mfa-pending\tFirst Admin',
    'feed\tintegration-client\t-\tactive',
    'kin\tproxy\tRelatedPerson/r1\tactive',
  ]);

  expect((await run(['roles', 'admin'], { set: 'administrator,supervisor' })).code).toBe(0);
  expect((await findUserByUsername(ctx, 'admin'))?.roles).toEqual(['administrator', 'supervisor']);

  expect((await run(['deactivate', 'kin'])).out).toContain('deactivated kin; 0 session(s) ended');
  expect((await run(['list'], { active: true })).out).not.toContain('kin\t');
  expect((await run(['activate', 'kin'])).code).toBe(0);
  expect((await findUserByUsername(ctx, 'kin'))?.active).toBe(true);
});

test('errors: exit 2 for invalid input, 1 for a conflict or unknown user, with the message on stderr', async () => {
  const env = { CARELOOP_NEW_PASSWORD: 'another long passphrase' };
  expect(await run(['create'], { username: 'x1y', role: 'wizard' }, env)).toMatchObject({
    code: 2,
    err: "careloop users: unknown role 'wizard'\n",
  });
  expect(
    (await run(['create'], { username: 'weakling', role: 'clinician' }, { CARELOOP_NEW_PASSWORD: 'short' })).err,
  ).toContain('at least 12');
  expect((await run(['create'], { username: 'nopass', role: 'clinician' }, {}, '')).code).toBe(2);
  await run(['create'], { username: 'twice', role: 'clinician' }, env);
  expect((await run(['create'], { username: 'TWICE', role: 'clinician' }, env)).code).toBe(1);
  expect((await run(['deactivate', 'ghost'])).code).toBe(1);
  expect((await run(['roles', 'twice'])).code).toBe(2);
  expect((await run(['frobnicate'])).code).toBe(2);
});
