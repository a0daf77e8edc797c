import { describe, expect, test } from 'vitest';
import { mayOpen, navigationFor } from './navigation.ts';

describe('navigation', () => {
  test('each role sees its own screens, in menu order', () => {
    expect(navigationFor(['care-coordinator']).map((s) => s.label)).toEqual([
      'worklist',
      'patients',
      'referrals',
      'calendar',
    ]);
    expect(navigationFor(['supervisor']).map((s) => s.label)).toEqual([
      'worklist',
      'patients',
      'referrals',
      'calendar',
      'caseload',
      'adminBreakGlass',
    ]);
    expect(navigationFor(['administrator']).map((s) => s.path)).toEqual([
      '/administration/users',
      '/administration/audit',
      '/administration/break-glass',
    ]);
    expect(navigationFor(['patient'])).toEqual([]);
  });

  test.each([
    ['/patients/7/book', ['care-coordinator'], true],
    ['/schedule', ['clinician'], true],
    ['/caseload', ['care-coordinator'], false],
    ['/caseload', ['care-coordinator', 'supervisor'], true],
    ['/administration/audit', ['supervisor'], false],
    ['/administration/break-glass', ['supervisor'], true],
    ['/patients-archive', ['care-coordinator'], false],
    ['/administration/audit?agent=x', ['administrator'], true],
    ['/worklist', ['administrator'], false],
    ['/patients/7', ['patient'], false],
  ])('%s for %j: %s', (path, roles, may) => {
    expect(mayOpen(path, roles)).toBe(may);
  });
});
