import { describe, expect, test } from 'vitest';
import { rankSlot, rankSlots, SLOT_RANK_WEIGHTS, type SlotRankInput } from './rank.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = Date.UTC(2026, 10, 23, 15);
const slot = (days: number, more: Partial<SlotRankInput> = {}): SlotRankInput => ({
  start: t0 + days * DAY,
  resourceId: 'p1',
  ...more,
});

describe('slot ranking', () => {
  test.each<[string, SlotRankInput, SlotRankInput]>([
    ['sooner beats later, all else equal', slot(1), slot(2)],
    ['nearer beats farther at the same time', slot(0, { distanceKm: 2 }), slot(0, { distanceKm: 12 })],
    ['a provider seen before, 3 days later, beats a new one today', slot(3, { hasSeenBefore: true }), slot(0)],
    ['but not 20 days later', slot(0), slot(20, { hasSeenBefore: true })],
    [
      'in network beats out of network even with continuity',
      slot(0, { isInNetwork: true }),
      slot(0, { isInNetwork: false, hasSeenBefore: true }),
    ],
    [
      'a virtual visit today beats an in-person one 5 km away today',
      slot(0, { isVirtual: true }),
      slot(0, { distanceKm: 5 }),
    ],
  ])('%s', (_name, higher, lower) => {
    expect(rankSlot(higher, t0).score).toBeGreaterThan(rankSlot(lower, t0).score);
  });

  test('the reasons add up to the score, largest first, in words', () => {
    const rank = rankSlot(slot(2 + 3 / 24, { distanceKm: 4.2, hasSeenBefore: true, isInNetwork: true }), t0);
    // 100 − 5 × 2.125 days = 89.375 → 89; 3 × 4.2 km = 12.6 → −13.
    expect(rank.reasons).toEqual([
      { points: 89, why: { en: '2 days after the earliest', es: '2 días después del primero' } },
      { points: 60, why: { en: 'seen this provider before', es: 'ya lo atendió este profesional' } },
      { points: 0, why: { en: 'in network', es: 'dentro de la red' } },
      { points: -13, why: { en: '4.2 km from home', es: 'a 4,2 km de casa' } },
    ]);
    expect(rank.score).toBe(136);
  });

  test.each([
    ['the earliest slot', 0, 100, 'earliest available', 'el primero disponible'],
    ['five hours later', 5 / 24, 99, '5 h after the earliest', '5 h después del primero'], // 100 − 5 × 5/24 = 98.96
    ['waiting stops counting after 20 days', 25, 0, '25 days after the earliest', '25 días después del primero'],
  ])('waiting: %s', (_name, days, points, en, es) => {
    expect(rankSlot(slot(days), t0).reasons).toEqual([{ points, why: { en, es } }]);
  });

  test('travel stops counting at 30 km; a slot before `earliest` counts as the earliest', () => {
    expect(rankSlot(slot(0, { distanceKm: 80 }), t0).reasons[1]).toEqual({
      points: -90,
      why: { en: '80.0 km from home', es: 'a 80,0 km de casa' },
    });
    expect(rankSlot(slot(-1), t0).score).toBe(SLOT_RANK_WEIGHTS.soonest);
  });

  test('the documented trade-offs hold: continuity is worth 12 days or 20 km', () => {
    const w = SLOT_RANK_WEIGHTS;
    expect(w.continuity / w.perDayWaited).toBe(12);
    expect(w.continuity / w.perKm).toBe(20);
    expect(w.outOfNetwork).toBeGreaterThan(w.continuity);
  });

  test('ordered by score, then start, then resource id in code-unit order (not the locale’s)', () => {
    const ordered = rankSlots([
      { start: t0 + HOUR, resourceId: 'a' },
      { start: t0 + HOUR, resourceId: 'B' },
      { start: t0 + 2 * DAY, resourceId: 'c', hasSeenBefore: true },
      { start: t0 + 30 * DAY, resourceId: 'd' },
      { start: t0, resourceId: 'e' },
      { start: t0 + 2 * HOUR, resourceId: 'f' },
    ]);
    // e: 100; a, B (1 h): 100 − 0.2 → 100; f (2 h): 100 − 0.4 → 100; c: 90 + 60 = 150; d: 0.
    expect(ordered.map((s) => s.resourceId)).toEqual(['c', 'e', 'B', 'a', 'f', 'd']);
    expect(ordered[0]!.rank.score).toBe(150);
    expect(ordered[1]!.rank.reasons[0]!.why.en).toBe('earliest available');
  });

  test('the same slots in any input order rank the same', () => {
    const slots = [0, 1, 2, 3, 4, 5].map((i) => slot(i % 3, { resourceId: `p${i}`, distanceKm: i }));
    const ids = rankSlots(slots).map((s) => s.resourceId);
    expect(rankSlots([...slots].reverse()).map((s) => s.resourceId)).toEqual(ids);
  });
});
