import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { linkKeyOf } from './index.ts';

const dirs: string[] = [];
function tempDataDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'careloop-link-key-'));
  dirs.push(root);
  return join(root, 'data');
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

test('LINK_SECRET_KEY wins and must be 32 bytes', () => {
  const configured = Buffer.alloc(32, 9);
  expect(linkKeyOf({ linkSecretKey: configured.toString('base64'), dataDir: tempDataDir() })).toEqual(configured);
  expect(() => linkKeyOf({ linkSecretKey: Buffer.alloc(16).toString('base64'), dataDir: tempDataDir() })).toThrow(
    /LINK_SECRET_KEY: .*32 bytes/,
  );
});

test('without it, a key file beside the data directory is created once (owner-only) and reused', () => {
  const dataDir = tempDataDir();
  const first = linkKeyOf({ dataDir });
  const file = join(dataDir, '..', 'link-secret.key');
  expect(first).toHaveLength(32);
  expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64')).toEqual(first);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(linkKeyOf({ dataDir })).toEqual(first);
  expect(linkKeyOf({ dataDir: tempDataDir() })).not.toEqual(first);
});

test('a damaged key file stops the start instead of being replaced', () => {
  const dataDir = tempDataDir();
  linkKeyOf({ dataDir });
  const file = join(dataDir, '..', 'link-secret.key');
  writeFileSync(file, 'c2hvcnQ=\n');
  expect(() => linkKeyOf({ dataDir })).toThrow(/link-secret\.key: .*32 bytes/);
  expect(readFileSync(file, 'utf8')).toBe('c2hvcnQ=\n');
});
