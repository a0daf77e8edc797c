import type { Parameters, ParametersParameter, Resource } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, person, signIn } from '../../../test/people.ts';
import { STAFF_ROLE_SYSTEM } from '../../platform/access/index.ts';
import { fixedClock } from '../../platform/clock.ts';
import { coordinationTeam } from './domain/care-team.ts';

const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
let sup: Browser;
let coord: Browser;

const role = (id: string, practitioner: string, code: string): Resource => ({
  resourceType: 'PractitionerRole',
  id,
  practitioner: { reference: `Practitioner/${practitioner}` },
  organization: { reference: 'Organization/clinic' },
  code: [{ coding: [{ system: STAFF_ROLE_SYSTEM, code }] }],
});
const patient = (id: string, coordinator: string, spanish = false): Resource[] => [
  {
    resourceType: 'Patient',
    id,
    ...(spanish
      ? {
          communication: [{ language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'es' }] }, preferred: true }],
          extension: [
            { url: 'http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired', valueBoolean: true },
          ],
        }
      : {}),
  } as Resource,
  {
    ...coordinationTeam(
      `Patient/${id}`,
      `Practitioner/${coordinator}`,
      Temporal.Instant.from('2026-01-01T00:00:00Z'),
      'intake',
    ),
    id: `team-${id}`,
  },
];
const rebalance = (who: Browser, body?: Parameters) =>
  who.request('POST', '/fhir/R4/Organization/clinic/$rebalance', body ?? { resourceType: 'Parameters' });
const moves = (p: Parameters) => (p.parameter ?? []).filter((x) => x.name === 'move');
const ref = (m: ParametersParameter, name: string) => m.part?.find((x) => x.name === name)?.valueReference?.reference;
const primary = async (id: string) =>
  ((await t.store.read('CareTeam', `team-${id}`)) as { participant?: { member?: { reference?: string } }[] })
    .participant?.[0]?.member?.reference;

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.store.putMany([
    { resourceType: 'Organization', id: 'clinic', name: 'Clinic' },
    { resourceType: 'Practitioner', id: 'boss' },
    { resourceType: 'Practitioner', id: 'ana', communication: [{ coding: [{ code: 'en' }] }] },
    { resourceType: 'Practitioner', id: 'luis', communication: [{ coding: [{ code: 'en' }, { code: 'es' }] }] },
    role('boss-role', 'boss', 'supervisor'),
    role('ana-role', 'ana', 'care-coordinator'),
    role('luis-role', 'luis', 'care-coordinator'),
    ...['p1', 'p2', 'p3', 'p4', 'p5'].flatMap((id) => patient(id, 'ana')),
    ...patient('p6', 'ana', true),
    ...patient('p7', 'luis'),
  ] as Resource[]);
  await person(t, clock, { username: 'r-sup', roles: ['supervisor'], fhirReference: 'Practitioner/boss' });
  await person(t, clock, { username: 'r-ana', roles: ['care-coordinator'], fhirReference: 'Practitioner/ana' });
  sup = await signIn(t.anonymous, clock, 'r-sup');
  coord = await signIn(t.anonymous, clock, 'r-ana');
}, 120_000);
afterAll(() => t?.close());

describe('POST Organization/{id}/$rebalance', () => {
  test('a supervisor sees every coordinator load and the moves that even them out, with reasons', async () => {
    const res = await rebalance(sup);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<Parameters>();
    const load = (name: string, who: string) =>
      body.parameter
        ?.filter((p) => p.name === name)
        .find((p) => ref(p, 'coordinator') === `Practitioner/${who}`)
        ?.part?.find((x) => x.name === 'score')?.valueDecimal;
    // Ana: five patients at 1 point and one needing an interpreter at 1.5; Luis: one patient.
    expect(load('load', 'ana')).toBe(6.5);
    expect(load('load', 'luis')).toBe(1);
    const ana = body.parameter?.find((p) => p.name === 'load' && ref(p, 'coordinator') === 'Practitioner/ana');
    expect(
      Object.fromEntries((ana?.part ?? []).slice(1).map((x) => [x.name, x.valueInteger ?? x.valueDecimal])),
    ).toEqual({
      patients: 6,
      score: 6.5,
      riskPoints: 0,
      openTasks: 0,
      overdueTasks: 0,
      needsInterpreter: 1,
      inTransition: 0,
    });
    // The team's average (6.5 + 1) / 2 and the target 15 % above it.
    const value = (name: string) => body.parameter?.find((p) => p.name === name)?.valueDecimal;
    expect([value('average'), value('target')]).toEqual([3.75, 4.31]);
    const suggested = moves(body);
    expect(suggested.length).toBeGreaterThan(0);
    expect(suggested.every((m) => ref(m, 'from') === 'Practitioner/ana' && ref(m, 'to') === 'Practitioner/luis')).toBe(
      true,
    );
    // The interpreter patient fills the gap best and Luis speaks Spanish.
    expect(ref(suggested[0] as ParametersParameter, 'patient')).toBe('Patient/p6');
    expect(suggested[0]?.part?.find((x) => x.name === 'why')?.valueString).toContain('speaks es');
    const fact = (name: string) => suggested[0]?.part?.find((x) => x.name === name);
    expect(fact('sharedLanguage')?.valueCode).toBe('es');
    expect(fact('knownToReceiver')?.valueBoolean).toBe(false);
    expect(fact('aboveAverage')?.valueDecimal).toBe(2.75);
    expect(load('loadAfter', 'ana')).toBeLessThan(6.5);
  });

  test('accepting applies every move at once; a stale suggestion is 409 and moves nothing', async () => {
    const suggested = moves((await rebalance(sup)).json<Parameters>());
    const accept = await rebalance(sup, {
      resourceType: 'Parameters',
      parameter: [{ name: 'accept', valueBoolean: true }, ...suggested],
    });
    expect(accept.statusCode, accept.body).toBe(200);
    expect(accept.json<Parameters>().parameter?.[0]).toEqual({ name: 'moved', valueInteger: suggested.length });
    expect(await primary('p6')).toBe('Practitioner/luis');
    const again = await rebalance(sup, {
      resourceType: 'Parameters',
      parameter: [{ name: 'accept', valueBoolean: true }, ...suggested],
    });
    expect(again.statusCode).toBe(409);
    expect(await primary('p6')).toBe('Practitioner/luis');
  });

  test('only a supervisor may ask for or accept a rebalancing', async () => {
    expect((await rebalance(coord)).statusCode).toBe(403);
  });
});
