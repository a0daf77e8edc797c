import { describe, expect, test } from 'vitest';
import { validate } from '../store/validate.ts';
import { buildAuditEvent } from './build-event.ts';
import { columnsOf } from './chain.ts';

describe('buildAuditEvent', () => {
  test('a FHIR read is a valid R4 AuditEvent with who, where from, what, which patient, outcome and when', () => {
    const event = buildAuditEvent({
      action: 'R',
      subtype: 'read',
      outcome: 'success',
      agent: { reference: 'Practitioner/p1', display: 'Dr Who', ip: '10.0.0.7' },
      patients: ['Patient/a'],
      entities: [{ reference: 'Observation/o1' }],
      purposeOfUse: 'TREAT',
      recorded: '2026-11-23T10:00:00.000Z',
    });
    expect(() => validate({ ...event, id: '1' })).not.toThrow();
    expect(event.type.code).toBe('rest');
    expect(event.subtype).toEqual([{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }]);
    expect(event.agent[0]).toMatchObject({
      who: { reference: 'Practitioner/p1' },
      requestor: true,
      network: { address: '10.0.0.7', type: '2' },
    });
    expect(event.entity?.map((e) => [e.what?.reference, e.type?.code, e.role?.code])).toEqual([
      ['Patient/a', '1', '1'],
      ['Observation/o1', 'Observation', '4'],
    ]);
    expect(columnsOf(event)).toEqual({
      recordedMs: Date.parse('2026-11-23T10:00:00.000Z'),
      patientIds: ['Patient/a'],
      agent: 'Practitioner/p1',
      action: 'R',
      subtype: 'read',
      outcome: '0',
    });
  });

  test('a failed sign-in (no user yet) is a valid DICOM User Authentication event with outcome 4', () => {
    const event = buildAuditEvent({
      action: 'E',
      subtype: 'login',
      outcome: 'minor',
      outcomeDesc: 'wrong password',
      agent: { display: 'jdoe', ip: '192.0.2.1' },
      patients: [],
      entities: [],
      recorded: '2026-11-23T10:00:00.000Z',
    });
    expect(() => validate({ ...event, id: '2' })).not.toThrow();
    expect(event.type.code).toBe('110114');
    expect(event.subtype?.[0]?.code).toBe('110122');
    expect(event.outcome).toBe('4');
    expect(event.entity).toBeUndefined();
    expect(columnsOf(event).agent).toBe('jdoe');
  });

  test('break-the-glass carries its purpose of use (ETREAT)', () => {
    const event = buildAuditEvent({
      action: 'E',
      subtype: 'break-the-glass',
      outcome: 'success',
      agent: { reference: 'Practitioner/p1' },
      patients: ['Patient/a'],
      entities: [],
      purposeOfUse: 'ETREAT',
      recorded: '2026-11-23T10:00:00.000Z',
    });
    expect(() => validate({ ...event, id: '3' })).not.toThrow();
    expect(event.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('ETREAT');
  });
});
