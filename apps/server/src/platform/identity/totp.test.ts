import { Temporal } from 'temporal-polyfill';
import { describe, expect, test } from 'vitest';
import { base32Decode, base32Encode } from './base32.ts';
import { generateTotpSecret, hotp, totpCode, totpStep, totpUri, verifyTotp } from './totp.ts';

const at = (seconds: number) => Temporal.Instant.fromEpochMilliseconds(seconds * 1000);

// RFC 6238 Appendix B: the seeds are the ASCII digits "1234567890" repeated to the hash's length.
const seed = (length: number) => Buffer.from('1234567890'.repeat(7).slice(0, length));
const SHA1 = base32Encode(seed(20));
const SHA256 = base32Encode(seed(32));
const SHA512 = base32Encode(seed(64));

describe('RFC 6238 Appendix B test vectors (8 digits)', () => {
  test.each([
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ])('T = %i', (time, sha1, sha256, sha512) => {
    expect(totpCode(SHA1, at(time), { digits: 8 })).toBe(sha1);
    expect(totpCode(SHA256, at(time), { digits: 8, algorithm: 'sha256' })).toBe(sha256);
    expect(totpCode(SHA512, at(time), { digits: 8, algorithm: 'sha512' })).toBe(sha512);
  });
});

test('RFC 4226 Appendix D HOTP values (6 digits)', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expect(expected.map((_, counter) => hotp(seed(20), counter))).toEqual(expected);
});

describe('verifyTotp', () => {
  const secret = SHA1;
  const now = at(1234567890); // step 41152263, 0 s into it
  const codeAt = (seconds: number) => totpCode(secret, at(seconds));

  test('the step is floor(unix seconds / 30)', () => {
    expect([totpStep(at(0)), totpStep(at(29)), totpStep(at(30)), totpStep(now)]).toEqual([0, 0, 1, 41152263]);
    expect(totpStep(at(59), { period: 60 })).toBe(0);
  });

  test.each([
    ['current step', 1234567890, true],
    ['previous step (clock behind)', 1234567890 - 30, true],
    ['next step (clock ahead)', 1234567890 + 30, true],
    ['two steps back', 1234567890 - 60, false],
    ['two steps ahead', 1234567890 + 60, false],
  ])('±1 step window: %s', (_name, codeTime, ok) => {
    expect(verifyTotp({ secret, code: codeAt(codeTime), now }).ok).toBe(ok);
  });

  test('returns the matched step; that step and earlier ones are refused as replays', () => {
    const first = verifyTotp({ secret, code: codeAt(1234567890), now });
    expect(first).toEqual({ ok: true, step: 41152263 });
    const lastUsedStep = first.ok ? first.step : -1;
    expect(verifyTotp({ secret, code: codeAt(1234567890), now, lastUsedStep })).toEqual({
      ok: false,
      reason: 'replayed',
    });
    expect(verifyTotp({ secret, code: codeAt(1234567890 - 30), now, lastUsedStep }).ok).toBe(false);
    expect(verifyTotp({ secret, code: codeAt(1234567890 + 30), now, lastUsedStep })).toEqual({
      ok: true,
      step: 41152264,
    });
  });

  test.each([
    ['letters', 'abcdef', 'malformed'],
    ['too short', '12345', 'malformed'],
    ['wrong digits', '000000', 'invalid'],
  ])('%s → %s', (_name, code, reason) => {
    // '000000' is the right code only with probability 3·10^-6; make sure it is not here.
    expect([codeAt(1234567860), codeAt(1234567890), codeAt(1234567920)]).not.toContain('000000');
    expect(verifyTotp({ secret, code, now })).toEqual({ ok: false, reason });
  });

  test('accepts a code typed with a space', () => {
    const code = codeAt(1234567890);
    expect(verifyTotp({ secret, code: `${code.slice(0, 3)} ${code.slice(3)}`, now }).ok).toBe(true);
  });
});

describe('secrets and URIs', () => {
  test('a new secret is 20 random bytes in base32 (32 characters), different each time', () => {
    const a = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)?.length).toBe(20);
    expect(generateTotpSecret()).not.toBe(a);
  });

  test('base32 round-trips every length (RFC 4648 §10 vectors without padding)', () => {
    const vectors = ['', 'MY', 'MZXQ', 'MZXW6', 'MZXW6YQ', 'MZXW6YTB', 'MZXW6YTBOI'];
    expect(['', 'f', 'fo', 'foo', 'foob', 'fooba', 'foobar'].map((s) => base32Encode(Buffer.from(s)))).toEqual(vectors);
    expect(base32Decode('mzxw6ytboi======')?.toString()).toBe('foobar');
    expect(base32Decode('MZXW1')).toBeUndefined();
  });

  test('otpauth URI names issuer and account and carries the parameters', () => {
    const uri = new URL(totpUri('j.smith@example.org', 'JBSWY3DPEHPK3PXP'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/CareLoop:j.smith@example.org');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: 'JBSWY3DPEHPK3PXP',
      issuer: 'CareLoop',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
