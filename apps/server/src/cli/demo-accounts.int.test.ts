import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../test/harness.ts';
import { type Browser, signIn } from '../../test/people.ts';
import { fixedClock } from '../platform/clock.ts';
import { createDemoAccounts, type DemoLogin } from './demo-accounts.ts';
import { loadDemoPopulation } from './load-demo.ts';

// The accounts `npm start` prints, over a small demo population: each role sees what the access rules say.
const clock = fixedClock('2026-05-04T15:00:00Z');
let t: TestApp;
let logins: DemoLogin[];
let password: string;
const browsers = new Map<string, Browser>();

beforeAll(async () => {
  t = await createTestApp({ clock });
  await loadDemoPopulation(t.store, { patients: 12, now: new Date('2026-05-04') });
  ({ logins, password } = await createDemoAccounts(t.store, t.db, clock));
  for (const l of logins.filter((x) => x.role !== 'integration-client')) {
    browsers.set(l.username, await signIn(t.anonymous, clock, l.username, undefined, password));
  }
}, 120_000);
afterAll(() => t?.close());

const as = (name: string) => browsers.get(name) as Browser;
const patientOf = () => (logins.find((l) => l.role === 'patient') as DemoLogin).as;
const total = async (b: Browser, url: string) => {
  const res = await b.request('GET', `/fhir/R4/${url}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ total: number }>().total;
};

describe('demo accounts', () => {
  test('one account per role, the people linked to the demo care team', () => {
    expect(logins.map((l) => l.role).sort()).toEqual(
      ['administrator', 'care-coordinator', 'clinician', 'integration-client', 'patient', 'proxy', 'supervisor'].sort(),
    );
    expect(password).toMatch(/^demo-[A-Za-z0-9_-]{12}$/);
  });

  test('the care team (coordinator, clinician), the supervisor, the patient and the proxy can open the patient', async () => {
    for (const name of ['coordinator', 'clinician', 'supervisor', 'patient', 'proxy'])
      expect((await as(name).request('GET', `/fhir/R4/${patientOf()}`)).statusCode, name).toBe(200);
  });

  test('the administrator sees the directory but no patient', async () => {
    expect((await as('admin').request('GET', `/fhir/R4/${patientOf()}`)).statusCode).toBe(404);
    // Patient data is not an administrator's business: searching it is refused outright.
    expect((await as('admin').request('GET', '/fhir/R4/Patient')).statusCode).toBe(403);
    expect(await total(as('admin'), 'Practitioner')).toBeGreaterThan(40);
  });

  test('a patient and a proxy see one patient; staff see their caseload, never all twelve', async () => {
    expect(await total(as('patient'), 'Patient')).toBe(1);
    expect(await total(as('proxy'), 'Patient')).toBe(1);
    const coordinator = await total(as('coordinator'), 'Patient');
    const supervisor = await total(as('supervisor'), 'Patient');
    expect(coordinator).toBeGreaterThanOrEqual(1);
    expect(coordinator).toBeLessThan(12);
    // The supervisor oversees every coordinator's caseload.
    expect(supervisor).toBe(12);
    expect(await total(as('patient'), 'Encounter')).toBe(
      await total(as('coordinator'), `Encounter?patient=${patientOf()}`),
    );
  });
});
