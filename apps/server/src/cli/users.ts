import { readFile } from 'node:fs/promises';
import { badRequest } from '@careloop/fhir';
import { type Config, oneOffSecret } from '../config.ts';
import { parseScope } from '../platform/access/index.ts';
import { recordAuditEvent } from '../platform/audit/index.ts';
import { systemClock } from '../platform/clock.ts';
import { createDb, migrate } from '../platform/db/index.ts';
import { OutcomeError } from '../platform/errors.ts';
import { issueAccessToken, registerClient } from '../platform/identity/index.ts';
import {
  assignRoles,
  createUser,
  deactivateUser,
  type IdentityCtx,
  listUsers,
  parseRoles,
  reactivateUser,
  setPassword,
  type User,
} from '../platform/identity/users.ts';
import type { Command, Values } from './command.ts';

/**
 * `careloop users …`: the administrator's way to manage accounts before (and besides) the admin API.
 *
 * Passwords never come from argv: command lines are visible to every local user in `ps` and /proc/<pid>/cmdline and
 * are kept in shell history. They come from CARELOOP_NEW_PASSWORD (for scripts), from a no-echo prompt on a terminal,
 * or from the first line of piped stdin.
 */

/** Where the command reads input and writes output; tests pass their own. */
export type UsersCliIo = Readonly<{
  env: Readonly<Record<string, string | undefined>>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}>;

const USAGE = `Usage:
  careloop users create --username U --role R[,R] [--fhir Practitioner/x] [--display "Name"]
  careloop users list [--active]
  careloop users roles U --set R[,R]
  careloop users password U
  careloop users deactivate U
  careloop users activate U
  careloop users token U --scopes "system/Patient.rs system/Task.cruds" [--minutes 60]
  careloop users client U --jwks keys.json --scopes "system/Patient.rs system/Task.cruds"
Roles: administrator, supervisor, care-coordinator, clinician, patient, proxy, integration-client.
The password comes from CARELOOP_NEW_PASSWORD, a prompt, or piped stdin; never from the command line.
\`token\` prints a bearer token for an integration client (SMART v2 system scopes), e.g. for a script or a benchmark;
systems in production get theirs from /auth/token with a signed assertion.
`;

const SUBCOMMANDS = new Set(['create', 'list', 'roles', 'password', 'deactivate', 'activate', 'token', 'client']);

const str = (v: Values[string]) => (typeof v === 'string' ? v : undefined);

/** Runs one `careloop users` subcommand against a database; returns the exit code (2 for usage or invalid input). */
export async function runUsersCli(
  ctx: IdentityCtx,
  values: Values,
  positionals: readonly string[],
  io: UsersCliIo,
): Promise<number> {
  const [sub, name, ...extra] = positionals;
  const fail = (message: string) => {
    io.stderr.write(`careloop users: ${message}\n`);
    return 2;
  };
  try {
    switch (sub) {
      case 'create': {
        const username = str(values.username);
        if (!username || name !== undefined) return fail('create takes --username U and --role R[,R]');
        const roles = parseRoles((str(values.role) ?? '').split(','), '--role');
        // Integration clients authenticate with client credentials (a later step), not a password.
        const password = roles.every((r) => r === 'integration-client') ? undefined : await readNewPassword(io);
        if (password === '') return fail('no password given (CARELOOP_NEW_PASSWORD, prompt or stdin)');
        const user = await createUser(ctx, {
          username,
          roles,
          ...(str(values.fhir) ? { fhirReference: str(values.fhir) } : {}),
          ...(str(values.display) ? { displayName: str(values.display) } : {}),
          ...(password === undefined ? {} : { password }),
        });
        await audited(ctx, 'role-change', user);
        io.stdout.write(`created ${describe(user)}\n`);
        if (user.mfaRequired) io.stdout.write('TOTP enrolment is required at first sign-in (staff role).\n');
        return 0;
      }
      case 'list': {
        if (name !== undefined) return fail('list takes no user name');
        const users = await listUsers(ctx, { activeOnly: values.active === true });
        for (const u of users) io.stdout.write(`${describe(u)}\n`);
        io.stdout.write(`${users.length} user${users.length === 1 ? '' : 's'}\n`);
        return 0;
      }
      case 'roles': {
        const set = str(values.set);
        if (!name || !set || extra.length) return fail('roles takes a user name and --set R[,R]');
        const user = await assignRoles(ctx, name, parseRoles(set.split(','), '--set'));
        await audited(ctx, 'role-change', user);
        io.stdout.write(`updated ${describe(user)}\n`);
        return 0;
      }
      case 'password': {
        if (!name || extra.length) return fail('password takes one user name');
        const password = await readNewPassword(io);
        if (password === '') return fail('no password given (CARELOOP_NEW_PASSWORD, prompt or stdin)');
        io.stdout.write(`password set for ${(await setPassword(ctx, name, password)).username}\n`);
        return 0;
      }
      case 'deactivate': {
        if (!name || extra.length) return fail('deactivate takes one user name');
        const { user, sessionsRevoked } = await deactivateUser(ctx, name);
        await audited(ctx, 'permission-change', user);
        io.stdout.write(`deactivated ${user.username}; ${sessionsRevoked} session(s) ended\n`);
        return 0;
      }
      case 'activate': {
        if (!name || extra.length) return fail('activate takes one user name');
        const user = await reactivateUser(ctx, name);
        await audited(ctx, 'permission-change', user);
        io.stdout.write(`activated ${user.username}\n`);
        return 0;
      }
      case 'client': {
        const file = str(values.jwks);
        const scopes = (str(values.scopes) ?? '').split(/\s+/).filter(Boolean);
        if (!name || extra.length || !file) return fail('client takes a user name, --jwks FILE and --scopes "…"');
        let jwks: unknown;
        try {
          jwks = JSON.parse(await readFile(file, 'utf8'));
        } catch {
          return fail(`cannot read a JSON Web Key Set from ${file}`);
        }
        await registerClient(ctx, name, { jwks, scopes });
        const user = (await listUsers(ctx)).find((u) => u.username.toLowerCase() === name.toLowerCase());
        if (user) await audited(ctx, 'permission-change', user);
        io.stdout.write(`registered ${name} for SMART Backend Services with ${scopes.join(' ')}\n`);
        return 0;
      }
      case 'token': {
        const scopes = (str(values.scopes) ?? '').split(/\s+/).filter(Boolean);
        if (!name || extra.length || scopes.length === 0) return fail('token takes a user name and --scopes "…"');
        const bad = scopes.find((s) => parseScope(s)?.context !== 'system');
        if (bad !== undefined) return fail(`'${bad}' is not a SMART v2 system scope (e.g. system/Patient.rs)`);
        const minutes = Number(str(values.minutes) ?? '60');
        if (!Number.isInteger(minutes) || minutes < 1 || minutes > 7 * 24 * 60)
          return fail('--minutes must be a whole number from 1 to 10080');
        const user = (await listUsers(ctx)).find((u) => u.username.toLowerCase() === name.toLowerCase());
        if (!user?.active || !user.roles.includes('integration-client'))
          return fail(`${name} is not an active integration-client account`);
        const { token } = await issueAccessToken(ctx, { userId: user.id, scopes, ttlSeconds: minutes * 60 });
        io.stdout.write(`${token}\n`);
        return 0;
      }
      default:
        io.stderr.write(USAGE);
        return sub === undefined || sub === 'help' ? 0 : 2;
    }
  } catch (e) {
    if (!(e instanceof OutcomeError)) throw e;
    io.stderr.write(`careloop users: ${e.message}\n`);
    return e.status === 400 ? 2 : 1;
  }
}

/** A role or permission change is a security event on the audit trail (issue #3). */
function audited(ctx: IdentityCtx, subtype: 'role-change' | 'permission-change', user: User): Promise<void> {
  return recordAuditEvent(ctx.exec, ctx.clock, {
    action: 'E',
    subtype,
    outcome: 'success',
    outcomeDesc: `account ${user.username}: roles ${user.roles.join(',')}, ${user.active ? 'active' : 'deactivated'}`,
    agent: { display: 'system:careloop users' },
    patients: [],
    entities: user.fhirReference ? [{ reference: user.fhirReference }] : [],
    recorded: ctx.clock.now().toString(),
  });
}

function describe(u: User): string {
  const flags = [u.active ? 'active' : 'deactivated', u.mfaEnrolled ? 'mfa' : u.mfaRequired ? 'mfa-pending' : ''];
  return [u.username, u.roles.join(','), u.fhirReference ?? '-', flags.filter(Boolean).join(' '), u.displayName ?? '']
    .join('\t')
    .trimEnd();
}

/** The new password: the environment variable, else a no-echo prompt (asked twice) on a terminal, else stdin's first line. */
async function readNewPassword(io: UsersCliIo): Promise<string> {
  const fromEnv = io.env.CARELOOP_NEW_PASSWORD;
  if (fromEnv !== undefined) return fromEnv;
  if (!io.stdin.isTTY || !io.stdin.setRawMode) return firstLine(io.stdin);
  const first = await promptHidden(io, 'New password: ');
  const again = await promptHidden(io, 'Repeat password: ');
  if (first !== again) throw new OutcomeError(badRequest('the passwords do not match', 'password'));
  return first;
}

async function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk.toString();
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

/** Reads one line from a terminal in raw mode, echoing nothing; Ctrl-C aborts. */
function promptHidden(io: UsersCliIo, question: string): Promise<string> {
  const { stdin } = io;
  io.stderr.write(question);
  stdin.setRawMode?.(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const done = (error?: Error) => {
      stdin.setRawMode?.(false);
      stdin.pause();
      stdin.removeListener('data', onData);
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new Error('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The `careloop users` command. */
export const usersCommand: Command = {
  name: 'users',
  summary: 'manage accounts: create, list, roles, password, deactivate, activate (users help)',
  options: {
    username: { type: 'string' },
    role: { type: 'string' },
    fhir: { type: 'string' },
    display: { type: 'string' },
    set: { type: 'string' },
    active: { type: 'boolean' },
    scopes: { type: 'string' },
    minutes: { type: 'string' },
    jwks: { type: 'string' },
  },
  async run(config: Config, values, positionals) {
    // A password for this run only: it must not sit in the frozen Config that the server passes around.
    const env = { CARELOOP_NEW_PASSWORD: oneOffSecret('CARELOOP_NEW_PASSWORD') };
    const io: UsersCliIo = { env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
    if (!SUBCOMMANDS.has(positionals[0] ?? '')) {
      io.stderr.write(USAGE);
      return positionals[0] === undefined || positionals[0] === 'help' ? 0 : 2;
    }
    const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 2 });
    try {
      await migrate(db);
      return await runUsersCli({ exec: db.kysely, clock: systemClock }, values, positionals, io);
    } finally {
      await db.close();
    }
  },
};
