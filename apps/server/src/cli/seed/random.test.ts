import { describe, expect, test } from 'vitest';
import { Rng } from './random.ts';

function draw(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.next32());
}

describe('Rng', () => {
  test('the same seed parts give the same stream, different parts a different one', () => {
    expect(draw(new Rng(42, 7), 20)).toEqual(draw(new Rng(42, 7), 20));
    expect(draw(new Rng(42, 7), 20)).not.toEqual(draw(new Rng(42, 8), 20));
    expect(draw(new Rng(42, 7), 20)).not.toEqual(draw(new Rng(7, 42), 20));
  });

  test('reseed restarts the stream exactly', () => {
    const rng = new Rng(1);
    rng.reseed(5, 6);
    const first = draw(rng, 10);
    draw(rng, 3);
    rng.reseed(5, 6);
    expect(draw(rng, 10)).toEqual(first);
  });

  test('large and fractional seeds are folded in, not truncated to the same stream', () => {
    expect(draw(new Rng(2 ** 40), 5)).not.toEqual(draw(new Rng(0), 5));
    expect(draw(new Rng(2 ** 40 + 1), 5)).not.toEqual(draw(new Rng(2 ** 40), 5));
  });

  test('int stays within bounds and hits both ends', () => {
    const rng = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) seen.add(rng.int(2, 6));
    expect([...seen].sort()).toEqual([2, 3, 4, 5, 6]);
  });

  test('next is uniform in [0, 1): each decile gets about a tenth', () => {
    const rng = new Rng(11);
    const deciles = new Array<number>(10).fill(0);
    const n = 50_000;
    let outOfRange = 0;
    for (let i = 0; i < n; i++) {
      const v = rng.next();
      if (v < 0 || v >= 1) outOfRange += 1;
      else deciles[Math.floor(v * 10)] = (deciles[Math.floor(v * 10)] ?? 0) + 1;
    }
    expect(outOfRange).toBe(0);
    for (const count of deciles) expect(Math.abs(count / n - 0.1)).toBeLessThan(0.01);
  });

  test('weighted follows the weights', () => {
    const rng = new Rng(9);
    const counts = { a: 0, b: 0, c: 0 };
    for (let i = 0; i < 20_000; i++) {
      counts[
        rng.weighted<'a' | 'b' | 'c'>([
          ['a', 1],
          ['b', 3],
          ['c', 0],
        ])
      ] += 1;
    }
    expect(counts.c).toBe(0);
    expect(counts.b / counts.a).toBeGreaterThan(2.7);
    expect(counts.b / counts.a).toBeLessThan(3.3);
  });

  test('normal respects its clamps and centres on the mean', () => {
    const rng = new Rng(4);
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < 10_000; i++) {
      const v = rng.normal(100, 15, 60, 140);
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBeGreaterThanOrEqual(60);
    expect(max).toBeLessThanOrEqual(140);
    expect(Math.abs(sum / 10_000 - 100)).toBeLessThan(1);
  });
});
