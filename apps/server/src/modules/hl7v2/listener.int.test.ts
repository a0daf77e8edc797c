import { createServer } from 'node:net';
import type { Appointment, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, freshDatabase, type TestApp } from '../../../test/harness.ts';
import { systemClock } from '../../platform/clock.ts';
import { createStore } from '../../platform/store/index.ts';
import { captureLog, MllpClient, mshSegment, rowCounts, segment, siu } from './hl7v2.fixture.ts';
import { type MllpServer, startHl7v2Listener } from './index.ts';

// The listener over a real socket with the project's own messages (hl7v2.fixture.ts): what it refuses, and that a
// refusal changes nothing; size limit; graceful stop; the runtime starting it from MLLP_PORT.

const sender = 'urn:careloop:hl7v2:TestSched:TestClinic';
let t: TestApp;
let listener: MllpServer;
let client: MllpClient;
const log = captureLog();

beforeAll(async () => {
  t = await createTestApp();
  listener = await startHl7v2Listener({ store: t.store, clock: systemClock, log, port: 0, host: '127.0.0.1' });
  client = await MllpClient.connect(listener.port);
}, 120_000);
afterAll(async () => {
  await client?.close();
  await listener?.stop();
  await t?.close();
});

const appointmentsWith = async (filler: string) =>
  (await t.store.search('Appointment', new URLSearchParams({ identifier: `${sender}:filler|${filler}` })))
    .matches as Appointment[];

/** `text` with segment `name` replaced. */
const replace = (text: string, name: string, replacement: string) =>
  text
    .split('\r')
    .map((s) => (s.startsWith(`${name}|`) ? replacement : s))
    .join('\r');

describe('a valid SIU of our own', () => {
  test('S12 is acknowledged AA with its control id and mirrored once, however often it is sent', async () => {
    const message = siu({ filler: 'OWN-1', placer: 'OWN-P1', controlId: 'OWN-C1' });
    const ack = await client.send(message);
    expect(ack).toMatchObject({ code: 'AA', controlId: 'OWN-C1', messageType: 'ACK^S12^ACK' });
    expect(await client.send(message)).toMatchObject({ code: 'AA', controlId: 'OWN-C1' });
    const [a, ...others] = await appointmentsWith('OWN-1');
    expect(others).toEqual([]);
    expect(a).toMatchObject({
      status: 'booked',
      start: '2026-06-01T09:00:00+02:00',
      end: '2026-06-01T09:30:00+02:00',
      appointmentType: { coding: [{ code: 'FOLLOWUP' }] },
    });
    expect(a?.participant?.map((p) => p.actor?.reference?.split('/')[0])).toEqual([
      'Patient',
      'Practitioner',
      'Location',
      'Device',
    ]);
  });

  test('an older message (by MSH-7) arriving after a newer one is acknowledged and changes nothing', async () => {
    const ids = { filler: 'OWN-2', placer: 'OWN-P2' };
    await client.send(siu({ ...ids, controlId: 'OWN-C2a', sent: '20260520120000+0200' }));
    const moved = { ...ids, event: 'S13' as const, controlId: 'OWN-C2b', sent: '20260521120000+0200' };
    await client.send(siu({ ...moved, start: '20260602090000+0200', end: '20260602093000+0200' }));
    const before = await rowCounts(t.db);
    const late = await client.send(siu({ ...ids, controlId: 'OWN-C2c', sent: '20260520130000+0200' }));
    expect(late).toMatchObject({ code: 'AA', controlId: 'OWN-C2c' });
    expect(await rowCounts(t.db)).toEqual(before);
    expect((await appointmentsWith('OWN-2'))[0]?.start).toBe('2026-06-02T09:00:00+02:00');
    expect(log.lines.at(-1)?.obj).toMatchObject({ controlId: 'OWN-C2c', ack: 'AA', result: 'stale' });
  });

  test('S13 for an appointment not mirrored yet mirrors it (the message carries the whole appointment)', async () => {
    expect(await client.send(siu({ event: 'S13', filler: 'OWN-3', placer: 'OWN-P3' }))).toMatchObject({ code: 'AA' });
    expect(await appointmentsWith('OWN-3')).toHaveLength(1);
  });
});

describe('refusals change nothing', () => {
  test.each([
    ['a frame that is not HL7', 'hello', 'AR', '', '100', '', /^Not an HL7 v2 message/],
    ['no message control id', siu().replace('|CTL-S12|', '||'), 'AR', '', '101', 'MSH^1^10', /MSH-10/],
    [
      'an unsupported SIU event',
      siu().replace('SIU^S12^SIU_S12', 'SIU^S26^SIU_S26'),
      'AR',
      'CTL-S12',
      '201',
      'MSH^1^9^1^2',
      /trigger/,
    ],
    [
      'an ADT (for now)',
      [
        mshSegment({
          2: '^~\\&',
          3: 'A',
          4: 'B',
          7: '20260101+0000',
          9: 'ADT^A01^ADT_A01',
          10: 'ADT-1',
          11: 'P',
          12: '2.5',
        }),
        'PID|1||X^^^Y',
      ].join('\r'),
      'AR',
      'ADT-1',
      '200',
      'MSH^1^9^1^1',
      /^Unsupported message type \(CareLoop accepts SIU\^S12, SIU\^S13, SIU\^S14, SIU\^S15\)/,
    ],
    ['a SIU without SCH', siu({ omit: ['SCH'], controlId: 'BAD-1' }), 'AE', 'BAD-1', '100', 'SCH^1^', /SCH/],
    ['a SIU without PID', siu({ omit: ['PID'], controlId: 'BAD-2' }), 'AE', 'BAD-2', '100', 'PID^1^', /PID/],
    [
      'a start with no offset',
      siu({ start: '20260601090000', controlId: 'BAD-3' }),
      'AE',
      'BAD-3',
      '102',
      'TQ1^1^7',
      /TQ1-7 has no UTC offset/,
    ],
    [
      'a start that is no date',
      siu({ start: '2026-06-01', controlId: 'BAD-4' }),
      'AE',
      'BAD-4',
      '102',
      'TQ1^1^7',
      /TQ1-7 is not/,
    ],
    [
      'an unknown filler status',
      siu({ status: 'Blocked', controlId: 'BAD-5' }),
      'AE',
      'BAD-5',
      '103',
      'SCH^1^25',
      /SCH-25/,
    ],
  ])('%s', async (_name, message, code, controlId, errorCode, errorAt, text) => {
    const before = await rowCounts(t.db);
    const ack = await client.send(message);
    expect(ack).toMatchObject({ code, controlId, errorCode, errorAt });
    expect(ack.errorText).toMatch(text);
    expect(await rowCounts(t.db)).toEqual(before);
  });

  test("an unsupported version (v2.2) → AR in that version's layout: ERR-1 and MSA-3", async () => {
    const before = await rowCounts(t.db);
    const ack = await client.send(siu({ version: '2.2', controlId: 'OLD-1' }));
    expect(ack).toMatchObject({ code: 'AR', controlId: 'OLD-1', msaText: 'MSH-12: CareLoop accepts HL7 v2.3 to v2.9' });
    expect(ack.raw.split('\r')[2]).toBe('ERR|MSH^1^12^203&Unsupported version id&HL70357');
    expect(await rowCounts(t.db)).toEqual(before);
  });

  test('garbage outside frames is dropped (logged, no ACK); the next message is answered in order', async () => {
    const before = await rowCounts(t.db);
    client.write('this is not MLLP\r\n');
    const ack = await client.send(siu({ start: 'x', controlId: 'AFTER-GARBAGE' }));
    expect(ack).toMatchObject({ code: 'AE', controlId: 'AFTER-GARBAGE' });
    expect(await rowCounts(t.db)).toEqual(before);
    expect(log.lines.some((l) => l.msg.includes('discarded bytes outside MLLP frames'))).toBe(true);
  });

  test('a failure after some writes rolls the whole message back (AE, nothing stored)', async () => {
    // Two practitioners share the id the message names: it cannot say which one it means.
    const duplicate = { system: `${sender}:practitioner`, value: 'P-TWICE' };
    for (let i = 0; i < 2; i++) await t.store.create({ resourceType: 'Practitioner', identifier: [duplicate] });
    const before = await rowCounts(t.db);
    const message = siu({ filler: 'OWN-4', mrn: 'MRN-ROLLBACK', practitioner: 'P-TWICE', controlId: 'BAD-6' });
    const ack = await client.send(message);
    expect(ack).toMatchObject({ code: 'AE', controlId: 'BAD-6', errorCode: '205', errorAt: 'AIP^1^3' });
    expect(await rowCounts(t.db)).toEqual(before);
    const patients = await t.store.search('Patient', new URLSearchParams({ identifier: 'MRN-ROLLBACK' }));
    expect(patients.matches as Patient[]).toEqual([]);
  });

  test('a database failure → AE with a generic text; the error is logged without content', async () => {
    const gone = await freshDatabase();
    const own = captureLog();
    const down = await startHl7v2Listener({
      store: createStore({ db: gone.db, clock: systemClock }),
      clock: systemClock,
      log: own,
      port: 0,
      host: '127.0.0.1',
    });
    await gone.drop();
    const c = await MllpClient.connect(down.port);
    try {
      const ack = await c.send(siu({ controlId: 'DB-DOWN' }));
      expect(ack).toMatchObject({ code: 'AE', controlId: 'DB-DOWN', errorCode: '207' });
      expect(ack.errorText).toBe('CareLoop could not store the message; nothing was changed. Send it again later');
      expect(own.lines.some((l) => l.level === 'error')).toBe(true);
      expect(JSON.stringify(own.lines)).not.toMatch(/Testperson|Alex|MRN-1/);
    } finally {
      await c.close();
      await down.stop();
    }
  });

  test('no log line carries patient data', () => {
    expect(JSON.stringify(log.lines)).not.toMatch(/Testperson|Alex|MRN-|19800101/);
  });
});

describe('the connection', () => {
  test('a message over the size limit drops the connection and changes nothing', async () => {
    const small = await startHl7v2Listener({
      store: t.store,
      clock: systemClock,
      log,
      port: 0,
      host: '127.0.0.1',
      maxMessageBytes: 1024,
    });
    const c = await MllpClient.connect(small.port);
    const before = await rowCounts(t.db);
    c.write(
      Buffer.concat([Buffer.of(0x0b), Buffer.from(replace(siu(), 'PID', segment('PID', { 3: 'X'.repeat(2000) })))]),
    );
    await c.closed;
    expect(await rowCounts(t.db)).toEqual(before);
    expect(log.lines.some((l) => l.msg.includes('exceeds the size limit'))).toBe(true);
    await small.stop();
  });

  test('stop() lets a received message finish and be acknowledged, then closes the connection', async () => {
    const other = await startHl7v2Listener({ store: t.store, clock: systemClock, log, port: 0, host: '127.0.0.1' });
    const c = await MllpClient.connect(other.port);
    const acked = c.send(siu({ filler: 'OWN-5', controlId: 'LAST' }));
    await new Promise((r) => setTimeout(r, 20));
    const stopped = other.stop();
    expect(await acked).toMatchObject({ code: 'AA', controlId: 'LAST' });
    await stopped;
    await c.closed;
    expect(await appointmentsWith('OWN-5')).toHaveLength(1);
    await expect(MllpClient.connect(other.port)).rejects.toThrow();
  });
});

describe('the runtime', () => {
  test('MLLP_PORT starts the listener with the replica; stopping the replica stops it', async () => {
    const port = await freePort();
    const app = await createTestApp({ config: { mllpPort: port } });
    try {
      const c = await MllpClient.connect(port);
      expect(await c.send(siu({ controlId: 'RUNTIME-1' }))).toMatchObject({ code: 'AA', controlId: 'RUNTIME-1' });
      await c.close();
    } finally {
      await app.close();
    }
    await expect(MllpClient.connect(port)).rejects.toThrow();
  });
});

/** A port free right now (the OS picks it; closed again before use). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
