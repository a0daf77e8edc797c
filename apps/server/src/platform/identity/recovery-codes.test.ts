import { expect, test } from 'vitest';
import { generateRecoveryCodes, hashRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.ts';
import { openSecret, parseSecretKey, sealSecret } from './secret-box.ts';

test('ten distinct codes of four groups of four Crockford characters, each stored as its SHA-256', () => {
  const { codes, hashes } = generateRecoveryCodes();
  expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
  for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  expect(new Set(codes).size).toBe(codes.length);
  expect(hashes).toEqual(codes.map(hashRecoveryCode));
  for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
});

test('hashing ignores case, hyphens, spaces and Crockford look-alikes', () => {
  const h = hashRecoveryCode('1AB0-CD1E-F011-2345');
  expect(hashRecoveryCode('1ab0 cd1e f011 2345')).toBe(h);
  expect(hashRecoveryCode('lABO-CDIE-FOl1-2345')).toBe(h);
  expect(hashRecoveryCode('1AB0-CD1E-F011-2346')).not.toBe(h);
});

test('sealed secrets open only with the same key and context', () => {
  const key = parseSecretKey(Buffer.alloc(32, 7).toString('base64'));
  const sealed = sealSecret(key, 'JBSWY3DPEHPK3PXP', 'user-1');
  expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
  expect(openSecret(key, sealed, 'user-1')).toBe('JBSWY3DPEHPK3PXP');
  expect(() => openSecret(key, sealed, 'user-2')).toThrow();
  expect(() => openSecret(parseSecretKey(Buffer.alloc(32, 8).toString('base64')), sealed, 'user-1')).toThrow();
  expect(() => parseSecretKey('c2hvcnQ=')).toThrow(/32 bytes/);
});
