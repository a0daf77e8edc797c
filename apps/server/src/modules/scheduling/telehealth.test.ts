import { describe, expect, test } from 'vitest';
import { joinUrl, newRoomName, telehealthTemplateProblem } from './telehealth.ts';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** The 128 bits a room name encodes (RFC 4648 base32, decoded here independently of the encoder). */
function bitsOf(room: string): number[] {
  const bits = [...room].flatMap((c) => {
    const v = ALPHABET.indexOf(c);
    return [4, 3, 2, 1, 0].map((i) => (v >> i) & 1);
  });
  expect(bits.slice(128)).toEqual([0, 0]); // the two spare bits of the last character are zero
  return bits.slice(0, 128);
}

describe('room names', () => {
  const names = Array.from({ length: 10_000 }, newRoomName);

  test('26 lower-case base32 characters, URL-safe as they are', () => {
    for (const n of names.slice(0, 200)) {
      expect(n).toMatch(/^[a-z2-7]{26}$/);
      expect(encodeURIComponent(n)).toBe(n);
    }
  });

  test('10,000 names are all different', () => {
    expect(new Set(names).size).toBe(10_000);
  });

  test('each of the 128 bits is set about half the time (≥ 128 bits of randomness, none fixed)', () => {
    const ones = new Array<number>(128).fill(0);
    for (const n of names) {
      const bits = bitsOf(n);
      for (let i = 0; i < 128; i++) ones[i] = (ones[i] ?? 0) + (bits[i] ?? 0);
    }
    // Binomial(10,000, ½): σ = 50, so 4,700–5,300 is six σ: a fair bit fails about once in 10⁹
    // runs, a stuck or biased one every time.
    for (const count of ones) {
      expect(count).toBeGreaterThan(4_700);
      expect(count).toBeLessThan(5_300);
    }
  });
});

describe('join links', () => {
  const room = newRoomName();

  test('the default Jitsi template and others get the room in place of {room}', () => {
    expect(joinUrl('https://meet.jit.si/careloop-{room}', room)).toBe(`https://meet.jit.si/careloop-${room}`);
    expect(joinUrl('https://video.example.org/r/{room}?lang=es', room)).toBe(
      `https://video.example.org/r/${room}?lang=es`,
    );
    expect(joinUrl('https://{room}.whereby.example/', room)).toBe(`https://${room}.whereby.example/`);
  });

  test.each([
    ['no {room}', 'https://meet.jit.si/careloop', /exactly once \(found 0\)/],
    ['{room} twice', 'https://meet.jit.si/{room}/{room}', /exactly once \(found 2\)/],
    ['plain http', 'http://meet.jit.si/{room}', /https/],
    ['not a URL', 'meet.jit.si/{room}', /not a URL/],
    ['another scheme', 'ftp://meet.jit.si/{room}', /https/],
  ])('template with %s is refused with a readable reason', (_name, template, reason) => {
    expect(telehealthTemplateProblem(template)).toMatch(reason);
    expect(() => joinUrl(template, room)).toThrow(/^TELEHEALTH_URL_TEMPLATE /);
  });

  test('only names made by newRoomName are put in a link', () => {
    expect(() => joinUrl('https://meet.jit.si/{room}', 'my-room')).toThrow(RangeError);
    expect(() => joinUrl('https://meet.jit.si/{room}', `${room}/../x`)).toThrow(RangeError);
  });
});
