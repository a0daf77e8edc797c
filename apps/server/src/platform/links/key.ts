import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Reads a link-signing key: 32 bytes as base64 (`openssl rand -base64 32`). */
function parseLinkKey(base64: string, source: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error(`${source}: the link-signing key must be 32 bytes, base64-encoded`);
  return key;
}

/**
 * The key signing link tokens: LINK_SECRET_KEY when set, otherwise a random key created once in `link-secret.key`
 * beside the data directory (owner-readable only), as the MFA key is. Every replica must verify what any replica
 * signed, so with several replicas set LINK_SECRET_KEY, identically, on all of them. Changing it voids every link
 * already sent.
 */
export function linkKeyOf(config: Readonly<{ linkSecretKey?: string | undefined; dataDir: string }>): Buffer {
  if (config.linkSecretKey) return parseLinkKey(config.linkSecretKey, 'LINK_SECRET_KEY');
  const file = join(dirname(config.dataDir), 'link-secret.key');
  const read = () => parseLinkKey(readFileSync(file, 'utf8').trim(), file);
  try {
    return read();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    // Another process created it first ('wx' refuses to overwrite): use theirs, so both sign alike.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  return read();
}
