import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { clip, type Interval, intersect, normalize, subtract, totalLength, union, unionAll } from './intervals.ts';

/** `'0-5 7-9'` → intervals; keeps the tables short. */
const iv = (text: string): Interval[] =>
  text === ''
    ? []
    : text.split(' ').map((p) => {
        const [start, end] = p.split('-').map(Number);
        return { start: start!, end: end! };
      });
const show = (list: readonly Interval[]) => list.map((i) => `${i.start}-${i.end}`).join(' ');

describe('interval algebra, by example', () => {
  test.each([
    ['sorts and merges overlaps', '5-8 0-3 2-4', '0-4 5-8'],
    ['merges intervals that only touch: [0,3) ∪ [3,5) = [0,5)', '3-5 0-3', '0-5'],
    ['drops empty and backwards intervals', '4-4 6-2 1-2', '1-2'],
    ['swallows contained intervals', '0-10 2-3 4-12', '0-12'],
  ])('normalize: %s', (_name, input, expected) => {
    expect(show(normalize(iv(input)))).toBe(expected);
  });

  test.each([
    ['union merges across lists', 'union', '0-2 6-8', '2-4 10-12', '0-4 6-8 10-12'],
    ['intersect keeps only the overlap', 'intersect', '0-5 8-12', '3-9', '3-5 8-9'],
    ['intersect of touching intervals is empty (half-open)', 'intersect', '0-5', '5-9', ''],
    ['subtract splits an interval around a hole', 'subtract', '0-10', '3-4', '0-3 4-10'],
    ['subtract: one hole spans two intervals', 'subtract', '0-4 6-10', '3-7', '0-3 7-10'],
    ['subtract: a hole covering everything leaves nothing', 'subtract', '2-4 6-8', '0-10', ''],
    ['subtract: holes at both ends', 'subtract', '0-10', '0-2 8-10', '2-8'],
  ] as const)('%s', (_name, op, a, b, expected) => {
    const f = { union, intersect, subtract }[op];
    expect(show(f(iv(a), iv(b)))).toBe(expected);
  });

  test('clip, unionAll and totalLength', () => {
    expect(show(clip(iv('0-5 7-9 12-20'), { start: 3, end: 13 }))).toBe('3-5 7-9 12-13');
    expect(clip(iv('0-5'), { start: 3, end: 3 })).toEqual([]);
    expect(show(unionAll([iv('0-2 8-9'), iv('1-4'), [], iv('4-5')]))).toBe('0-5 8-9');
    expect(totalLength(iv('0-5 7-9'))).toBe(7);
  });
});

// The model: a set of unit cells [k, k + 1) on a small integer grid. Every endpoint is a whole number, so a list of
// intervals and its set of cells say exactly the same thing.
const GRID = 40;
const cells = (list: readonly Interval[]) => {
  const set = new Array<boolean>(GRID).fill(false);
  for (const i of list) for (let k = Math.max(0, i.start); k < Math.min(GRID, i.end); k++) set[k] = true;
  return set;
};
const arbList = fc.array(
  fc.record({ start: fc.integer({ min: 0, max: GRID }), end: fc.integer({ min: 0, max: GRID }) }),
  { maxLength: 8 },
);
const arbNormalized = arbList.map(normalize);

function expectNormalized(list: readonly Interval[]) {
  list.forEach((i, k) => {
    expect(i.end).toBeGreaterThan(i.start);
    // Sorted, and a gap between neighbours: touching intervals would have been merged.
    if (k > 0) expect(i.start).toBeGreaterThan(list[k - 1]!.end);
  });
}

describe('interval algebra, against a brute-force model', () => {
  test('property: normalize keeps exactly the same instants, in normal form', () => {
    fc.assert(
      fc.property(arbList, (list) => {
        const n = normalize(list);
        expectNormalized(n);
        expect(cells(n)).toEqual(cells(list));
      }),
    );
  });

  test.each([
    ['union', union, (x: boolean, y: boolean) => x || y],
    ['intersect', intersect, (x: boolean, y: boolean) => x && y],
    ['subtract', subtract, (x: boolean, y: boolean) => x && !y],
  ] as const)('property: %s agrees with the model, in normal form', (_name, f, model) => {
    fc.assert(
      fc.property(arbNormalized, arbNormalized, (a, b) => {
        const result = f(a, b);
        expectNormalized(result);
        const [ca, cb] = [cells(a), cells(b)];
        expect(cells(result)).toEqual(ca.map((x, k) => model(x, cb[k]!)));
      }),
    );
  });

  test('property: clip, unionAll and totalLength agree with the model', () => {
    fc.assert(
      fc.property(
        fc.array(arbNormalized, { maxLength: 5 }),
        fc.integer({ min: 0, max: GRID }),
        fc.integer({ min: 0, max: GRID }),
        (lists, s, e) => {
          const all = unionAll(lists);
          expectNormalized(all);
          expect(cells(all)).toEqual(cells(lists.flat()));
          expect(totalLength(all)).toBe(cells(all).filter(Boolean).length);
          const clipped = clip(all, { start: s, end: e });
          expectNormalized(clipped);
          expect(cells(clipped)).toEqual(cells(all).map((x, k) => x && k >= s && k < e));
        },
      ),
    );
  });
});
