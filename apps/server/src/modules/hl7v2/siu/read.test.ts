import { Hl7Message } from '@medplum/core';
import { describe, expect, test } from 'vitest';
import { V2Error } from '../ack.ts';
import { mshSegment, segment, siu } from '../hl7v2.fixture.ts';
import { readSiu, type SiuEvent } from './read.ts';

const sender = 'urn:careloop:hl7v2:TestSched:TestClinic';
const read = (text: string, event: SiuEvent = 'S12') => readSiu(Hl7Message.parse(text), event);

/** The V2Error reading `text` throws (its field and text), or a failure when none. */
function refusal(text: string, event: SiuEvent = 'S12'): { at: string; code: number; message: string } {
  try {
    read(text, event);
  } catch (e) {
    if (!(e instanceof V2Error)) throw e;
    const at = e.at ? `${e.at.segment}-${e.at.field ?? ''}${e.at.component ? `.${e.at.component}` : ''}` : '';
    return { at, code: e.code, message: e.message };
  }
  throw new Error('expected a V2Error');
}

/** `siu()` with segment `name` replaced by `replacement` (or removed when it is empty). */
const replace = (text: string, name: string, replacement: string) =>
  text
    .split('\r')
    .map((s) => (s.startsWith(`${name}|`) ? replacement : s))
    .filter(Boolean)
    .join('\r');

describe('reading a SIU', () => {
  test('a whole message: ids, status, times, service, type, participants', () => {
    const b = read(siu());
    expect(b).toMatchObject({
      event: 'S12',
      sender,
      controlId: 'CTL-S12',
      sent: '2026-05-20T12:00:00+02:00',
      status: 'booked',
      start: '2026-06-01T09:00:00+02:00',
      end: '2026-06-01T09:30:00+02:00',
      serviceType: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '99213', display: 'Office visit' }] }],
      appointmentType: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: 'FOLLOWUP' }] },
      cancelationReason: undefined,
    });
    expect(b.identifiers).toEqual([
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] },
        system: `${sender}:placer`,
        value: 'PL-1',
      },
      {
        type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'FILL' }] },
        system: `${sender}:filler`,
        value: 'FL-1',
      },
    ]);
    expect(b.patients).toEqual([
      {
        identifiers: [
          {
            type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] },
            system: 'urn:careloop:hl7v2:assigner:TESTMRN',
            value: 'MRN-1',
          },
        ],
        names: [{ family: 'Testperson', given: ['Alex'] }],
        birthDate: '1980-01-01',
        gender: 'female',
      },
    ]);
    expect(b.practitioners).toMatchObject([
      { identifier: { system: `${sender}:practitioner`, value: 'P100' }, name: { family: 'Doctor', given: ['Dana'] } },
    ]);
    expect(b.locations).toMatchObject([
      { identifier: { system: `${sender}:location`, value: 'CLINIC^ROOM1^^TESTFAC' }, display: 'TESTFAC CLINIC ROOM1' },
    ]);
    expect(b.devices).toMatchObject([
      { identifier: { system: `${sender}:device`, value: 'EQ-7' }, display: 'Ultrasound' },
    ]);
  });

  test.each([
    ['Booked', 'booked'],
    ['Overbook', 'booked'],
    ['Pending', 'pending'],
    ['Waitlist', 'waitlist'],
    ['Started', 'arrived'],
    ['Complete', 'fulfilled'],
    ['Cancelled', 'cancelled'],
    ['Deleted', 'cancelled'],
    ['Noshow', 'noshow'],
    ['', undefined],
  ])('SCH-25 %s → status %s', (code, status) => {
    expect(read(siu({ status: code })).status).toBe(status);
  });

  test('S15 is a cancellation whatever SCH-25 says; SCH-6 becomes the cancelation reason', () => {
    const text = replace(
      siu({ event: 'S15', status: 'Booked' }),
      'SCH',
      segment('SCH', { 1: 'PL-1', 6: 'PAT^Patient request^L' }),
    );
    const b = read(text, 'S15');
    expect(b.status).toBe('cancelled');
    expect(b.cancelationReason).toEqual({
      coding: [{ system: `${sender}:cs:L`, code: 'PAT', display: 'Patient request' }],
      text: 'Patient request',
    });
  });

  test('times: TQ1 first, then SCH-11 (v2.3–2.4), then AIS-4 plus AIS-7/8', () => {
    const noTq1 = siu({ omit: ['TQ1'] });
    const withSch11 = replace(
      noTq1,
      'SCH',
      segment('SCH', { 1: 'PL-1', 11: '^^^20260601080000-0500^20260601084500-0500' }),
    );
    expect(read(withSch11)).toMatchObject({ start: '2026-06-01T08:00:00-05:00', end: '2026-06-01T08:45:00-05:00' });
    // AIS-4 09:00+02:00, AIS-7/8 30 min.
    expect(read(noTq1)).toMatchObject({ start: '2026-06-01T09:00:00+02:00', end: '2026-06-01T09:30:00+02:00' });
    const hours = replace(
      noTq1,
      'AIS',
      segment('AIS', { 1: '1', 4: '20260601090000+0200', 7: '2', 8: 'h^hours^ISO+' }),
    );
    expect(read(hours).end).toBe('2026-06-01T11:00:00+02:00');
    const tq1StartOnly = replace(siu(), 'TQ1', segment('TQ1', { 7: '20260601100000+0200' }));
    expect(read(tq1StartOnly)).toMatchObject({ start: '2026-06-01T10:00:00+02:00', end: '2026-06-01T10:30:00+02:00' });
  });

  test('a cancelled appointment may come without a time', () => {
    const text = siu({ event: 'S15', omit: ['TQ1', 'AIS'] });
    const b = read(text, 'S15');
    expect([b.status, b.start, b.end]).toEqual(['cancelled', undefined, undefined]);
  });

  test.each([
    ['no SCH', 'SCH-', 100, siu({ omit: ['SCH'] })],
    ['no PID', 'PID-', 100, siu({ omit: ['PID'] })],
    ['no appointment id', 'SCH-2', 101, siu({ placer: '', filler: '' })],
    ['an unknown filler status', 'SCH-25', 103, siu({ status: 'Blocked' })],
    ['a start without offset', 'TQ1-7', 102, siu({ start: '20260601090000' })],
    ['an end without offset', 'TQ1-8', 102, siu({ end: '20260601093000' })],
    ['an end before the start', 'TQ1-8', 102, siu({ end: '20260601080000+0200' })],
    ['no time at all', 'TQ1-7', 101, siu({ omit: ['TQ1', 'AIS'] })],
    ['no patient id', 'PID-3', 101, replace(siu(), 'PID', segment('PID', { 1: '1', 5: 'Testperson^Alex' }))],
    ['a bad birth date', 'PID-7', 102, replace(siu(), 'PID', segment('PID', { 3: 'M1^^^A', 7: '19801332' }))],
    ['a practitioner without id', 'AIP-3.1', 101, replace(siu(), 'AIP', segment('AIP', { 1: '1', 3: '^Doctor^Dana' }))],
    [
      'a bad duration unit',
      'AIS-8',
      102,
      replace(siu({ omit: ['TQ1'] }), 'AIS', segment('AIS', { 4: '20260601090000+0200', 7: '3', 8: 'fortnights' })),
    ],
  ])('%s → AE naming %s (table 0357 code %s), no value in the text', (_name, at, code, text) => {
    const r = refusal(text);
    expect(r.at).toBe(at);
    expect(r.code).toBe(code);
    expect(r.message).not.toMatch(/Testperson|Alex|MRN-1|2026060/);
  });

  test('assigning authorities become systems: ISO OIDs, known national ids, namespaces, else the sender', () => {
    const pid = segment('PID', {
      3: 'A1^^^&1.2.3.4&ISO^MR~123456789^^^USSSA^SS~N1^^^HOSP^MR~L1',
    });
    const systems = read(replace(siu(), 'PID', pid)).patients[0]?.identifiers.map((i) => `${i.system}|${i.value}`);
    expect(systems).toEqual([
      'http://hl7.org/fhir/sid/us-ssn|123456789',
      `${sender}:patient|L1`,
      'urn:careloop:hl7v2:assigner:HOSP|N1',
      'urn:oid:1.2.3.4|A1',
    ]);
  });

  test('escape sequences are resolved; deleted resources (AIx-2 D) and non-equipment AIG are left out', () => {
    const text = [
      siu({ omit: ['AIP', 'AIG'] }),
      segment('AIP', { 1: '1', 2: 'D', 3: 'P1^Gone^Dr' }),
      segment('AIP', { 1: '2', 3: 'P2^O\\S\\Neil^Pat' }),
      segment('AIG', { 1: '1', 3: 'NURSE-1^Nurse', 4: 'STAFF^Staff^L' }),
    ].join('\r');
    const b = read(text);
    expect(b.practitioners.map((p) => p.name?.family)).toEqual(['O^Neil']);
    expect(b.devices).toEqual([]);
  });

  test('the sender names the systems: MSH-3 and MSH-4 (first components), URI-encoded', () => {
    const msh = mshSegment({ 2: '^~\\&', 3: 'Sched App', 4: 'North|Wing^1.2^ISO', 9: 'SIU^S12', 10: 'X', 12: '2.5' });
    const text = replace(siu(), 'MSH', msh.replace('North|Wing', 'North\\F\\Wing'));
    expect(read(text).sender).toBe('urn:careloop:hl7v2:Sched%20App:North%7CWing');
  });
});
