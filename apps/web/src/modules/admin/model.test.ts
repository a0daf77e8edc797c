import { describe, expect, test } from 'vitest';
import {
  type AdminUser,
  agentOf,
  auditPath,
  auditRows,
  disclosuresPath,
  filtersFrom,
  grantAudit,
  instant,
  mfaState,
  newUserBody,
  pageOf,
  paramsFor,
} from './model.ts';

const user = (over: Partial<AdminUser> = {}): AdminUser => ({
  username: 'clinician',
  displayName: null,
  fhirReference: 'Practitioner/pcp',
  roles: ['clinician'],
  active: true,
  mfaEnrolled: false,
  mfaRequired: true,
  ...over,
});

describe('accounts', () => {
  test.each([
    ['staff who enrolled', user({ mfaEnrolled: true }), 'enrolled'],
    ['staff who have not yet', user(), 'pending'],
    ['a patient', user({ roles: ['patient'], mfaRequired: false }), 'notRequired'],
  ] as const)('the authenticator of %s: %s', (_name, u, state) => {
    expect(mfaState(u)).toBe(state);
  });

  test('the audit trail files a linked user under their record, an unlinked one under the user name', () => {
    expect(agentOf(user())).toBe('Practitioner/pcp');
    expect(agentOf(user({ username: 'admin', fhirReference: null }))).toBe('admin');
  });

  test('a new account leaves out the empty optional fields and trims the rest (the password as typed)', () => {
    expect(
      newUserBody({
        username: ' new-nurse ',
        roles: ['clinician', 'supervisor'],
        displayName: ' Ana Ruiz ',
        email: '',
        fhirReference: '  ',
        password: ' a pass phrase ',
      }),
    ).toEqual({
      username: 'new-nurse',
      roles: ['clinician', 'supervisor'],
      displayName: 'Ana Ruiz',
      password: ' a pass phrase ',
    });
    expect(
      newUserBody({ username: 'x', roles: ['patient'], displayName: '', email: '', fhirReference: '', password: '' }),
    ).toEqual({ username: 'x', roles: ['patient'] });
  });
});

describe('the audit search', () => {
  test('filters and page survive the address: unknown actions and empty values dropped, bad offsets are 0', () => {
    const filters = {
      agent: 'Practitioner/pcp',
      patient: 'demo-pat-000007',
      action: 'R',
      from: '2026-06-01T09:00',
    } as const;
    const params = paramsFor(filters, 50);
    expect(params.toString()).toBe(
      'agent=Practitioner%2Fpcp&patient=demo-pat-000007&action=R&from=2026-06-01T09%3A00&offset=50',
    );
    expect(filtersFrom(params)).toEqual({ filters, offset: 50 });
    expect(filtersFrom(new URLSearchParams('action=X&subtype=&offset=-3&patient=%20'))).toEqual({
      filters: {},
      offset: 0,
    });
    expect(filtersFrom(new URLSearchParams('offset=later')).offset).toBe(0);
  });

  test('a local date-time becomes the instant it names; nonsense becomes nothing', () => {
    const at = instant('2026-06-01T09:30');
    const back = new Date(at ?? '');
    expect([back.getFullYear(), back.getMonth(), back.getDate(), back.getHours(), back.getMinutes()]).toEqual([
      2026, 5, 1, 9, 30,
    ]);
    expect(at).toMatch(/Z$/);
    expect(instant('not a date')).toBeUndefined();
    expect(instant(undefined)).toBeUndefined();
  });

  test('the API query: a bare patient id becomes a reference, times instants, always newest first and paged', () => {
    const path = auditPath(
      { agent: 'Practitioner/pcp', patient: 'p1', action: 'R', subtype: '110127', from: '2026-06-01T09:30' },
      25,
      25,
    );
    const [base, query] = path.split('?');
    expect(base).toBe('/admin/audit');
    const q = new URLSearchParams(query);
    expect(Object.fromEntries(q)).toEqual({
      agent: 'Practitioner/pcp',
      patient: 'Patient/p1',
      action: 'R',
      subtype: '110127',
      from: instant('2026-06-01T09:30'),
      sort: 'desc',
      _count: '25',
      _offset: '25',
    });
    expect(
      new URLSearchParams(auditPath({ patient: 'Patient/p1', to: 'garbage' }, 0).split('?')[1]).get('patient'),
    ).toBe('Patient/p1');
    expect(auditPath({}, 0)).toBe('/admin/audit?sort=desc&_count=25&_offset=0');
  });

  test.each([
    ['the first of several pages', 0, 25, 60, { first: 1, last: 25, newer: undefined, older: 25 }],
    ['a middle page', 25, 25, 60, { first: 26, last: 50, newer: 0, older: 50 }],
    ['the last, short page', 50, 10, 60, { first: 51, last: 60, newer: 25, older: undefined }],
    ['the only page', 0, 3, 3, { first: 1, last: 3, newer: undefined, older: undefined }],
    ['nothing found', 0, 0, 0, { first: 0, last: 0, newer: undefined, older: undefined }],
    ['past the end (an old address)', 100, 0, 60, { first: 0, last: 0, newer: 75, older: undefined }],
  ])('paging: %s', (_name, offset, shown, total, expected) => {
    expect(pageOf(offset, shown, total)).toEqual(expected);
  });

  test('an AuditEvent as a row: the requestor, the action and kind in words, patients apart from (and not among) other entities', () => {
    const [read, glass, odd] = auditRows({
      total: 3,
      entry: [
        {
          resource: {
            id: '42',
            action: 'R',
            recorded: '2026-06-01T12:00:00.000Z',
            outcome: '0',
            subtype: [{ code: 'read' }],
            agent: [
              { who: { display: 'other' } },
              { who: { reference: 'Practitioner/pcp', display: 'clinician' }, requestor: true },
            ],
            entity: [
              { what: { reference: 'Patient/p1' }, role: { code: '1' } },
              { what: { reference: 'Patient/p1' }, role: { code: '4' } },
              { what: { reference: 'Observation/o1' }, role: { code: '4' } },
            ],
          },
        },
        {
          resource: {
            id: '43',
            action: 'E',
            outcome: '4',
            outcomeDesc: 'refused',
            subtype: [{ code: '110127' }],
            purposeOfEvent: [{ coding: [{ code: 'ETREAT' }] }],
            agent: [{ who: { display: 'clinician' }, requestor: true }],
          },
        },
        { resource: { action: 'X', outcome: '99', subtype: [{ code: 'operation', display: '$everything' }] } },
        {},
      ],
    });
    expect(read).toEqual({
      id: '42',
      recorded: '2026-06-01T12:00:00.000Z',
      who: 'clinician',
      whoReference: 'Practitioner/pcp',
      action: 'R',
      subtype: 'read',
      detail: undefined,
      patients: ['Patient/p1'],
      entities: ['Observation/o1'],
      outcome: 'success',
      outcomeDesc: undefined,
      emergency: false,
    });
    expect(glass).toMatchObject({ subtype: 'break-the-glass', outcome: 'minor', emergency: true, patients: [] });
    expect(odd).toMatchObject({ id: 'row-2', action: undefined, subtype: 'operation', detail: '$everything' });
    expect(odd?.outcome).toBe('unknown');
    expect(auditRows({ entry: [{ resource: { subtype: [{ code: 'something-new' }] } }] })[0]).toMatchObject({
      subtype: undefined,
      detail: 'something-new',
    });
  });

  test('a grant links to the audit search of that patient, by that user, from its opening minute', () => {
    const grantedAt = '2026-06-01T12:34:56.000Z';
    const grant = {
      id: 'g1',
      username: 'CLINICIAN',
      patient: 'Patient/p9',
      reason: 'unconscious in the ED',
      grantedAt,
      expiresAt: '2026-06-01T13:04:56.000Z',
      reviewedAt: null,
      reviewNote: null,
    };
    const filters = grantAudit(grant, [user()]);
    expect(filters).toMatchObject({ patient: 'p9', agent: 'Practitioner/pcp' });
    const from = Date.parse(instant(filters.from) ?? '');
    expect(from).toBeLessThanOrEqual(Date.parse(grantedAt));
    expect(Date.parse(grantedAt) - from).toBeLessThan(60_000);
    expect(grantAudit(grant, [])).not.toHaveProperty('agent');
  });

  test("a patient's accounting of disclosures: the searched patient and period, none without a patient", () => {
    expect(disclosuresPath({ agent: 'Practitioner/pcp' })).toBeUndefined();
    const path = disclosuresPath({ patient: 'Patient/demo-pat-000007', from: '2026-06-01T09:30', to: 'garbage' });
    const [base, query] = (path ?? '').split('?');
    expect(base).toBe('/admin/audit/disclosures');
    const q = new URLSearchParams(query);
    expect(q.get('patient')).toBe('demo-pat-000007');
    expect(q.get('from')).toBe(new Date('2026-06-01T09:30').toISOString());
    expect(q.has('to')).toBe(false);
  });
});
