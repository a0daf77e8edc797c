import type { Bundle, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';

let t: TestApp;
const MRN = 'http://hospital.example/mrn';

const patient = (id: string, family: string, given: string, birthDate: string, extra: Partial<Patient> = {}) =>
  ({ resourceType: 'Patient', id, name: [{ family, given: [given] }], birthDate, ...extra }) as Resource;

/** POST Patient/$match with these parameters, as the harness's organization client (it sees every patient). */
const post = (parameter: unknown[]) =>
  t.app.inject({
    method: 'POST',
    url: '/fhir/R4/Patient/$match',
    headers: { 'content-type': 'application/fhir+json' },
    payload: { resourceType: 'Parameters', parameter },
  });
const match = (
  input: Partial<Patient>,
  extra: { name: string; valueBoolean?: boolean; valueInteger?: number }[] = [],
) => post([{ name: 'resource', resource: { resourceType: 'Patient', ...input } }, ...extra]);
const found = (res: { json(): unknown }) =>
  ((res.json() as Bundle).entry ?? []).map((e) => [
    e.resource?.id,
    e.search?.extension?.[0]?.valueCode,
    e.search?.score,
  ]);

beforeAll(async () => {
  t = await createTestApp();
  await t.store.putMany([
    patient('maria', 'Gonzalez', 'Maria', '1958-03-14', {
      identifier: [{ system: MRN, value: 'MRN-1001' }],
      telecom: [{ system: 'phone', value: '(617) 555-0142' }],
    }),
    patient('mario', 'Gonzales', 'Mario', '1961-07-02'),
    patient('joan', 'Whitaker', 'Joan', '1958-03-14'),
    patient('member', 'Okafor', 'Chidi', '1990-01-01'),
    {
      resourceType: 'Coverage',
      id: 'cov-member',
      status: 'active',
      identifier: [{ system: 'http://payer.example/member', value: 'MBR-77' }],
      beneficiary: { reference: 'Patient/member' },
      payor: [{ display: 'Example Health Plan' }],
    },
  ] as Resource[]);
}, 120_000);
afterAll(() => t?.close());

describe('patient registry search (POST Patient/$match)', () => {
  test('a misspelt name with the birth date finds the patient, graded probable; look-alikes are left out', async () => {
    const res = await match({ name: [{ family: 'Gonsalez', given: ['Maria'] }], birthDate: '1958-03-14' });
    expect(res.statusCode, res.body).toBe(200);
    const rows = found(res);
    // Gonsalez ~ Gonzalez 0.5 (pg_trgm), Maria = Maria, same birth date: (0.4 × 0.75 + 0.4) / 0.8 = 0.875.
    expect(rows).toEqual([['maria', 'probable', 0.875]]);
    // A name alone: the namesake first, a look-alike after, never better than possible; Joan Whitaker not at all.
    const loose = found(await match({ name: [{ family: 'Gonzales', given: ['Mario'] }] }));
    expect(loose.map((r) => r.slice(0, 2))).toEqual([
      ['mario', 'possible'],
      ['maria', 'possible'],
    ]);
  });

  test('an MRN or a member id on a Coverage is a certain match', async () => {
    const byMrn = await match({ identifier: [{ system: MRN, value: 'MRN-1001' }] });
    expect(found(byMrn)).toEqual([['maria', 'certain', 1]]);
    const byMember = await match({ identifier: [{ value: 'MBR-77' }] });
    expect(found(byMember)).toEqual([['member', 'certain', 1]]);
  });

  test('a phone written differently still counts; onlyCertainMatches leaves out the rest', async () => {
    const res = await match({
      name: [{ family: 'Gonzalez' }],
      telecom: [{ system: 'phone', value: '617-555-0142' }],
    });
    const maria = found(res).find((r) => r[0] === 'maria');
    expect(maria?.slice(1)).toEqual(['probable', 1]);
    const certainOnly = await match({ name: [{ family: 'Gonzalez' }] }, [
      { name: 'onlyCertainMatches', valueBoolean: true },
    ]);
    expect(found(certainOnly)).toEqual([]);
  });

  test('bad input is 400 naming the parameter', async () => {
    const empty = await match({});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('resource');
    const count = await match({ birthDate: '1958-03-14' }, [{ name: 'count', valueInteger: 0 }]);
    expect(count.statusCode).toBe(400);
    expect(count.body).toContain('count');
    const notPatient = await post([{ name: 'resource', resource: { resourceType: 'Observation' } }]);
    expect(notPatient.statusCode).toBe(400);
  });
});
