import type { Communication, Resource, Task } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessWorld } from '../../../test/access-world.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { fixedClock } from '../../platform/clock.ts';
import { raiseDeadlineAlerts } from './deadline-alerts.ts';
import { worklistTask } from './domain/task-resource.ts';

const clock = fixedClock('2026-06-01T12:00:00Z');
const policy = { approachingHours: 24 };
let t: TestApp;

const due = (id: string, at: string, extra: Partial<Task> = {}): Resource => ({
  ...worklistTask({
    type: 'follow-up-call',
    patient: 'Patient/own',
    authoredOn: Temporal.Instant.from('2026-05-29T12:00:00Z'),
    owner: 'Practitioner/coord',
    deadline: { due: Temporal.Instant.from(at), rule: 'tcm-interactive-contact', source: 'CMS TCM' },
  }),
  id,
  ...extra,
});

const search = async <T extends Resource>(type: string, query: Record<string, string>) =>
  (await t.store.search(type, new URLSearchParams(query))).matches as T[];

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.store.putMany([
    ...accessWorld(),
    due('soon', '2026-06-01T14:00:00Z'),
    due('late', '2026-06-01T08:00:00Z'),
    due('later', '2026-06-04T12:00:00Z'),
    due('late-but-done', '2026-06-01T08:00:00Z', { status: 'completed' }),
  ]);
}, 120_000);
afterAll(() => t?.close());

describe('deadline alerts (the job queue runs raiseDeadlineAlerts every DEADLINE_CHECK_MINUTES)', () => {
  test('a missed deadline escalates to the supervisor; an approaching one notifies the owner; each once', async () => {
    expect(await raiseDeadlineAlerts(t.store, clock.now(), policy)).toEqual({ approaching: 1, missed: 1 });
    const escalations = await search<Task>('Task', { 'part-of': 'Task/late' });
    expect(escalations).toHaveLength(1);
    expect(escalations[0]).toMatchObject({
      priority: 'asap',
      owner: { reference: 'Practitioner/sup' },
      for: { reference: 'Patient/own' },
    });
    expect(escalations[0]?.description).toContain('tcm-interactive-contact');
    const notes = await search<Communication>('Communication', { recipient: 'Practitioner/coord' });
    expect(notes.map((n) => n.about?.[0]?.reference)).toEqual(['Task/soon']);
    // Nothing for work due later, nor for completed work.
    expect(await search('Task', { 'part-of': 'Task/later' })).toHaveLength(0);
    expect(await search('Task', { 'part-of': 'Task/late-but-done' })).toHaveLength(0);

    // A second run (another replica, the next tick) raises nothing again.
    expect(await raiseDeadlineAlerts(t.store, clock.now(), policy)).toEqual({ approaching: 0, missed: 0 });
    expect(await search('Task', { 'part-of': 'Task/late' })).toHaveLength(1);
  });

  test("when the approaching task's time passes, it escalates too", async () => {
    clock.advance({ hours: 3 });
    expect(await raiseDeadlineAlerts(t.store, clock.now(), policy)).toEqual({ approaching: 0, missed: 1 });
    expect(await search('Task', { 'part-of': 'Task/soon' })).toHaveLength(1);
  });

  test('two checks at once (two replicas) raise each alert once', async () => {
    await t.store.putMany([due('race', '2026-06-01T09:00:00Z')]);
    const [a, b] = await Promise.all([
      raiseDeadlineAlerts(t.store, clock.now(), policy),
      raiseDeadlineAlerts(t.store, clock.now(), policy),
    ]);
    expect((a?.missed ?? 0) + (b?.missed ?? 0)).toBe(1);
    expect(await search('Task', { 'part-of': 'Task/race' })).toHaveLength(1);
  });
});
