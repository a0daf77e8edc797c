import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Resource } from '@medplum/fhirtypes';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { accessWorld } from '../../../test/access-world.ts';
import { createTestApp, type TestApp } from '../../../test/harness.ts';
import { type Browser, person, signIn } from '../../../test/people.ts';
import { fixedClock } from '../../platform/clock.ts';
import { SESSION_COOKIE } from '../../platform/http/auth/index.ts';
import { createRuntime, type Runtime } from '../../runtime.ts';
import { worklistTask } from './domain/task-resource.ts';

const clock = fixedClock('2026-06-01T12:00:00Z');
let t: TestApp;
let replica: Runtime;
let port: number;
let coord: Browser;

const task = (id: string, patient: string) =>
  ({
    ...worklistTask({ type: 'follow-up-call', patient, authoredOn: Temporal.Instant.from('2026-06-01T09:00:00Z') }),
    id,
  }) as Resource;

type Event = { event: string; data: { id: string; versionId: string } };

/** Opens the event stream on the second replica; collects its events. */
function openStream(cookie: string | undefined): Promise<{ res: IncomingMessage; events: Event[]; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = get(
      {
        host: '127.0.0.1',
        port,
        path: '/worklist/events',
        headers: cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {},
      },
      (res) => {
        const events: Event[] = [];
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          const blocks = buffer.split('\n\n');
          buffer = blocks.pop() ?? '';
          for (const block of blocks) {
            const event = /^event: (.+)$/m.exec(block)?.[1];
            const data = /^data: (.+)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) });
          }
        });
        resolve({ res, events, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(check(), what).toBe(true);
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.store.putMany([...accessWorld(), task('ev-own', 'Patient/own'), task('ev-foreign', 'Patient/foreign')]);
  await person(t, clock, { username: 'ev-coord', roles: ['care-coordinator'], fhirReference: 'Practitioner/coord' });
  coord = await signIn(t.anonymous, clock, 'ev-coord');
  // A second replica over the same database: the stream is opened there, the changes are made on the first one.
  replica = await createRuntime(t.config, t.db, clock, { queue: false });
  await replica.app.listen({ port: 0, host: '127.0.0.1' });
  port = (replica.app.server.address() as AddressInfo).port;
}, 120_000);
afterAll(async () => {
  await replica?.app.close();
  await t?.close();
});

describe('GET /worklist/events', () => {
  test("a change on one replica reaches the other's stream; changes the coordinator may not see do not", async () => {
    const stream = await openStream(coord.cookie);
    try {
      expect(stream.res.statusCode).toBe(200);
      expect(stream.res.headers['content-type']).toMatch(/^text\/event-stream/);
      // First a change to another coordinator's patient's task, then one to this coordinator's.
      await t.store.update({ ...(await t.store.read('Task', 'ev-foreign')), priority: 'stat' } as Resource);
      const claimed = await coord.request('POST', '/fhir/R4/Task/ev-own/$claim');
      expect(claimed.statusCode, claimed.body).toBe(200);
      await until(() => stream.events.length > 0, 'an event arrived');
      expect(stream.events).toEqual([
        { event: 'changed', data: { resourceType: 'Task', id: 'ev-own', versionId: '2' } },
      ]);
      // Only ids and versions: nothing about the patient or the work travels on the stream.
      expect(JSON.stringify(stream.events)).not.toMatch(/own-family|follow-up|Patient/);
    } finally {
      stream.close();
    }
  });

  test('without a session the stream is refused with 401', async () => {
    const stream = await openStream(undefined);
    stream.close();
    expect(stream.res.statusCode).toBe(401);
  });
});
