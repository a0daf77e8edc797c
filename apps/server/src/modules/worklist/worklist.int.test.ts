import type { Bundle, OperationOutcome, Parameters, Resource, Task } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessWorld } from '../../../test/access-world.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, person, signIn } from '../../../test/people.ts';
import { fixedClock } from '../../platform/clock.ts';
import { tcmInteractiveContact } from './domain/deadline-rules.ts';
import { usFederalHolidays } from './domain/holidays.ts';
import { DEADLINE_RULE_URL, worklistTask } from './domain/task-resource.ts';
import type { TaskType } from './domain/task-types.ts';

const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
let coord: Browser;
let other: Browser;
// Eight coordinators on one care team, to race for a task.
const racers = Array.from({ length: 8 }, (_, i) => `racer-${i}`);
const racing: Browser[] = [];
const now = () => clock.now();

const task = (id: string, extra: Partial<Task> & { type?: TaskType } = {}): Task => {
  const { type = 'follow-up-call', ...rest } = extra;
  return { ...worklistTask({ type, patient: 'Patient/own', authoredOn: now() }), id, ...rest };
};
const params = (...parameter: NonNullable<Parameters['parameter']>): Parameters => ({
  resourceType: 'Parameters',
  parameter,
});
const read = async (id: string) => (await t.store.read<Task>('Task', id)) as Task;
const outcomeOf = (body: string) => JSON.parse(body) as OperationOutcome;
const expressions = (body: string) => (outcomeOf(body).issue ?? []).flatMap((i) => i.expression ?? []);

beforeAll(async () => {
  t = await createTestApp({ clock });
  const discharge = Temporal.Instant.from('2026-05-29T15:00:00Z'); // a Friday
  const tcm = tcmInteractiveContact(discharge, { timeZone: 'America/New_York', calendar: usFederalHolidays });
  await t.store.putMany([
    ...accessWorld(),
    { resourceType: 'Practitioner', id: 'retired', active: false, name: [{ family: 'Retired' }] },
    ...racers.map((id): Resource => ({ resourceType: 'Practitioner', id, name: [{ family: id }] })),
    {
      resourceType: 'CareTeam',
      id: 'racers',
      status: 'active',
      subject: { reference: 'Patient/own' },
      participant: racers.map((id) => ({ member: { reference: `Practitioner/${id}` } })),
    },
    {
      resourceType: 'RiskAssessment',
      id: 'risk-own',
      status: 'final',
      subject: { reference: 'Patient/own' },
      occurrenceDateTime: '2026-05-30T00:00:00Z',
      prediction: [{ probabilityDecimal: 0.8 }],
    } as Resource,
    {
      ...worklistTask({ type: 'follow-up-call', patient: 'Patient/own', authoredOn: now(), deadline: tcm }),
      id: 'tcm',
    },
    task('education', { type: 'education' }),
    task('stat', { type: 'education', priority: 'stat' }),
    task('mine', { owner: { reference: 'Practitioner/coord' } }),
    task('theirs', { owner: { reference: 'Practitioner/other-coord' } }),
    task('race'),
    task('done'),
    task('snooze-me'),
    task('escalate-me'),
    ...['b1', 'b2', 'b3'].map((id) => task(id)),
    { ...task('foreign-task'), for: { reference: 'Patient/foreign' } },
  ]);
  await person(t, clock, { username: 'w-coord', roles: ['care-coordinator'], fhirReference: 'Practitioner/coord' });
  await person(t, clock, { username: 'w-sup', roles: ['supervisor'], fhirReference: 'Practitioner/sup' });
  coord = await signIn(t.anonymous, clock, 'w-coord');
  other = await signIn(t.anonymous, clock, 'w-sup');
  for (const id of racers) {
    await person(t, clock, { username: `w-${id}`, roles: ['care-coordinator'], fhirReference: `Practitioner/${id}` });
    racing.push(await signIn(t.anonymous, clock, `w-${id}`));
  }
}, 120_000);
afterAll(() => t?.close());

describe('the ranked queue (GET Task/$worklist)', () => {
  test('mine and unassigned, highest rank first, each with its reasons; foreign work is not there', async () => {
    const res = await coord.request('GET', '/fhir/R4/Task/$worklist?_count=100');
    expect(res.statusCode, res.body).toBe(200);
    const bundle = res.json<Bundle<Task>>();
    const ids = (bundle.entry ?? []).map((e) => e.resource?.id);
    expect(ids[0]).toBe('stat');
    expect(ids).toContain('mine');
    expect(ids).toContain('tcm');
    expect(ids).not.toContain('theirs');
    expect(ids).not.toContain('foreign-task');
    const scores = (bundle.entry ?? []).map((e) => e.search?.score ?? 0);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    // The TCM call: due Tuesday 2 June (2 business days after Friday's discharge), risk 0.8, with the rule recorded.
    const tcm = bundle.entry?.find((e) => e.resource?.id === 'tcm');
    const why = (tcm?.search?.extension ?? []).map((x) => x.valueString ?? '');
    expect(why.some((w) => w.startsWith('urgent priority'))).toBe(true);
    expect(why.some((w) => w.startsWith('high patient risk (0.80)'))).toBe(true);
    expect(why.some((w) => /^due in \d+ h/.test(w))).toBe(true);
    // In Spanish when the request asks for it; the same points.
    const es = await coord.request('GET', '/fhir/R4/Task/$worklist?_count=100', undefined, { 'accept-language': 'es' });
    const tcmEs = es.json<Bundle<Task>>().entry?.find((e) => e.resource?.id === 'tcm');
    const porQue = (tcmEs?.search?.extension ?? []).map((x) => x.valueString ?? '');
    expect(porQue).toContain('prioridad: urgente (+800)');
    expect(porQue).toContain('riesgo alto del paciente (0,80) (+120)');
    expect(porQue.some((w) => /^vence en \d+ h \(\+\d+\)$/.test(w))).toBe(true);
    expect(porQue.some((w) => w.startsWith('Llamada de seguimiento'))).toBe(true);
    expect(tcm?.resource?.extension?.find((x) => x.url === DEADLINE_RULE_URL)?.extension?.[0]?.valueCode).toBe(
      'tcm-interactive-contact',
    );
  });

  test("a supervisor's queue of every owner holds the team's work, whoever owns it", async () => {
    const res = await other.request('GET', '/fhir/R4/Task/$worklist?owner=all&_count=100');
    expect(res.statusCode, res.body).toBe(200);
    const ids = (res.json<Bundle>().entry ?? []).map((e) => e.resource?.id);
    expect(ids).toEqual(expect.arrayContaining(['mine', 'theirs', 'tcm']));
    expect(ids).not.toContain('foreign-task');
  });

  test('filters by type and due window; bad filters are 400 naming the parameter', async () => {
    const edu = await coord.request('GET', '/fhir/R4/Task/$worklist?type=education');
    expect((edu.json<Bundle>().entry ?? []).map((e) => e.resource?.id).sort()).toEqual(['education', 'stat']);
    const due = await coord.request('GET', '/fhir/R4/Task/$worklist?due-before=2026-06-10T00:00:00Z');
    expect((due.json<Bundle>().entry ?? []).map((e) => e.resource?.id)).toEqual(['tcm']);
    for (const [query, name] of [
      ['type=nonsense', 'type'],
      ['owner=everyone', 'owner'],
      ['due-before=tomorrow', 'due-before'],
      ['_count=-1', '_count'],
      ['colour=red', 'colour'],
    ]) {
      const res = await coord.request('GET', `/fhir/R4/Task/$worklist?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(expressions(res.body)).toContain(name);
    }
  });
});

describe('task operations', () => {
  test('64 concurrent claims of one task by 8 coordinators: exactly one wins, the others get 409', async () => {
    const results = await Promise.all(
      Array.from({ length: 64 }, async (_, i) => ({
        who: i % 8,
        res: await (racing[i % 8] as Browser).request('POST', '/fhir/R4/Task/race/$claim'),
      })),
    );
    const winners = new Set(results.filter((r) => r.res.statusCode === 200).map((r) => r.who));
    expect(winners.size).toBe(1);
    // The winner's own repeated claims are harmless 200s; everyone else's are 409.
    for (const r of results) expect(r.res.statusCode).toBe(winners.has(r.who) ? 200 : 409);
    const stored = await read('race');
    expect(stored.owner?.reference).toBe(`Practitioner/${racers[[...winners][0] as number]}`);
    expect(stored.meta?.versionId).toBe('2');
  });

  test('claim sets the owner and starts the task; claiming it again is harmless', async () => {
    const res = await coord.request('POST', '/fhir/R4/Task/education/$claim');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Task>()).toMatchObject({ status: 'in-progress', owner: { reference: 'Practitioner/coord' } });
    expect(res.headers.etag).toBe('W/"2"');
    const again = await coord.request('POST', '/fhir/R4/Task/education/$claim');
    expect(again.json<Task>().meta?.versionId).toBe('2');
  });

  test('reassign to an existing active practitioner; a missing or inactive one is 400 and changes nothing', async () => {
    for (const [owner, text] of [
      ['Practitioner/nobody', 'does not exist'],
      ['Practitioner/retired', 'inactive'],
      ['Patient/own', 'Practitioner reference'],
    ]) {
      const res = await coord.request(
        'POST',
        '/fhir/R4/Task/mine/$reassign',
        params({ name: 'owner', valueReference: { reference: owner } }),
      );
      expect(res.statusCode, owner).toBe(400);
      expect(expressions(res.body)).toContain('owner');
      expect(res.body).toContain(text);
    }
    expect((await read('mine')).meta?.versionId).toBe('1');
    const ok = await coord.request(
      'POST',
      '/fhir/R4/Task/mine/$reassign',
      params({ name: 'owner', valueReference: { reference: 'Practitioner/clin' } }),
    );
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await read('mine')).owner?.reference).toBe('Practitioner/clin');
  });

  test('snooze until a future time hides the task until then; a time in the past is 400', async () => {
    const past = await coord.request(
      'POST',
      '/fhir/R4/Task/snooze-me/$snooze',
      params({ name: 'until', valueDateTime: '2026-05-01T00:00:00Z' }),
    );
    expect(past.statusCode).toBe(400);
    expect(expressions(past.body)).toContain('until');
    const res = await coord.request(
      'POST',
      '/fhir/R4/Task/snooze-me/$snooze',
      params({ name: 'until', valueDateTime: '2026-06-01T14:00:00Z' }, { name: 'reason', valueString: 'call back' }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Task>().status).toBe('on-hold');
    const ids = async () =>
      ((await coord.request('GET', '/fhir/R4/Task/$worklist?_count=100')).json<Bundle>().entry ?? []).map(
        (e) => e.resource?.id,
      );
    expect(await ids()).not.toContain('snooze-me');
    clock.advance({ hours: 3 });
    // Three hours idle ended the session (15 minutes): sign in again.
    coord = await signIn(t.anonymous, clock, 'w-coord', coord.secret);
    expect(await ids()).toContain('snooze-me');
  });

  test('complete with an outcome; completing twice is 409; an empty outcome is 400', async () => {
    const empty = await coord.request('POST', '/fhir/R4/Task/done/$complete', params());
    expect(empty.statusCode).toBe(400);
    expect(expressions(empty.body)).toContain('outcome');
    const res = await coord.request(
      'POST',
      '/fhir/R4/Task/done/$complete',
      params({ name: 'outcome', valueString: 'Reached the patient; follow-up booked' }),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json<Task>()).toMatchObject({ status: 'completed', output: [{ valueString: expect.any(String) }] });
    const twice = await coord.request(
      'POST',
      '/fhir/R4/Task/done/$complete',
      params({ name: 'outcome', valueString: 'again' }),
    );
    expect(twice.statusCode).toBe(409);
    expect((await read('done')).meta?.versionId).toBe('2');
  });

  test('escalate creates an escalation task for the same patient, part of the escalated one', async () => {
    const res = await coord.request(
      'POST',
      '/fhir/R4/Task/escalate-me/$escalate',
      params({ name: 'reason', valueString: 'Patient unreachable for 3 days' }),
    );
    expect(res.statusCode, res.body).toBe(200);
    const [escalated, created] = (res.json<Bundle<Task>>().entry ?? []).map((e) => e.resource as Task);
    expect(escalated?.businessStatus?.text).toBe('escalated');
    expect(created).toMatchObject({
      priority: 'asap',
      for: { reference: 'Patient/own' },
      partOf: [{ reference: 'Task/escalate-me' }],
      requester: { reference: 'Practitioner/coord' },
    });
  });

  test("someone else's patient's task is 404, like one that does not exist; unknown operations are 404", async () => {
    const foreign = await coord.request('POST', '/fhir/R4/Task/foreign-task/$claim');
    const absent = await coord.request('POST', '/fhir/R4/Task/no-such-task/$claim');
    expect(foreign.statusCode).toBe(404);
    expect(absent.statusCode).toBe(404);
    expect((await read('foreign-task')).owner).toBeUndefined();
    expect((await coord.request('POST', '/fhir/R4/Task/mine/$explode')).statusCode).toBe(404);
  });

  test('bulk: one operation on many tasks, each answered on its own', async () => {
    const res = await coord.request(
      'POST',
      '/fhir/R4/Task/$bulk',
      params(
        { name: 'operation', valueCode: 'snooze' },
        { name: 'until', valueDateTime: '2026-06-08T09:00:00Z' },
        ...['b1', 'b2', 'foreign-task', 'b3'].map((id) => ({
          name: 'task',
          valueReference: { reference: `Task/${id}` },
        })),
      ),
    );
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json<Bundle>().entry ?? []).map((e) => e.response?.status)).toEqual(['200', '200', '404', '200']);
    for (const id of ['b1', 'b2', 'b3']) expect((await read(id)).status).toBe('on-hold');
    const bad = await coord.request('POST', '/fhir/R4/Task/$bulk', params({ name: 'operation', valueCode: 'burn' }));
    expect(bad.statusCode).toBe(400);
    expect(expressions(bad.body)).toContain('operation');
  });
});
