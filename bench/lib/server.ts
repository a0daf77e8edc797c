import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { peakRss } from './stats.ts';

const cliMain = fileURLToPath(new URL('../../apps/server/src/cli/main.ts', import.meta.url));

export type ServerProcess = Readonly<{
  /** Base URL, e.g. http://127.0.0.1:18123 */
  url: string;
  /** A bearer token of an integration client with every system scope (the load generator's credentials). */
  token: string;
  pid: number;
  /** VmHWM of the server process so far. */
  peakRss(): number | undefined;
  stop(): Promise<void>;
}>;

export type ServerOptions = Readonly<{
  databaseUrl: string | undefined;
  dataDir: string;
  env?: Record<string, string>;
}>;

/** A free loopback port (the kernel picks it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/**
 * Starts the real server (`careloop start`) in a child process on a loopback port and waits until it listens.
 * PGlite when `databaseUrl` is undefined (in `dataDir`), PostgreSQL otherwise.
 */
export async function startServer(options: ServerOptions): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string | undefined> = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    CARELOOP_DATA_DIR: options.dataDir,
    SEED_PATIENTS: '0',
    LOG_LEVEL: 'warn',
    ...options.env,
  };
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl;
  else delete env.DATABASE_URL;
  const token = await benchClientToken(env);
  const child = spawn(process.execPath, [cliMain, 'start'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('server did not start within 180 s')), 180_000);
    let stdout = '';
    const fail = (e: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${e.message}\n${stderr}`));
    };
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/is running on/.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => fail(new Error(`server exited with code ${code} before listening`)));
  });
  child.stdout?.resume();
  const pid = child.pid as number;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    pid,
    peakRss: () => peakRss(pid),
    stop: () => stopChild(child),
  };
}

/**
 * Creates (once per database) the integration client the load generators act as, with `careloop users`, and returns
 * a bearer token for it valid for a day: an operator's way to credential a script.
 */
async function benchClientToken(env: Record<string, string | undefined>): Promise<string> {
  const run = promisify(execFile);
  await run(
    process.execPath,
    [cliMain, 'users', 'create', '--username', 'bench-client', '--role', 'integration-client'],
    {
      env,
    },
  ).catch((e: { stderr?: string }) => {
    if (!/taken/.test(e.stderr ?? '')) throw e;
  });
  const { stdout } = await run(
    process.execPath,
    [cliMain, 'users', 'token', 'bench-client', '--scopes', 'system/*.cruds', '--minutes', '1440'],
    { env },
  );
  return stdout.trim();
}

/** A child must not outlive the benchmark, however it ends (an error, Ctrl-C). */
export function killOnExit(child: ChildProcess): void {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
}

/** SIGTERM, then SIGKILL after 20 s. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
