import type { Extension } from '@medplum/fhirtypes';
import { SCHEDULING_EXTENSIONS as EXT } from '../../modules/scheduling/index.ts';
import { PAYERS } from './facilities.ts';
import { Rng } from './random.ts';
import type { RosterMember } from './roster.ts';

// A fixed stream, not the population seed: who is in which network is part of the roster's shape, like its sites.
const NETWORK_STREAM = 0x4e7;

/**
 * Probability that a clinician is in a payer's network: nearly every one takes Medicare; primary care takes Medicaid
 * but many specialists do not (Medicaid's lower fees); each commercial plan's narrow network leaves some out.
 */
function chanceOfNetwork(member: RosterMember, kind: 'medicare' | 'medicaid' | 'commercial'): number {
  if (kind === 'medicare') return 0.97;
  if (kind === 'medicaid') return member.department === 'primary-care' ? 0.95 : 0.6;
  return 0.82;
}

/**
 * The payer networks a clinician belongs to, as Da Vinci PDex Plan-Net `network-reference` extensions on their
 * PractitionerRole; scheduling's in-network filter compares them with the payers of the patient's active Coverage.
 */
export function networkExtensions(member: RosterMember, ordinal: number): Extension[] {
  const rng = new Rng(NETWORK_STREAM, ordinal);
  return PAYERS.filter((p) => rng.chance(chanceOfNetwork(member, p.kind))).map((p) => ({
    url: EXT.network,
    valueReference: { reference: `Organization/${p.id}`, display: p.name },
  }));
}
