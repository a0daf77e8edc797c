import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** A port nobody listens on now. */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))));
    });
  });

export type Running = Readonly<{ url: string; password: string; stop(): Promise<void> }>;

/**
 * CareLoop as `npm start` runs it — `careloop start` on a fresh embedded database, which loads the demo population
 * and prints the demo password — on a free port, serving the web build in webDir.
 */
export async function startCareLoop(
  webDir: string,
  patients = 200,
  settings: Readonly<Record<string, string>> = {},
): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'careloop-e2e-'));
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(root, 'apps/server/src/cli/main.ts'), 'start'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      CARELOOP_DATA_DIR: join(dir, 'data'),
      CARELOOP_EXPORT_DIR: join(dir, 'export'),
      SEED_PATIENTS: String(patients),
      WEB_DIR: webDir,
      ...settings,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const password = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CareLoop did not start:\n${out.slice(-2000)}`)), 120_000);
    const seen = (chunk: Buffer) => {
      out += chunk.toString();
      const pw = /password for every person: (\S+)/.exec(out)?.[1];
      if (pw && out.includes(`:${port}`)) {
        clearTimeout(timer);
        resolve(pw);
      }
    };
    child.stdout?.on('data', seen);
    child.stderr?.on('data', seen);
    child.on('exit', (code) => reject(new Error(`CareLoop exited (${code}):\n${out.slice(-2000)}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    password,
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
