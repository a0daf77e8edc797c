import type { Appointment } from '@medplum/fhirtypes';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { systemClock } from '../../platform/clock.ts';
import { createStore } from '../../platform/store/index.ts';
import { captureLog, MllpClient, siu } from './hl7v2.fixture.ts';
import { type MllpServer, SOURCE_TAG, startHl7v2Listener } from './index.ts';

// Two replicas (two stores, two listeners) on one database, as behind a load balancer: the same message handed to
// both, or many messages about one patient, still make one Appointment per appointment id and one Patient. On
// PostgreSQL (DATABASE_URL) the transactions really run at once and meet at the store's condition locks.

const sender = 'urn:careloop:hl7v2:TestSched:TestClinic';
let t: TestApp;
const listeners: MllpServer[] = [];
const clients: MllpClient[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const stores = [t.store, createStore({ db: t.db, clock: systemClock })];
  for (const store of stores) {
    const listener = await startHl7v2Listener({
      store,
      clock: systemClock,
      log: captureLog(),
      port: 0,
      host: '127.0.0.1',
    });
    listeners.push(listener);
    // Two connections per replica, so messages to one replica are handled at once too.
    clients.push(await MllpClient.connect(listener.port), await MllpClient.connect(listener.port));
  }
}, 120_000);
afterAll(async () => {
  for (const c of clients) await c.close();
  for (const l of listeners) await l.stop();
  await t?.close();
});

const count = async (type: string, params: Record<string, string>) =>
  (await t.store.search(type, new URLSearchParams(params))).matches.length;

test('the same S12 sent to both replicas at once makes one Appointment and one Patient', async () => {
  const message = siu({ filler: 'REP-1', placer: 'REP-P1', mrn: 'MRN-REP-1', controlId: 'REP-C1' });
  const acks = await Promise.all(clients.map((c) => c.send(message)));
  expect(acks.map((a) => [a.code, a.controlId])).toEqual(clients.map(() => ['AA', 'REP-C1']));
  expect(await count('Appointment', { identifier: `${sender}:filler|REP-1` })).toBe(1);
  expect(await count('Patient', { identifier: 'urn:careloop:hl7v2:assigner:TESTMRN|MRN-REP-1' })).toBe(1);
  expect(await count('Practitioner', { identifier: `${sender}:practitioner|P100` })).toBe(1);
});

test('many appointments of one patient across both replicas: every one stored, no duplicate participant', async () => {
  const messages = Array.from({ length: 12 }, (_, i) =>
    siu({ filler: `MANY-${i}`, placer: `MANY-P${i}`, mrn: 'MRN-MANY', room: `R${i % 3}`, controlId: `MANY-C${i}` }),
  );
  const acks = await Promise.all(messages.map((m, i) => (clients[i % clients.length] as MllpClient).send(m)));
  expect(acks.map((a) => a.code)).toEqual(messages.map(() => 'AA'));
  const found = await t.store.search(
    'Appointment',
    new URLSearchParams({ identifier: messages.map((_, i) => `${sender}:filler|MANY-${i}`).join(','), _count: '50' }),
  );
  expect(found.matches).toHaveLength(12);
  const patients = new Set((found.matches as Appointment[]).map((a) => a.participant?.[0]?.actor?.reference));
  expect(patients.size).toBe(1);
  expect(await count('Patient', { identifier: 'urn:careloop:hl7v2:assigner:TESTMRN|MRN-MANY' })).toBe(1);
  expect(
    await count('Location', {
      _tag: `${SOURCE_TAG.system}|hl7v2`,
      identifier: ['R0', 'R1', 'R2'].map((r) => `${sender}:location|CLINIC^${r}^^TESTFAC`).join(','),
    }),
  ).toBe(3);
});

test('a booking, its reschedule and its cancellation sent to different replicas end cancelled', async () => {
  const ids = { filler: 'REP-2', placer: 'REP-P2', mrn: 'MRN-REP-2' };
  const [a, b, c] = clients as [MllpClient, MllpClient, MllpClient];
  expect((await a.send(siu({ ...ids, controlId: 'R2-1', sent: '20260520120000+0200' }))).code).toBe('AA');
  const move = {
    ...ids,
    event: 'S13' as const,
    controlId: 'R2-2',
    sent: '20260520130000+0200',
    start: '20260603090000+0200',
    end: '20260603100000+0200',
  };
  expect((await b.send(siu(move))).code).toBe('AA');
  expect((await c.send(siu({ ...ids, event: 'S15', controlId: 'R2-3', sent: '20260520140000+0200' }))).code).toBe('AA');
  const found = await t.store.search('Appointment', new URLSearchParams({ identifier: `${sender}:filler|REP-2` }));
  expect(found.matches).toMatchObject([{ status: 'cancelled', start: '2026-06-01T09:00:00+02:00' }]);
});
