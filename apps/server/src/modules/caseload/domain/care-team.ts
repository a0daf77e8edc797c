import type { CareTeam, CareTeamParticipant } from '@medplum/fhirtypes';
import type { Temporal } from 'temporal-polyfill';

/** LOINC LA28865-6 "Longitudinal care-coordination focused care team": the patient's coordination team. */
export const COORDINATION_CATEGORY = { system: 'http://loinc.org', code: 'LA28865-6' } as const;
/** CareLoop's staff-role code system (as on PractitionerRole.code) for the role in the team. */
const STAFF_ROLE_SYSTEM = 'https://careloop.dev/fhir/CodeSystem/staff-role';

const coordinatorRole = [
  { coding: [{ system: STAFF_ROLE_SYSTEM, code: 'care-coordinator', display: 'Care coordinator' }] },
];

const isCoordinator = (p: CareTeamParticipant) =>
  p.role?.some((r) => r.coding?.some((c) => c.system === STAFF_ROLE_SYSTEM && c.code === 'care-coordinator')) ?? false;

/** The patient's primary coordinator in a coordination team, if it names one. */
export function primaryCoordinator(team: CareTeam): string | undefined {
  return team.participant?.find(isCoordinator)?.member?.reference;
}

/** A new coordination team for the patient with its primary coordinator. */
export function coordinationTeam(patient: string, coordinator: string, at: Temporal.Instant, reason: string): CareTeam {
  return withCoordinator(
    {
      resourceType: 'CareTeam',
      status: 'active',
      category: [
        { coding: [{ ...COORDINATION_CATEGORY, display: 'Longitudinal care-coordination focused care team' }] },
      ],
      name: 'Care coordination',
      subject: { reference: patient },
      period: { start: at.toString() },
    },
    coordinator,
    at,
    reason,
  );
}

/**
 * The team with `coordinator` as its primary coordinator from `at`: the previous one leaves the team (their access
 * through it ends), everyone else stays. The change and its reason are noted on the team; every earlier assignment
 * stays in the team's version history.
 */
export function withCoordinator(team: CareTeam, coordinator: string, at: Temporal.Instant, reason: string): CareTeam {
  const previous = primaryCoordinator(team);
  const others = (team.participant ?? []).filter((p) => !isCoordinator(p));
  const text = previous
    ? `Primary coordinator changed from ${previous} to ${coordinator}: ${reason}`
    : `Primary coordinator ${coordinator} assigned: ${reason}`;
  return {
    ...team,
    participant: [
      { role: coordinatorRole, member: { reference: coordinator }, period: { start: at.toString() } },
      ...others,
    ],
    note: [...(team.note ?? []), { time: at.toString(), text }],
  };
}
