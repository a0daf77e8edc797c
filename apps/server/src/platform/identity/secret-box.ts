import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Seals small secrets kept in the database (TOTP shared secrets) with AES-256-GCM under an application key held
 * outside it (ADR 0002), so a copy of the database or a backup alone does not yield working second factors. The
 * sealed form is `v1.<iv>.<tag>.<ciphertext>` in base64url; the version lets the key or algorithm change later.
 * `context` (e.g. the user id) is bound as additional authenticated data, so a sealed value copied onto another
 * row does not open there.
 */

/** Reads the application key: 32 bytes as base64 (`openssl rand -base64 32`). */
export function parseSecretKey(base64: string): Buffer {
  const key = Buffer.from(base64, 'base64');
  if (key.length !== 32) throw new Error('the MFA secret key must be 32 bytes, base64-encoded');
  return key;
}

/** Encrypts `plaintext` with a fresh 96-bit IV (NIST SP 800-38D §8.2.2: random IVs, at most 2^32 per key). */
export function sealSecret(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** Decrypts a sealed value; throws if it was altered, sealed under another key, or for another context. */
export function openSecret(key: Buffer, sealed: string, context: string): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== 'v1' || iv === undefined || tag === undefined || ciphertext === undefined) {
    throw new Error('sealed secret has an unknown format');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
