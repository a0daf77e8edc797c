import type { CareTeam, OperationOutcome, Parameters, Resource, Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessWorld } from '../../../test/access-world.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, person, signIn } from '../../../test/people.ts';
import { STAFF_ROLE_SYSTEM } from '../../platform/access/index.ts';
import { fixedClock } from '../../platform/clock.ts';

const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
let coord: Browser;
let sup: Browser;

const params = (...parameter: NonNullable<Parameters['parameter']>): Parameters => ({
  resourceType: 'Parameters',
  parameter,
});
const assign = (who: Browser, patient: string, coordinator: string, reason = 'caseload balance') =>
  who.request(
    'POST',
    `/fhir/R4/Patient/${patient}/$assign-coordinator`,
    params(
      { name: 'coordinator', valueReference: { reference: coordinator } },
      { name: 'reason', valueString: reason },
    ),
  );
const transfer = (who: Browser, from: string, to: string) =>
  who.request(
    'POST',
    `/fhir/R4/Practitioner/${from}/$transfer-caseload`,
    params({ name: 'to', valueReference: { reference: to } }, { name: 'reason', valueString: 'leave of absence' }),
  );
const expressions = (body: string) =>
  ((JSON.parse(body) as OperationOutcome).issue ?? []).flatMap((i) => i.expression ?? []);
const coordinationTeams = async () =>
  (
    await t.store.search(
      'CareTeam',
      new URLSearchParams({ subject: 'Patient/own', category: 'http://loinc.org|LA28865-6' }),
    )
  ).matches as CareTeam[];

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.store.putMany([
    ...accessWorld(),
    { resourceType: 'Practitioner', id: 'coord2', name: [{ family: 'Second' }] },
    { resourceType: 'Practitioner', id: 'retired', active: false, name: [{ family: 'Retired' }] },
    { resourceType: 'Practitioner', id: 'nurse', name: [{ family: 'Nurse' }] },
    {
      resourceType: 'PractitionerRole',
      id: 'coord2-role',
      practitioner: { reference: 'Practitioner/coord2' },
      organization: { reference: 'Organization/team-org' },
      code: [{ coding: [{ system: STAFF_ROLE_SYSTEM, code: 'care-coordinator' }] }],
    },
  ] as Resource[]);
  await person(t, clock, { username: 'c-coord', roles: ['care-coordinator'], fhirReference: 'Practitioner/coord' });
  await person(t, clock, { username: 'c-sup', roles: ['supervisor'], fhirReference: 'Practitioner/sup' });
  coord = await signIn(t.anonymous, clock, 'c-coord');
  sup = await signIn(t.anonymous, clock, 'c-sup');
}, 120_000);
afterAll(() => t?.close());

describe('primary coordinator', () => {
  test('assigning creates the coordination CareTeam; assigning the same again changes nothing', async () => {
    const res = await assign(coord, 'own', 'Practitioner/coord');
    expect(res.statusCode, res.body).toBe(200);
    const team = res.json<CareTeam>();
    expect(team.participant?.[0]).toMatchObject({ member: { reference: 'Practitioner/coord' } });
    expect(team.subject?.reference).toBe('Patient/own');
    const again = await assign(coord, 'own', 'Practitioner/coord');
    expect(again.json<CareTeam>().meta?.versionId).toBe(team.meta?.versionId);
    expect(await coordinationTeams()).toHaveLength(1);
  });

  test('a coordinator that does not exist, is inactive or holds no coordinator role is 400; nothing changes', async () => {
    for (const [who, text] of [
      ['Practitioner/nobody', 'does not exist'],
      ['Practitioner/retired', 'inactive'],
      ['Practitioner/nurse', 'no active care-coordinator role'],
      ['Patient/own', 'Practitioner reference'],
    ]) {
      const res = await assign(coord, 'own', who as string);
      expect(res.statusCode, who).toBe(400);
      expect(expressions(res.body)).toContain('coordinator');
      expect(res.body).toContain(text);
    }
    const missingReason = await coord.request(
      'POST',
      '/fhir/R4/Patient/own/$assign-coordinator',
      params({ name: 'coordinator', valueReference: { reference: 'Practitioner/coord2' } }),
    );
    expect(expressions(missingReason.body)).toContain('reason');
    expect((await coordinationTeams())[0]?.meta?.versionId).toBe('1');
  });

  test('reassigning keeps the history: the team notes each change, its versions keep each state', async () => {
    const res = await assign(sup, 'own', 'Practitioner/coord2', 'language match');
    expect(res.statusCode, res.body).toBe(200);
    const team = res.json<CareTeam>();
    expect(team.participant?.map((p) => p.member?.reference)).toEqual(['Practitioner/coord2']);
    expect(team.note?.at(-1)?.text).toBe(
      'Primary coordinator changed from Practitioner/coord to Practitioner/coord2: language match',
    );
    const history = await sup.request('GET', `/fhir/R4/CareTeam/${team.id}/_history`);
    expect(history.json<{ total: number }>().total).toBe(2);
  });

  test('a patient the coordinator cannot see is 404, like one that does not exist', async () => {
    expect((await assign(coord, 'foreign', 'Practitioner/coord')).statusCode).toBe(404);
    expect((await assign(coord, 'absent', 'Practitioner/coord')).statusCode).toBe(404);
  });
});

describe('caseload transfer', () => {
  test("a supervisor moves a coordinator's patients and open tasks to another, all at once", async () => {
    await t.store.putMany([
      {
        resourceType: 'Task',
        id: 'coord2-open',
        status: 'ready',
        intent: 'order',
        for: { reference: 'Patient/own' },
        owner: { reference: 'Practitioner/coord2' },
      },
      {
        resourceType: 'Task',
        id: 'coord2-done',
        status: 'completed',
        intent: 'order',
        for: { reference: 'Patient/own' },
        owner: { reference: 'Practitioner/coord2' },
      },
    ] as Resource[]);
    const res = await transfer(sup, 'coord2', 'Practitioner/coord');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Parameters>().parameter).toEqual([
      { name: 'patients', valueInteger: 1 },
      { name: 'tasks', valueInteger: 1 },
    ]);
    expect((await coordinationTeams())[0]?.participant?.[0]?.member?.reference).toBe('Practitioner/coord');
    expect((await t.store.read<Task>('Task', 'coord2-open')).owner?.reference).toBe('Practitioner/coord');
    expect((await t.store.read<Task>('Task', 'coord2-done')).owner?.reference).toBe('Practitioner/coord2');
  });

  test('only a supervisor may transfer; to oneself or to a non-coordinator is 400', async () => {
    const byCoordinator = await transfer(coord, 'coord', 'Practitioner/coord2');
    expect(byCoordinator.statusCode).toBe(403);
    expect((await transfer(sup, 'coord', 'Practitioner/coord')).statusCode).toBe(400);
    const toNurse = await transfer(sup, 'coord', 'Practitioner/nurse');
    expect(toNurse.statusCode).toBe(400);
    expect(expressions(toNurse.body)).toContain('to');
    expect((await coordinationTeams())[0]?.participant?.[0]?.member?.reference).toBe('Practitioner/coord');
  });
});
