import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Temporal } from 'temporal-polyfill';
import { base32Decode, base32Encode } from './base32.ts';

/**
 * Time-based one-time passwords: HOTP (RFC 4226) over a time-step counter (RFC 6238), with the parameters every
 * authenticator app supports by default: HMAC-SHA-1, 6 digits, 30-second steps. node:crypto is all it needs.
 */

export type TotpOptions = Readonly<{
  /** Code length; 6 for authenticator apps, 8 in RFC 6238's test vectors. */
  digits?: number;
  /** Seconds per step (RFC 6238 §4.1 X). */
  period?: number;
  algorithm?: 'sha1' | 'sha256' | 'sha512';
}>;

const DEFAULT_DIGITS = 6;
const DEFAULT_PERIOD = 30;

/** The HOTP value for one counter (RFC 4226 §5.3: HMAC, dynamic truncation, modulo 10^digits). */
export function hotp(key: Uint8Array, counter: number, options: TotpOptions = {}): string {
  const digits = options.digits ?? DEFAULT_DIGITS;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(options.algorithm ?? 'sha1', key)
    .update(message)
    .digest();
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step containing `now` (RFC 6238 §4.2: T = floor((unix time − T0) / X), T0 = 0). */
export function totpStep(now: Temporal.Instant, options: TotpOptions = {}): number {
  return Math.floor(now.epochMilliseconds / 1000 / (options.period ?? DEFAULT_PERIOD));
}

/** The code an authenticator shows at `now` for a base32 secret. */
export function totpCode(secret: string, now: Temporal.Instant, options: TotpOptions = {}): string {
  return hotp(secretBytes(secret), totpStep(now, options), options);
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'malformed' | 'invalid' | 'replayed' };

/**
 * Checks a code at `now`, accepting the previous and next step too (RFC 6238 §5.2 recommends at most one step of
 * clock drift). A code is used at most once (§5.2: "the verifier MUST NOT accept the second attempt of the same OTP"):
 * the caller stores the returned `step` and passes it back as `lastUsedStep`, and only later steps are accepted.
 */
export function verifyTotp(
  input: Readonly<{ secret: string; code: string; now: Temporal.Instant; lastUsedStep?: number | null }>,
  options: TotpOptions & { window?: number } = {},
): TotpCheck {
  const digits = options.digits ?? DEFAULT_DIGITS;
  const code = input.code.replace(/\s/g, '');
  if (!new RegExp(`^\\d{${digits}}$`).test(code)) return { ok: false, reason: 'malformed' };
  const key = secretBytes(input.secret);
  const current = totpStep(input.now, options);
  const window = options.window ?? 1;
  let replayed = false;
  // Every candidate step is computed and compared, matched or not, so timing says nothing about which one matched.
  let matched: number | undefined;
  for (let step = current - window; step <= current + window; step++) {
    if (timingSafeEqual(Buffer.from(hotp(key, step, options)), Buffer.from(code))) {
      if (input.lastUsedStep != null && step <= input.lastUsedStep) replayed = true;
      else matched ??= step;
    }
  }
  if (matched !== undefined) return { ok: true, step: matched };
  return { ok: false, reason: replayed ? 'replayed' : 'invalid' };
}

/** A new shared secret: 20 random bytes (160 bits, RFC 4226 §4 R6's recommended length for HMAC-SHA-1), base32. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

/**
 * The Key URI authenticator apps scan (Google Authenticator's "Key Uri Format"): the label is issuer:account, and
 * issuer is repeated as a parameter because apps disagree on which one they read.
 */
export function totpUri(username: string, secret: string, issuer = 'CareLoop'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(username)}`;
  const params = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: '6', period: '30' });
  return `otpauth://totp/${label}?${params}`;
}

function secretBytes(secret: string): Buffer {
  const key = base32Decode(secret);
  if (!key || key.length === 0) throw new Error('TOTP secret is not base32');
  return key;
}
