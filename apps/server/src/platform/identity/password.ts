import { pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Password hashing (ADR 0002): scrypt by default, PBKDF2-HMAC-SHA256 for FIPS 140-3 deployments. Hashes are
 * self-describing PHC-style strings, so parameters can be raised later and old hashes still verify (and are
 * reported as needing a rehash at the next successful sign-in).
 *
 *   $scrypt$ln=15,r=8,p=1$<salt>$<key>          (ln = log2 N)
 *   $pbkdf2-sha256$i=600000$<salt>$<key>
 *
 * Salt and key are unpadded standard base64, as the PHC string format specifies.
 */

export type Kdf = 'scrypt' | 'pbkdf2';

export type KdfParams = Readonly<{
  /** Which function new hashes use; `pbkdf2` is the FIPS-approved one (NIST SP 800-132). */
  kdf: Kdf;
  /** scrypt cost as log2 N (15 → N = 32768, 32 MiB with r = 8). */
  scryptLogN: number;
  scryptR: number;
  scryptP: number;
  /** PBKDF2-HMAC-SHA256 iterations. */
  pbkdf2Iterations: number;
}>;

/**
 * Current production parameters. scrypt N=2^15, r=8, p=1 is OWASP's Password Storage Cheat Sheet minimum (2023);
 * 600 000 iterations of PBKDF2-HMAC-SHA256 is OWASP's 2023 figure for FIPS deployments.
 */
export const defaultKdfParams: KdfParams = {
  kdf: 'scrypt',
  scryptLogN: 15,
  scryptR: 8,
  scryptP: 1,
  pbkdf2Iterations: 600_000,
};

const SALT_BYTES = 16;
const KEY_BYTES = 32;

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const pbkdf2Async = promisify(pbkdf2);

/** scrypt needs 128·N·r bytes; Node refuses above `maxmem` (default exactly 32 MiB), so give it headroom. */
const scryptMaxmem = (logN: number, r: number) => 2 * 128 * 2 ** logN * r + 1024 * 1024;

/**
 * NIST SP 800-63B §5.1.1.2: passwords are Unicode-normalised before hashing, so the same password typed on two
 * keyboards (composed vs decomposed accents) verifies.
 */
const normalise = (password: string) => password.normalize('NFKC');

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

/** Hashes a password with the given parameters (production defaults unless told); returns the PHC-style string. */
export async function hashPassword(password: string, params: KdfParams = defaultKdfParams): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  if (params.kdf === 'scrypt') {
    const { scryptLogN: ln, scryptR: r, scryptP: p } = params;
    const key = await scryptAsync(normalise(password), salt, KEY_BYTES, {
      N: 2 ** ln,
      r,
      p,
      maxmem: scryptMaxmem(ln, r),
    });
    return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
  }
  const i = params.pbkdf2Iterations;
  const key = await pbkdf2Async(normalise(password), salt, i, KEY_BYTES, 'sha256');
  return `$pbkdf2-sha256$i=${i}$${b64(salt)}$${b64(key)}`;
}

type Parsed =
  | { kdf: 'scrypt'; ln: number; r: number; p: number; salt: Buffer; key: Buffer }
  | { kdf: 'pbkdf2'; i: number; salt: Buffer; key: Buffer };

/** Reads a stored hash; undefined for anything malformed or with parameters outside sane bounds. */
function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 5 || parts[0] !== '') return undefined;
  const [, id, paramText = '', saltText = '', keyText = ''] = parts;
  const params = new Map(paramText.split(',').map((kv) => kv.split('=') as [string, string | undefined]));
  const num = (name: string) => {
    const v = params.get(name);
    return v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : undefined;
  };
  const salt = Buffer.from(saltText, 'base64');
  const key = Buffer.from(keyText, 'base64');
  if (salt.length < 8 || key.length < 16) return undefined;
  if (id === 'scrypt') {
    const ln = num('ln');
    const r = num('r');
    const p = num('p');
    // Bounds keep a corrupted row from asking for gigabytes of memory or hours of CPU.
    if (ln === undefined || r === undefined || p === undefined) return undefined;
    if (ln < 1 || ln > 22 || r < 1 || r > 32 || p < 1 || p > 16) return undefined;
    return { kdf: 'scrypt', ln, r, p, salt, key };
  }
  if (id === 'pbkdf2-sha256') {
    const i = num('i');
    if (i === undefined || i < 1 || i > 100_000_000) return undefined;
    return { kdf: 'pbkdf2', i, salt, key };
  }
  return undefined;
}

export type PasswordCheck = Readonly<{
  ok: boolean;
  /** The password matched but the hash uses another function or weaker parameters than `params`: store a new one. */
  needsRehash: boolean;
}>;

/**
 * Checks a password against a stored hash of either kind, comparing keys in constant time. A malformed hash never
 * matches. `params` are the current ones, used only to decide `needsRehash`.
 */
export async function verifyPassword(
  password: string,
  stored: string,
  params: KdfParams = defaultKdfParams,
): Promise<PasswordCheck> {
  const h = parse(stored);
  if (!h) return { ok: false, needsRehash: false };
  const candidate =
    h.kdf === 'scrypt'
      ? await scryptAsync(normalise(password), h.salt, h.key.length, {
          N: 2 ** h.ln,
          r: h.r,
          p: h.p,
          maxmem: scryptMaxmem(h.ln, h.r),
        })
      : await pbkdf2Async(normalise(password), h.salt, h.i, h.key.length, 'sha256');
  const ok = candidate.length === h.key.length && timingSafeEqual(candidate, h.key);
  const needsRehash =
    h.kdf !== params.kdf ||
    (h.kdf === 'scrypt'
      ? h.ln < params.scryptLogN || h.r < params.scryptR || h.p < params.scryptP
      : h.i < params.pbkdf2Iterations) ||
    h.salt.length < SALT_BYTES ||
    h.key.length < KEY_BYTES;
  return { ok, needsRehash: ok && needsRehash };
}
