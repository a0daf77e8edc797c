import { describe, expect, test } from 'vitest';
import { defaultKdfParams, hashPassword, type KdfParams, verifyPassword } from './password.ts';
import { passwordProblem } from './password-policy.ts';

// Cheap parameters keep the suite fast; one test below runs the production ones.
const cheapScrypt: KdfParams = { ...defaultKdfParams, scryptLogN: 10 };
const cheapPbkdf2: KdfParams = { ...defaultKdfParams, kdf: 'pbkdf2', pbkdf2Iterations: 1000 };

describe('hashPassword / verifyPassword', () => {
  test.each([
    ['scrypt', cheapScrypt, /^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/],
    ['pbkdf2', cheapPbkdf2, /^\$pbkdf2-sha256\$i=1000\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/],
  ] as const)('%s: self-describing string that verifies the right password only', async (_name, params, shape) => {
    const hash = await hashPassword('correct horse battery', params);
    expect(hash).toMatch(shape);
    expect(await verifyPassword('correct horse battery', hash, params)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword('correct horse batterY', hash, params)).toEqual({ ok: false, needsRehash: false });
  });

  test('a fresh salt each time', async () => {
    const [a, b] = await Promise.all([
      hashPassword('same password!', cheapScrypt),
      hashPassword('same password!', cheapScrypt),
    ]);
    expect(a).not.toBe(b);
  });

  test('Unicode-normalised (NFKC), so composed and decomposed accents are the same password', async () => {
    const hash = await hashPassword('caf\u00e9 au lait please', cheapScrypt);
    expect((await verifyPassword('cafe\u0301 au lait please', hash, cheapScrypt)).ok).toBe(true);
  });

  test('needsRehash when the hash is weaker than the current parameters or uses the other function', async () => {
    const weak = await hashPassword('a long passphrase', cheapScrypt);
    expect(await verifyPassword('a long passphrase', weak, { ...cheapScrypt, scryptLogN: 11 })).toEqual({
      ok: true,
      needsRehash: true,
    });
    // A FIPS deployment (kdf = pbkdf2) migrates scrypt hashes at the next sign-in, and vice versa.
    expect((await verifyPassword('a long passphrase', weak, cheapPbkdf2)).needsRehash).toBe(true);
    const pb = await hashPassword('a long passphrase', cheapPbkdf2);
    expect(
      (await verifyPassword('a long passphrase', pb, { ...cheapPbkdf2, pbkdf2Iterations: 2000 })).needsRehash,
    ).toBe(true);
    expect((await verifyPassword('a long passphrase', pb, cheapScrypt)).needsRehash).toBe(true);
    // A wrong password never asks for a rehash (that would need the plaintext).
    expect(await verifyPassword('wrong passphrase', weak, { ...cheapScrypt, scryptLogN: 11 })).toEqual({
      ok: false,
      needsRehash: false,
    });
  });

  test.each([
    ['empty', ''],
    ['unknown function', '$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$a2V5a2V5a2V5a2V5a2V5a2V5'],
    ['absurd cost', '$scrypt$ln=40,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U'],
    ['missing parameter', '$pbkdf2-sha256$x=5$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U'],
    ['short salt', '$pbkdf2-sha256$i=1000$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U'],
  ])('a malformed stored hash (%s) never matches', async (_name, stored) => {
    expect(await verifyPassword('anything at all', stored)).toEqual({ ok: false, needsRehash: false });
  });

  test('production parameters: scrypt N=2^15 and PBKDF2 600 000 iterations, timed', async () => {
    const pbkdf2Params: KdfParams = { ...defaultKdfParams, kdf: 'pbkdf2' };
    let t = performance.now();
    const s = await hashPassword('production passphrase');
    const scryptMs = performance.now() - t;
    t = performance.now();
    const p = await hashPassword('production passphrase', pbkdf2Params);
    const pbkdf2Ms = performance.now() - t;
    expect(s.startsWith('$scrypt$ln=15,r=8,p=1$')).toBe(true);
    expect(p.startsWith('$pbkdf2-sha256$i=600000$')).toBe(true);
    expect(await verifyPassword('production passphrase', s)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword('production passphrase', p, pbkdf2Params)).toEqual({ ok: true, needsRehash: false });
    process.stderr.write(`password hash time: scrypt ${scryptMs.toFixed(0)} ms, pbkdf2 ${pbkdf2Ms.toFixed(0)} ms\n`);
  });
});

describe('passwordProblem (NIST SP 800-63B §5.1.1.2)', () => {
  test.each([
    ['12 characters, no composition rules', 'plain lowercase words', undefined],
    ['exactly 12', 'abcdefghijkm', undefined],
    ['128 code points of emoji', `${'🔑'.repeat(64)}${'x'.repeat(64)}`, undefined],
    ['11 characters', 'abcdefghijk', 'at least 12'],
    ['129 characters', `${'x'.repeat(128)}y`, 'at most 128'],
    ['common', 'Password1234', 'too common'],
    ['common, other case', 'QWERTY123456', 'too common'],
    ['one repeated character', 'zzzzzzzzzzzzzz', 'repeated character'],
    ['short repeated pattern', 'abcabcabcabc', 'repeated pattern'],
    ['contains the user name', 'my name is Jsmith2', 'user name'],
  ])('%s', (_name, password, problem) => {
    const got = passwordProblem(password, { username: 'jsmith' });
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toContain(problem);
  });
});
