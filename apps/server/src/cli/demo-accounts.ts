import { randomBytes } from 'node:crypto';
import type { CareTeam, RelatedPerson } from '@medplum/fhirtypes';
import { STAFF_ROLE_SYSTEM } from '../platform/access/index.ts';
import type { Clock } from '../platform/clock.ts';
import type { Db } from '../platform/db/index.ts';
import type { Role } from '../platform/identity/roles.ts';
import { createUser } from '../platform/identity/users.ts';
import type { Store } from '../platform/store/index.ts';

export type DemoLogin = Readonly<{ username: string; role: Role; as: string }>;

const PCP = '446050000';

/**
 * One account per role over the demo population, all around one care team so each sees something: its care
 * coordinator, its primary care physician and its patient; a family member the patient made their proxy; the
 * coordinators' supervisor; an administrator; an integration client. One random password for the people, printed
 * once by `careloop start`; staff enrol an authenticator at first sign-in.
 */
export async function createDemoAccounts(
  store: Store,
  db: Db,
  clock: Clock,
): Promise<{ password: string; logins: DemoLogin[] }> {
  const teams = await store.search('CareTeam', new URLSearchParams('status=active&_sort=_id&_count=1'));
  const team = teams.matches[0] as CareTeam | undefined;
  if (!team) throw new Error('the demo population has no care team');
  const patient = team.subject?.reference ?? '';
  const member = (has: (codes: string[]) => boolean) =>
    team.participant?.find((p) => has((p.role ?? []).flatMap((r) => r.coding ?? []).map((c) => c.code ?? '')))?.member
      ?.reference;
  const coordinator = member((codes) => codes.includes('care-coordinator'));
  const pcp = member((codes) => codes.includes(PCP));
  const roles = await store.search(
    'PractitionerRole',
    new URLSearchParams(`role=${encodeURIComponent(`${STAFF_ROLE_SYSTEM}|supervisor`)}&_count=1`),
  );
  const supervisor =
    roles.matches[0]?.resourceType === 'PractitionerRole' ? roles.matches[0].practitioner?.reference : undefined;
  if (!patient || !coordinator || !pcp || !supervisor) throw new Error('the demo care team lacks a member');

  const proxy: RelatedPerson = {
    resourceType: 'RelatedPerson',
    id: 'demo-proxy',
    active: true,
    patient: { reference: patient },
    relationship: [
      { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'DAU', display: 'daughter' }] },
    ],
    name: [{ family: 'Demo', given: ['Proxy'] }],
    period: { start: clock.now().toString().slice(0, 10) },
  };
  await store.putMany([proxy]);

  const password = `demo-${randomBytes(9).toString('base64url')}`;
  const logins: DemoLogin[] = [
    { username: 'admin', role: 'administrator', as: '(not linked to a person)' },
    { username: 'supervisor', role: 'supervisor', as: supervisor },
    { username: 'coordinator', role: 'care-coordinator', as: coordinator },
    { username: 'clinician', role: 'clinician', as: pcp },
    { username: 'patient', role: 'patient', as: patient },
    { username: 'proxy', role: 'proxy', as: 'RelatedPerson/demo-proxy' },
    { username: 'interface', role: 'integration-client', as: '(bearer tokens: careloop users token interface)' },
  ];
  const ctx = { exec: db.kysely, clock };
  for (const l of logins) {
    const linked = l.as.startsWith('(') ? {} : { fhirReference: l.as };
    const secret = l.role === 'integration-client' ? {} : { password };
    await createUser(ctx, { username: l.username, roles: [l.role], ...linked, ...secret });
  }
  return { password, logins };
}
