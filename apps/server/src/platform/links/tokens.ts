import { createHmac, timingSafeEqual } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { invalid, type OutcomeError } from '../errors.ts';

/**
 * Signed, expiring, purpose-bound tokens for links that work without signing in (confirm or cancel an appointment
 * from an e-mail or a text message). The token is the only secret in such a URL.
 *
 * Form: `base64url(JSON [subject, expiresAtEpochSeconds]) "." base64url(MAC)`, where the MAC is HMAC-SHA256 (RFC
 * 2104) over a version label, the purpose and the encoded payload, truncated to 128 bits: RFC 2104 §5 advises keeping
 * at least half of the hash output, and 128 bits leave nothing to guess online. The purpose is signed but not carried
 * (the verifier knows which it expects), which keeps a token for a UUID subject near 90 characters, short enough for
 * a text message. The payload is signed, not encrypted: anyone holding the link can read it, so `subject` must be an
 * opaque id (an Appointment's id), never a name or anything clinical.
 */
export type LinkPayload = Readonly<{ purpose: string; subject: string; expiresAt: Temporal.Instant }>;

// Domain separation: the same key used for another kind of MAC elsewhere can never produce a valid link token.
const LABEL = 'careloop-link-v1.';
const MAC_BYTES = 16;
const MAC_CHARS = Math.ceil((MAC_BYTES * 4) / 3);
const SHAPE = new RegExp(`^([A-Za-z0-9_-]{1,1024})\\.([A-Za-z0-9_-]{${MAC_CHARS}})$`);
const PURPOSE = /^[a-z][a-z0-9-]{0,39}$/;

/** Signs a link token; `purpose` (e.g. `appointment-confirm`) binds it to one use, `subject` to one resource. */
export function signLink(key: Buffer, payload: LinkPayload): string {
  if (!PURPOSE.test(payload.purpose)) throw new RangeError('link purpose: lower-case letters, digits and -, ≤ 40');
  if (payload.subject.length === 0 || payload.subject.length > 200)
    throw new RangeError('link subject: 1 to 200 characters');
  // Whole seconds, rounded down: a link never outlives the instant asked for.
  const expires = Math.floor(payload.expiresAt.epochMilliseconds / 1000);
  const body = Buffer.from(JSON.stringify([payload.subject, expires])).toString('base64url');
  return `${body}.${mac(key, payload.purpose, body).toString('base64url')}`;
}

/**
 * The payload of a token signed with `key` for `purpose` that has not expired at `now`; otherwise a 400
 * OutcomeError on `token`: "malformed" (not a token at all), "not valid" (altered, signed with another key, or made
 * for another purpose: one answer, so a caller learns nothing about which), or "expired" (said only of a genuine
 * token, so an altered expiry is "not valid").
 */
export function verifyLink(
  key: Buffer,
  token: string,
  expected: Readonly<{ purpose: string; now: Temporal.Instant }>,
): LinkPayload {
  if (!PURPOSE.test(expected.purpose)) throw new RangeError('link purpose: lower-case letters, digits and -, ≤ 40');
  const shape = SHAPE.exec(token);
  if (!shape) throw refuse('malformed');
  const [, body, given] = shape as unknown as [string, string, string];
  // timingSafeEqual: comparing the MAC byte by byte with early exit would leak, through timing, how much is right.
  // The encoded forms are compared, not the decoded bytes: base64url's last character carries spare bits, and
  // decoding would accept several spellings of one MAC.
  // A token made for another purpose fails here too, since the purpose is part of what the MAC covers.
  const wanted = Buffer.from(mac(key, expected.purpose, body).toString('base64url'));
  if (!timingSafeEqual(wanted, Buffer.from(given))) throw refuse('not valid');
  const payload = decode(body, expected.purpose);
  if (!payload) throw refuse('malformed');
  if (Temporal.Instant.compare(expected.now, payload.expiresAt) >= 0) throw refuse('expired');
  return payload;
}

function mac(key: Buffer, purpose: string, body: string): Buffer {
  // PURPOSE has no '.', so label, purpose and body join unambiguously.
  return createHmac('sha256', key).update(`${LABEL}${purpose}.${body}`).digest().subarray(0, MAC_BYTES);
}

function decode(body: string, purpose: string): LinkPayload | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return undefined;
    const [subject, expires] = value as unknown[];
    if (typeof subject !== 'string' || !Number.isSafeInteger(expires)) return undefined;
    return { purpose, subject, expiresAt: Temporal.Instant.fromEpochMilliseconds(Number(expires) * 1000) };
  } catch {
    return undefined;
  }
}

function refuse(why: 'malformed' | 'not valid' | 'expired'): OutcomeError {
  return invalid(why === 'expired' ? 'The link has expired' : `The link is ${why}`, 'token');
}
