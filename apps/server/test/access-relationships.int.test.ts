import type { Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedClock } from '../src/platform/clock.ts';
import { createTestApp, type TestApp } from './harness.ts';
import { type Browser, person, signIn } from './people.ts';

// A practitioner reaches a patient while a relationship is active (care_relationship, kept by triggers in the
// writing transaction): an active CareTeam they are a member of, an encounter in progress, an open appointment. When
// the relationship ends — a status change, a deletion, the practitioner taken off — access ends with the same write.
const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
let doc: Browser;

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.store.putMany([
    { resourceType: 'Practitioner', id: 'rel-doc' },
    { resourceType: 'Practitioner', id: 'rel-other' },
    ...['team', 'enc', 'appt', 'nobody'].map((p): Resource => ({ resourceType: 'Patient', id: `rel-${p}` })),
  ]);
  await person(t, clock, { username: 'rel-doc', roles: ['clinician'], fhirReference: 'Practitioner/rel-doc' });
  doc = await signIn(t.anonymous, clock, 'rel-doc');
});
afterAll(() => t?.close());

const reads = async (patient: string) => (await doc.request('GET', `/fhir/R4/Patient/${patient}`)).statusCode;
const member = (who: string) => ({ member: { reference: `Practitioner/${who}` } });

describe('access follows the relationships as they change', () => {
  test('a CareTeam: active gives access; inactive, deleted or without the practitioner takes it away', async () => {
    const team = (status: string, who = 'rel-doc'): Resource =>
      ({
        resourceType: 'CareTeam',
        id: 'rel-team',
        status,
        subject: { reference: 'Patient/rel-team' },
        participant: [member(who)],
      }) as Resource;
    expect(await reads('rel-team')).toBe(404);
    await t.store.update(team('active'));
    expect(await reads('rel-team')).toBe(200);
    await t.store.update(team('inactive'));
    expect(await reads('rel-team')).toBe(404);
    await t.store.update(team('active'));
    expect(await reads('rel-team')).toBe(200);
    await t.store.update(team('active', 'rel-other'));
    expect(await reads('rel-team')).toBe(404);
    await t.store.update(team('active'));
    expect(await reads('rel-team')).toBe(200);
    await t.store.delete('CareTeam', 'rel-team');
    expect(await reads('rel-team')).toBe(404);
  });

  test('an encounter while in progress, an appointment while open', async () => {
    const encounter = (status: string): Resource => ({
      resourceType: 'Encounter',
      id: 'rel-enc',
      status: status as 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: 'Patient/rel-enc' },
      participant: [{ individual: { reference: 'Practitioner/rel-doc' } }],
    });
    await t.store.update(encounter('in-progress'));
    expect(await reads('rel-enc')).toBe(200);
    await t.store.update(encounter('finished'));
    expect(await reads('rel-enc')).toBe(404);

    const appointment = (status: string): Resource => ({
      resourceType: 'Appointment',
      id: 'rel-appt',
      status: status as 'booked',
      start: '2026-06-03T15:00:00Z',
      end: '2026-06-03T15:30:00Z',
      participant: [
        { actor: { reference: 'Patient/rel-appt' }, status: 'accepted' },
        { actor: { reference: 'Practitioner/rel-doc' }, status: 'accepted' },
      ],
    });
    await t.store.update(appointment('booked'));
    expect(await reads('rel-appt')).toBe(200);
    await t.store.update(appointment('cancelled'));
    expect(await reads('rel-appt')).toBe(404);
  });

  test("another practitioner's relationships give nothing", async () => {
    await t.store.update({
      resourceType: 'CareTeam',
      id: 'rel-other-team',
      status: 'active',
      subject: { reference: 'Patient/rel-nobody' },
      participant: [member('rel-other')],
    });
    expect(await reads('rel-nobody')).toBe(404);
  });
});
