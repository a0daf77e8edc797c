import { describe, expect, test } from 'vitest';
import { buildAck, readHeader, V2Error } from './ack.ts';
import { mshSegment } from './hl7v2.fixture.ts';

const now = '20260601120000+0000';
const header = (version: string, extra: Record<number, string> = {}) =>
  readHeader(
    mshSegment({
      2: '^~\\&',
      3: 'SCHApp',
      4: 'GHHSFacility^2.16.840.1.122848.1.30^ISO',
      5: 'EHRApp^1.Aux^ISO',
      6: 'GHHRFacility',
      7: '202109141120+0215',
      9: 'SIU^S12^SIU_S12',
      10: 'MSG00012',
      11: 'T',
      12: version,
      ...extra,
    }),
  );

describe('buildAck (HL7 v2.8 §2.9.2 original-mode acknowledgement)', () => {
  test('AA: sender and receiver swapped, ACK^<trigger>^ACK, same processing id and version, MSA-2 = MSH-10', () => {
    const ack = buildAck({ header: header('2.8'), code: 'AA', controlId: 'A1', now });
    expect(ack.split('\r')).toEqual([
      'MSH|^~\\&|EHRApp^1.Aux^ISO|GHHRFacility|SCHApp|GHHSFacility^2.16.840.1.122848.1.30^ISO|20260601120000+0000||ACK^S12^ACK|A1|T|2.8',
      'MSA|AA|MSG00012',
      '',
    ]);
  });

  test('AE in v2.5+: ERR-2 location, ERR-3 table 0357 code, ERR-4 severity, ERR-8 text; no MSA-3 from v2.7', () => {
    const error = new V2Error('AE', 102, 'TQ1-7 has no UTC offset', { segment: 'TQ1', field: 7 });
    const [, msa, err] = buildAck({ header: header('2.8'), code: 'AE', error, controlId: 'A2', now }).split('\r');
    expect(msa).toBe('MSA|AE|MSG00012');
    expect(err).toBe('ERR||TQ1^1^7|102^Data type error^HL70357|E||||TQ1-7 has no UTC offset');
  });

  test('AE in v2.5 and v2.6 also carries the text in MSA-3; a component goes into ERR-2.5', () => {
    const error = new V2Error('AE', 102, 'SCH-11.4 is wrong', { segment: 'SCH', field: 11, component: 4 });
    const [, msa, err] = buildAck({ header: header('2.5.1'), code: 'AE', error, controlId: 'A3', now }).split('\r');
    expect(msa).toBe('MSA|AE|MSG00012|SCH-11.4 is wrong');
    expect(err).toBe('ERR||SCH^1^11^1^4|102^Data type error^HL70357|E||||SCH-11.4 is wrong');
  });

  test('AR in v2.3: ERR-1 (ELD) with the code as subcomponents, MSA-3 text', () => {
    const error = new V2Error('AR', 200, 'Unsupported message type', { segment: 'MSH', field: 9 });
    const [msh, msa, err] = buildAck({ header: header('2.3'), code: 'AR', error, controlId: 'A4', now }).split('\r');
    expect(msh).toContain('|ACK^S12^ACK|A4|T|2.3');
    expect(msa).toBe('MSA|AR|MSG00012|Unsupported message type');
    expect(err).toBe('ERR|MSH^1^9^200&Unsupported message type&HL70357');
  });

  test('our texts are escaped with the message delimiters (§2.7.4)', () => {
    const error = new V2Error('AE', 207, 'a|b^c&d~e\\f');
    const err = buildAck({ header: header('2.8'), code: 'AE', error, controlId: 'A5', now }).split('\r')[2];
    expect(err).toBe('ERR|||207^Application internal error^HL70357|E||||a\\F\\b\\S\\c\\T\\d\\R\\e\\E\\f');
  });

  test('MSH-18 (character set) is echoed so the sender decodes the ACK as it encoded the message', () => {
    const ack = buildAck({ header: header('2.8', { 18: 'UNICODE UTF-8' }), code: 'AA', controlId: 'A6', now });
    expect(ack.split('\r')[0]?.split('|')[17]).toBe('UNICODE UTF-8');
  });

  test('without a readable MSH: AR with empty routing and MSA-2, in the default layout', () => {
    const error = new V2Error('AR', 100, 'Not an HL7 v2 message');
    const ack = buildAck({ header: readHeader('garbage'), code: 'AR', error, controlId: 'A7', now });
    expect(ack.split('\r')).toEqual([
      'MSH|^~\\&|||||20260601120000+0000||ACK|A7|P|2.5.1',
      'MSA|AR||Not an HL7 v2 message',
      'ERR|||100^Segment sequence error^HL70357|E||||Not an HL7 v2 message',
      '',
    ]);
  });
});

describe('readHeader', () => {
  test.each([
    ['MSH|^~\\&|A', true],
    ['MSH#^~\\&#A', true],
    ['MSH|^~\\', false],
    ['MSH|^^\\&|A', false],
    ['MSHX^~\\&|A', false],
    ['PID|1', false],
    ['', false],
  ])('%s → %s', (text, ok) => {
    expect(readHeader(text) !== undefined).toBe(ok);
  });
});
