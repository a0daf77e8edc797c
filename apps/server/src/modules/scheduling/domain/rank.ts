import type { Words } from '@careloop/fhir';
/** What ranking needs to know about a candidate slot. */
export type SlotRankInput = Readonly<{
  /** The appointment's start, epoch ms. */
  start: number;
  /** The resource the slot is mainly with (the practitioner's id): the last tie-breaker. */
  resourceId: string;
  /** Straight-line distance from the patient's home to the location, when both are known and the visit is in person. */
  distanceKm?: number | undefined;
  isVirtual?: boolean | undefined;
  /** The patient has had an encounter with this practitioner before. */
  hasSeenBefore?: boolean | undefined;
  /** The practitioner is in the patient's insurance network, when known. */
  isInNetwork?: boolean | undefined;
}>;

/** A slot's place in the list: the score and, largest first, the points it is made of, in words. */
export type SlotRank = Readonly<{ score: number; reasons: readonly { points: number; why: Words }[] }>;

/**
 * CareLoop's default weights, in points. What they trade: a day's wait (5) is worth about 1.7 km of travel (3 per
 * km); seeing a provider the patient already knows (60) is worth 12 days' wait or 20 km, because continuity with
 * the same doctor goes with lower mortality (Pereira Gray et al., "Continuity of care with doctors — a matter of
 * life and death? A systematic review", BMJ Open 2018;8:e021161); an out-of-network provider (−80) costs the
 * patient money, so it weighs more than continuity. Distance stops counting at 30 km (−90), where every option is a
 * trip, and waiting stops counting after 20 days, so distant dates are told apart by date only.
 */
export const SLOT_RANK_WEIGHTS = {
  soonest: 100,
  perDayWaited: 5,
  perKm: 3,
  maxTravel: 90,
  continuity: 60,
  outOfNetwork: 80,
} as const;

const HOUR_MS = 3_600_000;

// Math.round(-0.4) is -0; a reason worth nothing should read 0.
const round = (x: number) => Math.round(x) || 0;

const waitText = (ms: number): Words => {
  if (ms < HOUR_MS) return { en: 'earliest available', es: 'el primero disponible' };
  const hours = Math.floor(ms / HOUR_MS);
  if (ms < 48 * HOUR_MS) return { en: `${hours} h after the earliest`, es: `${hours} h después del primero` };
  const days = Math.floor(ms / (24 * HOUR_MS));
  return { en: `${days} days after the earliest`, es: `${days} días después del primero` };
};

/**
 * The transparent ranking of candidate slots (issue #5): it weighs how soon, how near, whether the patient has seen
 * the provider before and whether the provider is in network. Every part is a number of points with the reason shown to the patient or coordinator;
 * `earliest` is where waiting is counted from (the earliest slot found, usually).
 */
export function rankSlot(slot: SlotRankInput, earliest: number): SlotRank {
  const w = SLOT_RANK_WEIGHTS;
  const waited = Math.max(0, slot.start - earliest);
  const reasons = [
    { points: round(Math.max(0, w.soonest - (w.perDayWaited * waited) / (24 * HOUR_MS))), why: waitText(waited) },
  ];
  if (slot.isVirtual)
    reasons.push({ points: 0, why: { en: 'virtual visit: no travel', es: 'consulta por video: sin traslado' } });
  else if (slot.distanceKm !== undefined)
    reasons.push({
      points: -round(Math.min(w.maxTravel, w.perKm * slot.distanceKm)),
      why: {
        en: `${slot.distanceKm.toFixed(1)} km from home`,
        es: `a ${slot.distanceKm.toFixed(1).replace('.', ',')} km de casa`,
      },
    });
  if (slot.hasSeenBefore)
    reasons.push({
      points: w.continuity,
      why: { en: 'seen this provider before', es: 'ya lo atendió este profesional' },
    });
  if (slot.isInNetwork === false)
    reasons.push({ points: -w.outOfNetwork, why: { en: 'out of network', es: 'fuera de la red' } });
  else if (slot.isInNetwork) reasons.push({ points: 0, why: { en: 'in network', es: 'dentro de la red' } });
  reasons.sort((a, b) => b.points - a.points);
  return { score: reasons.reduce((s, r) => s + r.points, 0), reasons };
}

/**
 * Orders slots by rank, highest first; ties by start (earlier first), then by resource id in code-unit order (not
 * `localeCompare`, whose order depends on the ICU locale), so the same input always gives the same order.
 */
export function rankSlots<T extends SlotRankInput>(
  slots: readonly T[],
  earliest = slots.reduce((min, s) => Math.min(min, s.start), Number.POSITIVE_INFINITY),
): (T & { rank: SlotRank })[] {
  const ranked = slots.map((s) => ({ ...s, rank: rankSlot(s, earliest) }));
  return ranked.sort(
    (a, b) =>
      b.rank.score - a.rank.score ||
      a.start - b.start ||
      (a.resourceId < b.resourceId ? -1 : a.resourceId > b.resourceId ? 1 : 0),
  );
}
