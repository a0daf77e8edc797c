/** Finalizer of MurmurHash3: spreads every input bit over the whole 32-bit word. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Small, fast, seedable PRNG (sfc32, from PractRand) that also drives faker (see `createNameSource`).
 *
 * Why not faker's default Mersenne Twister: re-seeding MT costs a 624-word initialisation, and the generator
 * re-seeds once per patient (and per aspect of a patient) so that a patient depends only on (seed, index).
 * sfc32 re-seeds in a few dozen operations and passes PractRand/BigCrush, which is plenty for demo data.
 */
export class Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(...parts: number[]) {
    this.reseed(...parts);
  }

  /** Restarts the stream from a hash of `parts` (any numbers; non-integers and values ≥ 2^32 are folded in). */
  reseed(...parts: number[]): void {
    let h = 0x9e3779b9;
    for (const part of parts) {
      const lo = part >>> 0;
      const hi = Math.floor(part / 4294967296) >>> 0;
      h = mix32(h ^ lo);
      h = mix32((h + hi + 0x7f4a7c15) | 0);
    }
    this.a = mix32(h ^ 0x243f6a88);
    this.b = mix32(h ^ 0x85a308d3);
    this.c = mix32(h ^ 0x13198a2e);
    this.d = 1;
    // sfc32's authors recommend discarding the first outputs after seeding.
    for (let i = 0; i < 12; i++) this.next32();
  }

  /** Faker's `Randomizer.seed`. */
  seed(seed: number | number[]): void {
    if (Array.isArray(seed)) this.reseed(...seed);
    else this.reseed(seed);
  }

  /** Uniform unsigned 32-bit integer. */
  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.next32() / 4294967296;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Uniform float in [min, max). */
  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One value from `[value, weight]` pairs, proportionally to weight. */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, w] of items) total += w;
    let r = this.next() * total;
    for (const [value, w] of items) {
      r -= w;
      if (r < 0) return value;
    }
    const last = items[items.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** Normally distributed value (Box–Muller), optionally clamped to [min, max]. */
  normal(mean: number, sd: number, min = -Infinity, max = Infinity): number {
    const u = 1 - this.next();
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return Math.min(max, Math.max(min, mean + z * sd));
  }
}
