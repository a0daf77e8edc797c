import { expect } from 'vitest';
import { type Probe, probe } from './access-probe.ts';
import { pid, type Role } from './access-world.ts';

let accounts = 0;

const isAdmin = (role: Role) => role === 'administrator';
const isStaff = (role: Role) => ['supervisor', 'care-coordinator', 'clinician'].includes(role);

/** Administration: only administrators (or, for break-the-glass, staff) get past the role check. */
export const adminProbes: Record<string, Probe[]> = {
  'GET /admin/audit': [
    probe({
      name: 'audit search by patient',
      type: 'none',
      audited: isAdmin,
      call: (call, which) => call('GET', `/admin/audit?patient=Patient/${pid(which)}&_count=5`),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(isAdmin(role) ? 200 : 403),
      compareForeign: false,
    }),
  ],
  'GET /admin/audit/disclosures': [
    probe({
      name: 'accounting of disclosures',
      type: 'none',
      audited: () => false,
      call: (call, which) => call('GET', `/admin/audit/disclosures?patient=${pid(which)}`),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(isAdmin(role) ? 200 : 403),
      compareForeign: false,
    }),
  ],
  'GET /admin/users': [
    probe({
      name: 'list accounts',
      type: 'none',
      audited: () => false,
      call: (call) => call('GET', '/admin/users'),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(isAdmin(role) ? 200 : 403),
    }),
  ],
  'POST /admin/users': [
    probe({
      name: 'create an account',
      type: 'none',
      audited: isAdmin,
      call: (call, which) =>
        call('POST', '/admin/users', {
          username: `acct-${which}-${++accounts}`,
          roles: ['patient'],
          fhirReference: `Patient/${pid(which)}`,
        }),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(isAdmin(role) ? 201 : 403),
      compareForeign: false,
    }),
  ],
  'PUT /admin/users/:username/roles': [
    probe({
      name: 'assign roles (unknown account)',
      type: 'none',
      audited: () => false,
      call: (call, which) => call('PUT', `/admin/users/nobody-${which}/roles`, { roles: ['clinician'] }),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(isAdmin(role) ? 404 : 403),
    }),
  ],
  'PUT /admin/users/:username/client': [
    probe({
      name: 'register a backend-services client (unknown account)',
      type: 'none',
      audited: () => false,
      call: (call, which) =>
        call('PUT', `/admin/users/nobody-${which}/client`, {
          jwks: { keys: [{ kty: 'EC', crv: 'P-384', x: 'x', y: 'y' }] },
          scopes: ['system/Patient.rs'],
        }),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(isAdmin(role) ? 404 : 403),
    }),
  ],
  'POST /admin/users/:username/deactivate': [
    probe({
      name: 'deactivate (unknown account)',
      type: 'none',
      audited: () => false,
      call: (call, which) => call('POST', `/admin/users/nobody-${which}/deactivate`),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(isAdmin(role) ? 404 : 403),
    }),
  ],
  'POST /admin/users/:username/activate': [
    probe({
      name: 'activate (unknown account)',
      type: 'none',
      audited: () => false,
      call: (call, which) => call('POST', `/admin/users/nobody-${which}/activate`),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(isAdmin(role) ? 404 : 403),
    }),
  ],
  'POST /admin/break-glass': [
    probe({
      name: 'break the glass for a patient',
      type: 'none',
      audited: isStaff,
      call: (call, which) =>
        call('POST', '/admin/break-glass', { patient: pid(which), reason: 'emergency department arrival' }),
      expect: (res, { role }) => expect(res.statusCode, res.body).toBe(isStaff(role) ? 201 : 403),
      compareForeign: false,
    }),
  ],
  'GET /admin/break-glass': [
    probe({
      name: 'list break-the-glass grants for review',
      type: 'none',
      audited: () => false,
      call: (call) => call('GET', '/admin/break-glass?pending=true'),
      expect: (res, { role }) =>
        expect(res.statusCode, res.body).toBe(isAdmin(role) || role === 'supervisor' ? 200 : 403),
    }),
  ],
  'POST /admin/break-glass/:id/review': [
    probe({
      name: 'review a grant (unknown id)',
      type: 'none',
      audited: () => false,
      call: (call) => call('POST', '/admin/break-glass/00000000-0000-4000-8000-000000000000/review', { note: 'ok' }),
      expect: (res, { role }) =>
        expect(res.statusCode, res.body).toBe(isAdmin(role) || role === 'supervisor' ? 404 : 403),
    }),
  ],
};
