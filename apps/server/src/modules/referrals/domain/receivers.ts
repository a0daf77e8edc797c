/** What ranking knows about one candidate receiver. */
export type ReceiverFacts = Readonly<{
  reference: string;
  name: string;
  locations: readonly { latitude: number; longitude: number }[];
  languages: readonly string[];
  networks: readonly string[];
  accepting: boolean;
  channel: 'internal' | 'fhir' | 'email';
}>;

export type ReceiverNeeds = Readonly<{
  /** Distance from the patient's home to each of the receiver's locations, computed by the caller. */
  distanceKm?: (receiver: ReceiverFacts) => number | undefined;
  payers: readonly string[];
  language?: string | undefined;
  maxDistanceKm?: number | undefined;
  inNetworkOnly: boolean;
  acceptingOnly: boolean;
}>;

export type RankedReceiver = ReceiverFacts &
  Readonly<{ score: number; reasons: readonly string[]; distanceKm?: number }>;

/**
 * The receivers a coordinator should consider first, with the reason for each place (issue #6): in the patient's
 * network (+100; out of network −100: the patient pays and the referral "leaks"), speaking their language (+50),
 * near (−2 a km, up to −100), taking new patients (a receiver who is not: −200). Filters drop what the coordinator
 * excluded. Ties keep the directory's order by name.
 */
export function rankReceivers(candidates: readonly ReceiverFacts[], needs: ReceiverNeeds): RankedReceiver[] {
  const out: RankedReceiver[] = [];
  for (const c of candidates) {
    const distance = needs.distanceKm?.(c);
    const inNetwork = needs.payers.length ? c.networks.some((n) => needs.payers.includes(n)) : undefined;
    if (needs.inNetworkOnly && inNetwork !== true) continue;
    if (needs.acceptingOnly && !c.accepting) continue;
    if (needs.maxDistanceKm !== undefined && (distance === undefined || distance > needs.maxDistanceKm)) continue;
    const parts: [number, string][] = [];
    if (inNetwork === true) parts.push([100, "in the patient's network"]);
    if (inNetwork === false) parts.push([-100, "out of the patient's network"]);
    if (needs.language && c.languages.includes(needs.language)) parts.push([50, `speaks ${needs.language}`]);
    if (distance !== undefined)
      parts.push([-Math.round(Math.min(100, distance * 2)), `${distance.toFixed(1)} km from home`]);
    if (!c.accepting) parts.push([-200, 'not taking new patients']);
    parts.sort((a, b) => b[0] - a[0]);
    out.push({
      ...c,
      ...(distance !== undefined ? { distanceKm: distance } : {}),
      score: parts.reduce((s, [p]) => s + p, 0),
      reasons: parts.map(([p, why]) => `${why} (${p >= 0 ? '+' : ''}${p})`),
    });
  }
  return out.sort(
    (a, b) => b.score - a.score || a.name.localeCompare(b.name, 'en') || a.reference.localeCompare(b.reference, 'en'),
  );
}
