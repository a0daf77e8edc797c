import { describe, expect, test } from 'vitest';
import { findQuery, proposals } from './model.ts';

describe('proposals', () => {
  test('the practitioner (primary performer), the site, an interpreter and the reasons of each proposal', () => {
    const list = proposals({
      entry: [
        {
          resource: {
            resourceType: 'Appointment',
            start: '2026-12-10T15:00:00Z',
            participant: [
              { actor: { reference: 'Patient/p' }, required: 'required' },
              { actor: { reference: 'Practitioner/dr' }, type: [{ coding: [{ code: 'PPRF' }] }] },
              { actor: { reference: 'Practitioner/int' }, type: [{ coding: [{ code: 'translator' }] }] },
              { actor: { reference: 'Location/room' } },
              { actor: { reference: 'Location/site', display: 'Heights Clinic' }, required: 'information-only' },
            ],
          },
          search: { score: 42, extension: [{ valueString: 'soonest (+40)' }, { valueString: 'seen before (+2)' }] },
        },
        { resource: { resourceType: 'Appointment', participant: [] } },
      ],
    });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      start: '2026-12-10T15:00:00Z',
      practitioner: 'Practitioner/dr',
      site: 'Heights Clinic',
      interpreter: true,
      score: 42,
      reasons: ['soonest (+40)', 'seen before (+2)'],
    });
  });
});

describe('findQuery', () => {
  test('service, patient, windows, network and video as $find parameters', () => {
    const q = new URLSearchParams(
      findQuery({
        service: 's1',
        patient: 'p1',
        windows: ['weekends', 'weekday-mornings'],
        inNetwork: true,
        virtual: false,
      }),
    );
    expect(q.get('service')).toBe('HealthcareService/s1');
    expect(q.get('patient')).toBe('Patient/p1');
    expect(q.getAll('window')).toEqual(['weekends', 'weekday-mornings']);
    expect(q.get('in-network')).toBe('true');
    expect(q.has('virtual')).toBe(false);
    expect(q.get('_count')).toBe('10');
  });
});
