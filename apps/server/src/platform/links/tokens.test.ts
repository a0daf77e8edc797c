import { createHmac, randomBytes } from 'node:crypto';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { OutcomeError } from '../errors.ts';
import { signLink, verifyLink } from './index.ts';

const key = Buffer.alloc(32, 1);
const otherKey = Buffer.alloc(32, 2);
const at = (iso: string) => Temporal.Instant.from(iso);
const payload = {
  purpose: 'appointment-confirm',
  subject: '8f14e45f-ceea-467f-a0e6-8a3b5c1d2e3f',
  expiresAt: at('2026-11-24T15:30:00Z'),
};
const before = at('2026-11-20T12:00:00Z');

/** The OutcomeError verifyLink throws, or a failure when it accepts. */
function refusal(token: string, purpose = payload.purpose, now = before, k = key): OutcomeError {
  try {
    verifyLink(k, token, { purpose, now });
  } catch (e) {
    if (e instanceof OutcomeError) return e;
    throw e;
  }
  throw new Error('expected the token to be refused');
}

/** A payload signed correctly under `key` but with JSON of our choosing (what a key holder could make). */
function signedRaw(json: string, purpose = payload.purpose): string {
  const body = Buffer.from(json).toString('base64url');
  const mac = createHmac('sha256', key).update(`careloop-link-v1.${purpose}.${body}`).digest().subarray(0, 16);
  return `${body}.${mac.toString('base64url')}`;
}

describe('link tokens', () => {
  test('round trip: the payload comes back, expiry in whole seconds', () => {
    const token = signLink(key, { ...payload, expiresAt: at('2026-11-24T15:30:00.900Z') });
    expect(verifyLink(key, token, { purpose: payload.purpose, now: before })).toEqual(payload);
  });

  test('compact: under 100 URL-safe characters for a UUID subject, so it fits in a text message', () => {
    const token = signLink(key, payload);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(token.length).toBeLessThan(100);
    expect(encodeURIComponent(token)).toBe(token);
  });

  test('the same MAC as an independent HMAC-SHA256 over label, purpose and payload', () => {
    const token = signLink(key, payload);
    const [body] = token.split('.');
    expect(JSON.parse(Buffer.from(body as string, 'base64url').toString())).toEqual([
      payload.subject,
      Date.parse('2026-11-24T15:30:00Z') / 1000,
    ]);
    expect(token).toBe(signedRaw(Buffer.from(body as string, 'base64url').toString()));
  });

  test('expired at and after expiresAt, valid one second before', () => {
    const token = signLink(key, payload);
    expect(verifyLink(key, token, { purpose: payload.purpose, now: at('2026-11-24T15:29:59Z') }).subject).toBe(
      payload.subject,
    );
    for (const now of ['2026-11-24T15:30:00Z', '2027-01-01T00:00:00Z']) {
      const e = refusal(token, payload.purpose, at(now));
      expect(e.message).toBe('The link has expired');
      expect(e.status).toBe(400);
      expect(e.outcome.issue?.[0]?.expression).toEqual(['token']);
    }
  });

  test('a tampered payload (later expiry, other subject) is not valid, not "expired"', () => {
    const token = signLink(key, { ...payload, expiresAt: at('2026-11-01T00:00:00Z') });
    const [, macPart] = token.split('.');
    const later = Buffer.from(JSON.stringify([payload.subject, 1_900_000_000])).toString('base64url');
    const other = Buffer.from(JSON.stringify(['another-appointment', 1_795_000_000])).toString('base64url');
    expect(refusal(`${later}.${macPart}`).message).toBe('The link is not valid');
    expect(refusal(`${other}.${macPart}`).message).toBe('The link is not valid');
  });

  test('a tampered MAC is not valid, whichever character changes', () => {
    const token = signLink(key, payload);
    const dot = token.indexOf('.');
    for (const i of [dot + 1, dot + 10, token.length - 1]) {
      const c = token[i] === 'A' ? 'B' : 'A';
      const changed = token.slice(0, i) + c + token.slice(i + 1);
      expect(refusal(changed).message).toBe('The link is not valid');
    }
  });

  test('another purpose and another key answer exactly like tampering', () => {
    const token = signLink(key, payload);
    const wrongPurpose = refusal(token, 'appointment-cancel');
    const wrongKey = refusal(token, payload.purpose, before, otherKey);
    expect(wrongPurpose.message).toBe('The link is not valid');
    expect(wrongPurpose.outcome).toEqual(wrongKey.outcome);
    expect(refusal(signLink(randomBytes(32), payload)).outcome).toEqual(wrongKey.outcome);
  });

  test.each([
    ['empty', ''],
    ['no dot', 'abcdef'],
    ['short MAC', 'eyJ4IjoxfQ.abc'],
    ['characters outside base64url', 'ab+c/.AAAAAAAAAAAAAAAAAAAAAA'],
    ['three parts', 'a.b.AAAAAAAAAAAAAAAAAAAAAA'],
    ['spaces', ' eyJ4IjoxfQ.AAAAAAAAAAAAAAAAAAAAAA'],
  ])('malformed: %s', (_name, token) => {
    expect(refusal(token).message).toBe('The link is malformed');
  });

  test('a correctly signed body that is not the token shape is malformed', () => {
    expect(refusal(signedRaw('{"s":"x","e":1795000000}')).message).toBe('The link is malformed');
    expect(refusal(signedRaw('["x","soon"]')).message).toBe('The link is malformed');
    expect(refusal(signedRaw('["x",1795000000,"extra"]')).message).toBe('The link is malformed');
    expect(refusal(signedRaw('["x",1795000000]', 'appointment-cancel')).message).toBe('The link is not valid');
    expect(refusal(signedRaw('not json')).message).toBe('The link is malformed');
  });

  test('the refusal carries neither the token nor the subject', () => {
    const token = signLink(key, payload);
    const e = refusal(token, 'appointment-cancel');
    expect(JSON.stringify(e.outcome)).not.toContain(token.slice(0, 20));
    expect(JSON.stringify(e.outcome)).not.toContain('8f14e45f');
  });

  test('purpose and subject are checked when signing', () => {
    expect(() => signLink(key, { ...payload, purpose: 'Confirm Appointment' })).toThrow(RangeError);
    expect(() => signLink(key, { ...payload, subject: '' })).toThrow(RangeError);
    expect(() => signLink(key, { ...payload, subject: 'x'.repeat(201) })).toThrow(RangeError);
  });
});
