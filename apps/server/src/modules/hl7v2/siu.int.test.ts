import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Appointment, Device, Location, Patient, Practitioner } from '@medplum/fhirtypes';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, sharedData, type TestApp } from '../../../test/harness.ts';
import { systemClock } from '../../platform/clock.ts';
import { captureLog, MllpClient, rowCounts } from './hl7v2.fixture.ts';
import { MESSAGE_EXTENSION, type MllpServer, SOURCE_TAG, startHl7v2Listener } from './index.ts';

// The SIU samples of ../shared (microsoft/FHIR-Converter; `\n` segment ends, some with a byte-order mark), sent as
// they are over a real socket, in order: one appointment booked, rescheduled, modified, cancelled.

const dir = join(sharedData, 'hl7v2', 'messages');
const present = existsSync(join(dir, 'SIU-S12-01.hl7'));
if (!present) console.warn(`hl7v2 SIU samples: skipped, ${dir} is absent (third-party material beside the checkout)`);

const sample = (name: string) => readFileSync(join(dir, name));
const sender = 'urn:careloop:hl7v2:SCHApp:GHHSFacility';
const filler = `${sender}:filler|36996`;

describe.skipIf(!present)('SIU samples over MLLP', () => {
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

  const mirrored = async (): Promise<Appointment[]> =>
    (await t.store.search('Appointment', new URLSearchParams({ identifier: filler }))).matches as Appointment[];
  const one = async (): Promise<Appointment> => {
    const all = await mirrored();
    expect(all).toHaveLength(1);
    return all[0] as Appointment;
  };
  const actorsOf = (a: Appointment, type: string) =>
    (a.participant ?? []).map((p) => p.actor?.reference ?? '').filter((r) => r.startsWith(`${type}/`));
  const lastMessage = (a: Appointment) =>
    a.extension?.find((e) => e.url === MESSAGE_EXTENSION)?.extension?.find((e) => e.url === 'controlId')?.valueString;

  test('S12 mirrors a new Appointment with its patient, practitioner, room and equipment', async () => {
    const ack = await client.send(sample('SIU-S12-01.hl7'));
    expect(ack).toMatchObject({ code: 'AA', controlId: 'MSG00012', messageType: 'ACK^S12^ACK' });
    expect(ack.raw.split('\r')[0]).toMatch(/^MSH\|\^~\\&\|EHRApp\^1\.Aux\^ISO\|GHHRFacility.*\|SCHApp\|GHHSFacility/);

    const a = await one();
    expect(a).toMatchObject({
      status: 'booked',
      start: '2021-09-24T09:30:00+02:15',
      end: '2021-09-24T10:20:00+02:15',
      serviceType: [{ coding: [{ system: 'http://snomed.info/sct', code: '76164006' }, { code: '1212' }] }],
      appointmentType: { coding: [{ code: 'EMERGENCY' }] },
    });
    expect(a.meta?.tag).toContainEqual(SOURCE_TAG);
    expect(a.identifier?.map((i) => `${i.system}|${i.value}`)).toEqual([`${sender}:placer|12345`, filler]);
    expect(a.participant?.every((p) => p.status === 'accepted')).toBe(true);
    expect(a.description).toBeUndefined();
    expect(JSON.stringify(a)).not.toContain('bowel');

    const [patientRef] = actorsOf(a, 'Patient');
    const patient = await t.store.read<Patient>('Patient', patientRef?.split('/')[1] ?? '');
    expect(patient.identifier?.map((i) => `${i.system}|${i.value}`)).toEqual([
      'http://hl7.org/fhir/sid/us-ssn|123456789',
      'urn:careloop:hl7v2:assigner:test1|PATID1234',
    ]);
    expect(patient).toMatchObject({ birthDate: '1988-08-18', gender: 'male', name: [{ family: 'EVERYMAN' }, {}] });
    const practitioner = await t.store.read<Practitioner>(
      'Practitioner',
      actorsOf(a, 'Practitioner')[0]?.split('/')[1] ?? '',
    );
    expect(practitioner).toMatchObject({
      identifier: [{ value: '1210' }],
      name: [{ family: 'GE', given: ['Robert', 'C'] }],
    });
    const room = await t.store.read<Location>('Location', actorsOf(a, 'Location')[0]?.split('/')[1] ?? '');
    expect(room).toMatchObject({ identifier: [{ value: '055^Room01^^GH Clinic' }], name: 'GH Clinic 055 Room01' });
    const device = await t.store.read<Device>('Device', actorsOf(a, 'Device')[0]?.split('/')[1] ?? '');
    expect(device).toMatchObject({
      identifier: [{ value: '5001' }],
      deviceName: [{ name: 'EVIS X12 Video Colonoscope' }],
    });

    // The store audited the writes as system:hl7v2, under the patient.
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM audit_event
      WHERE agent = 'system:hl7v2' AND ${patientRef ?? ''} = ANY(patient_ids)`.execute(t.db.kysely);
    expect(rows[0]?.n).toBeGreaterThan(0);
  });

  test('the same S12 again (with a byte-order mark this time) is acknowledged and changes nothing', async () => {
    const before = await rowCounts(t.db);
    const ack = await client.send(Buffer.concat([Buffer.of(0xef, 0xbb, 0xbf), sample('SIU-S12-01.hl7')]));
    expect(ack).toMatchObject({ code: 'AA', controlId: 'MSG00012' });
    expect(await rowCounts(t.db)).toEqual(before);
    expect((await one()).meta?.versionId).toBe('1');
  });

  test('S13 reschedules the same Appointment', async () => {
    const before = await one();
    const ack = await client.send(sample('SIU-S13-01.hl7'));
    expect(ack).toMatchObject({ code: 'AA', controlId: 'MSG00013', messageType: 'ACK^S13^ACK' });
    const a = await one();
    expect(a.id).toBe(before.id);
    expect(a).toMatchObject({ status: 'booked', start: '2021-09-24T09:30:00+02:15', end: '2021-09-24T10:20:00+02:15' });
    expect(lastMessage(a)).toBe('MSG00013');
    expect(Number(a.meta?.versionId)).toBe(Number(before.meta?.versionId) + 1);
  });

  test('S14 modifies it: the room changes from Room01 to Room02, the rest stays', async () => {
    const before = await one();
    const ack = await client.send(sample('SIU-S14-01.hl7'));
    expect(ack).toMatchObject({ code: 'AA', controlId: 'MSG00014' });
    const a = await one();
    expect(actorsOf(a, 'Location')).not.toEqual(actorsOf(before, 'Location'));
    const room = await t.store.read<Location>('Location', actorsOf(a, 'Location')[0]?.split('/')[1] ?? '');
    expect(room.identifier?.[0]?.value).toBe('055^Room02^^GH Clinic');
    for (const type of ['Patient', 'Practitioner', 'Device']) expect(actorsOf(a, type)).toEqual(actorsOf(before, type));
    expect(lastMessage(a)).toBe('MSG00014');
  });

  test('S15 cancels it, with SCH-6 as the cancelation reason', async () => {
    const ack = await client.send(sample('SIU-S15-01.hl7'));
    expect(ack).toMatchObject({ code: 'AA', controlId: 'MSG00015', messageType: 'ACK^S15^ACK' });
    const a = await one();
    expect(a).toMatchObject({ status: 'cancelled', cancelationReason: { coding: [{ code: 'Add' }] } });
    expect(lastMessage(a)).toBe('MSG00015');
    // One Patient, Practitioner, Device, two rooms, for the whole exchange.
    for (const [type, n] of [
      ['Patient', 1],
      ['Practitioner', 1],
      ['Device', 1],
      ['Location', 2],
    ] as const) {
      expect(
        (await t.store.search(type, new URLSearchParams({ _tag: `${SOURCE_TAG.system}|hl7v2` }))).matches,
      ).toHaveLength(n);
    }
  });

  test('ADT samples get AR "unsupported message type" and changes nothing', async () => {
    const before = await rowCounts(t.db);
    const ack = await client.send(sample('ADT-A01-01.hl7'));
    expect(ack).toMatchObject({ code: 'AR', controlId: 'MSG00001', errorCode: '200', messageType: 'ACK^A01^ACK' });
    expect(ack.errorText).toMatch(/^Unsupported message type/);
    // A v2.3 file that starts with a byte-order mark: read, and answered in v2.3's layout (MSA-3, ERR-1).
    const old = await client.send(sample('ADT01-23.hl7'));
    expect(old).toMatchObject({ code: 'AR', controlId: '599102', messageType: 'ACK^A01^ACK' });
    expect(old.msaText).toMatch(/^Unsupported message type/);
    expect(old.raw).toContain('ERR|MSH^1^9^200&Unsupported message type&HL70357');
    expect(await rowCounts(t.db)).toEqual(before);
  });

  test('one log line per message, with type, control id and outcome, and no PHI', () => {
    const lines = log.lines.filter((l) => l.msg === 'hl7v2 message');
    expect(lines.map((l) => l.obj)).toEqual([
      { messageType: 'SIU^S12', controlId: 'MSG00012', ack: 'AA', result: 'applied' },
      { messageType: 'SIU^S12', controlId: 'MSG00012', ack: 'AA', result: 'repeat' },
      { messageType: 'SIU^S13', controlId: 'MSG00013', ack: 'AA', result: 'applied' },
      { messageType: 'SIU^S14', controlId: 'MSG00014', ack: 'AA', result: 'applied' },
      { messageType: 'SIU^S15', controlId: 'MSG00015', ack: 'AA', result: 'applied' },
      expect.objectContaining({ messageType: 'ADT^A01', controlId: 'MSG00001', ack: 'AR', errorCode: 200 }),
      expect.objectContaining({ messageType: 'ADT^A01', controlId: '599102', ack: 'AR', errorCode: 200 }),
    ]);
    expect(JSON.stringify(log.lines)).not.toMatch(/EVERYMAN|PATID1234|123456789|19880818|ADAM/);
  });
});
