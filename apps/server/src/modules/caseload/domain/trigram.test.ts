import { describe, expect, test } from 'vitest';
import { trigramSimilarity } from './trigram.ts';

describe('trigramSimilarity (pg_trgm semantics)', () => {
  test.each([
    // Values PostgreSQL 15's similarity() returns for the same pairs.
    ['word', 'word', 1],
    ['word', 'two words', 0.36363637],
    ['Smith', 'Smyth', 0.33333334],
    ['Johnson', 'Jonson', 0.5],
    ['García', 'garcia', 1],
    ['abc', 'xyz', 0],
    ['', 'abc', 0],
  ])('%s ~ %s = %f', (a, b, expected) => {
    expect(trigramSimilarity(a, b)).toBeCloseTo(expected, 5);
  });
});
