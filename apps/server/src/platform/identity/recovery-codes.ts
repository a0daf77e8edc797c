import { createHash, randomBytes } from 'node:crypto';
import { base32Encode, CROCKFORD } from './base32.ts';

/**
 * Recovery codes: single-use second factors for a user who lost their authenticator. Each is 80 random bits shown
 * once as four groups of four Crockford base32 characters (easy to read aloud and type; no I, L, O, U).
 *
 * Only SHA-256 hashes are stored. A slow, salted KDF protects low-entropy secrets that people choose; these codes
 * carry 80 bits chosen by the machine, so even a fast hash leaves 2^80 guesses per code, far beyond any offline
 * attack, and an unsalted hash lets consumption find the code by equality in one atomic UPDATE.
 */

export const RECOVERY_CODE_COUNT = 10;

export type RecoveryCodes = Readonly<{ codes: readonly string[]; hashes: readonly string[] }>;

/** A fresh set of codes to show the user once, and the hashes to store in their place. */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): RecoveryCodes {
  const codes = Array.from({ length: count }, () =>
    base32Encode(randomBytes(10), CROCKFORD).match(/.{4}/g)?.join('-'),
  ).filter((c): c is string => c !== undefined);
  return { codes, hashes: codes.map(hashRecoveryCode) };
}

/**
 * Hex SHA-256 of the code's canonical form: Crockford decoding is forgiving, so case, hyphens and spaces are
 * ignored and the look-alikes I/L → 1 and O → 0 are mapped back; what the user types needn't be exact.
 */
export function hashRecoveryCode(code: string): string {
  const canonical = code.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  return createHash('sha256').update(canonical).digest('hex');
}
