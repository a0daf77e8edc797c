import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;

/**
 * Creates an integration client with `careloop users` against the database a spawned server will use (`env`: its
 * CARELOOP_DATA_DIR or DATABASE_URL) and returns a bearer token for it, as an operator would for a script.
 */
export async function cliClientToken(env: Record<string, string>, scopes = 'system/*.cruds'): Promise<string> {
  const opts = { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env } };
  const cli = 'apps/server/src/cli/main.ts';
  await run(
    process.execPath,
    [cli, 'users', 'create', '--username', 'test-client', '--role', 'integration-client'],
    opts,
  );
  const { stdout } = await run(
    process.execPath,
    [cli, 'users', 'token', 'test-client', '--scopes', scopes, '--minutes', '240'],
    opts,
  );
  return stdout.trim();
}
