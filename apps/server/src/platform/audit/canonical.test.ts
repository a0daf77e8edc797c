import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { canonicalJson, chainHash, genesisHash, toHex } from './canonical.ts';

describe('canonicalJson', () => {
  test.each([
    [
      'keys sorted at every depth',
      { b: 1, a: { d: [2, { z: 1, y: 0 }], c: 'x' } },
      '{"a":{"c":"x","d":[2,{"y":0,"z":1}]},"b":1}',
    ],
    ['undefined members dropped', { a: undefined, b: null }, '{"b":null}'],
    ['strings escaped as JSON.stringify does', { s: 'a"b\\c\n\u00e9' }, '{"s":"a\\"b\\\\c\\né"}'],
    ['keys by UTF-16 code units, not locale', { b: 1, B: 2, é: 3, a: 4 }, '{"B":2,"a":4,"b":1,"é":3}'],
    ['numbers as JSON', { n: [1, 1.5, -0.25, 1e21] }, '{"n":[1,1.5,-0.25,1e+21]}'],
    ['empty containers', { a: [], o: {} }, '{"a":[],"o":{}}'],
  ])('%s', (_name, value, expected) => {
    expect(canonicalJson(value)).toBe(expected);
  });

  test('non-finite numbers are refused', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
  });

  test('property: independent of key order, and parses back to the same value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        // Round trip through JSON (as jsonb does) changes nothing; -0 is the one value JSON itself turns into 0.
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        const shuffled = JSON.parse(JSON.stringify(value), (_k, v) =>
          v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
        );
        expect(canonicalJson(shuffled)).toBe(text);
      }),
    );
  });
});

describe('chainHash', () => {
  const event = { resourceType: 'AuditEvent', id: '1', action: 'R' };
  test('is SHA-256 over prev ‖ seq ‖ canonical JSON: deterministic, and sensitive to each part', () => {
    const h = chainHash(genesisHash, 1, event);
    expect(h).toHaveLength(32);
    expect(toHex(chainHash(genesisHash, 1, { action: 'R', id: '1', resourceType: 'AuditEvent' }))).toBe(toHex(h));
    expect(toHex(chainHash(genesisHash, 2, event))).not.toBe(toHex(h));
    expect(toHex(chainHash(h, 1, event))).not.toBe(toHex(h));
    expect(toHex(chainHash(genesisHash, 1, { ...event, action: 'C' }))).not.toBe(toHex(h));
  });
});
