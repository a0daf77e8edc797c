import type { Organization, Parameters, ParametersParameter, Resource, Task } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessWorld } from '../../../test/access-world.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, person, signIn } from '../../../test/people.ts';
import { fixedClock } from '../../platform/clock.ts';
import { TIME_ZONE_URL } from './domain/organization-clock.ts';
import { worklistTask } from './domain/task-resource.ts';

// Wednesday 3 June 2026, 03:00 in New York: the coordinator works at night.
const clock = fixedClock('2026-06-03T07:00:00Z');
let t: TestApp;
let coord: Browser;
let sup: Browser;

const task = (id: string, authored: string, due: string, extra: Partial<Task> = {}): Resource => ({
  ...worklistTask({
    type: 'follow-up-call',
    patient: 'Patient/own',
    authoredOn: Temporal.Instant.from(authored),
    owner: 'Practitioner/coord',
    deadline: { due: Temporal.Instant.from(due), rule: 'tcm-interactive-contact', source: 'CMS TCM' },
  }),
  id,
  ...extra,
});
const part = (p: ParametersParameter | undefined, name: string) => p?.part?.find((x) => x.name === name);

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.store.putMany([
    ...accessWorld(),
    task('late', '2026-05-30T12:00:00Z', '2026-06-01T16:00:00Z'),
    task('fresh', '2026-06-02T19:00:00Z', '2026-06-05T16:00:00Z'),
    task('done', '2026-05-29T12:00:00Z', '2026-06-01T16:00:00Z', {
      status: 'completed',
      executionPeriod: { end: '2026-06-02T14:00:00Z' },
    }),
  ]);
  await person(t, clock, { username: 's-coord', roles: ['care-coordinator'], fhirReference: 'Practitioner/coord' });
  await person(t, clock, { username: 's-sup', roles: ['supervisor'], fhirReference: 'Practitioner/sup' });
  coord = await signIn(t.anonymous, clock, 's-coord');
  sup = await signIn(t.anonymous, clock, 's-sup');
  // A change at 03:00 local time.
  expect((await coord.request('POST', '/fhir/R4/Task/fresh/$claim')).statusCode).toBe(200);
}, 120_000);
afterAll(() => t?.close());

const view = (who: Browser, query: string) => who.request('GET', `/fhir/R4/Task/$supervision?${query}`);

describe('GET Task/$supervision', () => {
  test("each coordinator's open work, its age, the overdue trend and after-hours changes", async () => {
    const res = await view(sup, 'organization=Organization/team-org&days=3&timeZone=America/New_York');
    expect(res.statusCode, res.body).toBe(200);
    const rows = res.json<Parameters>().parameter ?? [];
    expect(rows.map((r) => part(r, 'coordinator')?.valueReference?.reference)).toEqual(['Practitioner/coord']);
    const row = rows[0];
    expect(part(row, 'openTasks')?.valueInteger).toBe(2);
    expect(part(row, 'overdueNow')?.valueInteger).toBe(1);
    // Open since 30 May 12:00 and 2 June 19:00: 91 h and 12 h, median 51.5 h.
    expect(part(row, 'queueAgeMaxHours')?.valueDecimal).toBe(91);
    expect(part(row, 'queueAgeMedianHours')?.valueDecimal).toBe(51.5);
    const trend = (row?.part ?? [])
      .filter((p) => p.name === 'overdue')
      .map((p) => [part(p, 'day')?.valueDate, part(p, 'count')?.valueInteger]);
    expect(trend).toEqual([
      ['2026-06-01', 2],
      ['2026-06-02', 1],
      ['2026-06-03', 1],
    ]);
    expect(part(row, 'changes')?.valueInteger).toBeGreaterThanOrEqual(1);
    expect(part(row, 'afterHoursChanges')?.valueInteger).toBe(part(row, 'changes')?.valueInteger);
  });

  test("without timeZone the organization's own clock counts: 07:00 UTC is 09:00 in Berlin, inside business hours", async () => {
    const org = await t.store.read<Organization>('Organization', 'team-org');
    await t.store.update({ ...org, extension: [{ url: TIME_ZONE_URL, valueCode: 'Europe/Berlin' }] });
    try {
      const row = (await view(sup, 'organization=Organization/team-org&days=3')).json<Parameters>().parameter?.[0];
      expect(part(row, 'changes')?.valueInteger).toBeGreaterThanOrEqual(1);
      expect(part(row, 'afterHoursChanges')?.valueInteger).toBe(0);
      const utc = (await view(sup, 'organization=Organization/team-org&days=3&timeZone=UTC')).json<Parameters>();
      expect(part(utc.parameter?.[0], 'afterHoursChanges')?.valueInteger).toBe(part(row, 'changes')?.valueInteger);
    } finally {
      await t.store.update(org);
    }
  });

  test('only supervisors; bad parameters are 400 naming them', async () => {
    expect((await view(coord, 'organization=Organization/team-org')).statusCode).toBe(403);
    for (const [query, name] of [
      ['', 'organization'],
      ['organization=Organization/team-org&days=0', 'days'],
      ['organization=Organization/team-org&timeZone=Mars/Olympus', 'timeZone'],
    ]) {
      const res = await view(sup, query as string);
      expect(res.statusCode, query).toBe(400);
      expect(res.body).toContain(name);
    }
  });
});
