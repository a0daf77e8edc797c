import type { Task } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { fixedClock } from '../../platform/clock.ts';
import { snoozed, worklistTask } from './domain/task-resource.ts';
import { resumeEndedSnoozes } from './snooze-ends.ts';

const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ clock });
});
afterAll(() => t?.close());

const task = (id: string, until: string): Task => ({
  ...snoozed(
    { ...worklistTask({ type: 'follow-up-call', patient: 'Patient/snz', authoredOn: clock.now() }), id },
    Temporal.Instant.from(until),
    'patient asked to be called next week',
  ),
});

describe('ended snoozes go back to ready (part of the worklist job)', () => {
  test('only those whose snooze has ended; once; a task changed meanwhile keeps its change', async () => {
    await t.store.putMany([
      { resourceType: 'Patient', id: 'snz' },
      task('snz-ended', '2026-06-01T11:00:00Z'),
      task('snz-later', '2026-06-02T09:00:00Z'),
    ]);
    expect(await resumeEndedSnoozes(t.store, clock.now())).toBe(1);
    const ended = await t.store.read<Task>('Task', 'snz-ended');
    expect(ended.status).toBe('ready');
    expect(ended.statusReason).toBeUndefined();
    expect(ended.extension ?? []).toEqual([]);
    expect((await t.store.read<Task>('Task', 'snz-later')).status).toBe('on-hold');
    // Nothing more to do until the next snooze ends.
    expect(await resumeEndedSnoozes(t.store, clock.now())).toBe(0);
    clock.advance({ hours: 24 });
    expect(await resumeEndedSnoozes(t.store, clock.now())).toBe(1);
    expect((await t.store.read<Task>('Task', 'snz-later')).status).toBe('ready');
  });

  test('a snoozed task completed before the run stays completed', async () => {
    await t.store.putMany([task('snz-done', '2026-06-01T11:30:00Z')]);
    const current = await t.store.read<Task>('Task', 'snz-done');
    await t.store.update({ ...current, status: 'completed' });
    expect(await resumeEndedSnoozes(t.store, clock.now())).toBe(0);
    expect((await t.store.read<Task>('Task', 'snz-done')).status).toBe('completed');
  });
});
