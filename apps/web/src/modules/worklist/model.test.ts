import { describe, expect, test } from 'vitest';
import { workItems } from './model.ts';

describe('workItems', () => {
  test('the ranked tasks as the server sends them, with its reasons as they are', () => {
    const items = workItems({
      total: 2,
      entry: [
        {
          resource: {
            id: 't1',
            code: { coding: [{ code: 'call', display: 'Call the patient' }] },
            description: 'After discharge',
            priority: 'urgent',
            status: 'ready',
            restriction: { period: { end: '2026-12-02T10:00:00Z' } },
            for: { reference: 'Patient/p1' },
            owner: { reference: 'Practitioner/me' },
          },
          search: { score: 0.9, extension: [{ valueString: 'Overdue by 2 hours' }, {}] },
        },
        { resource: { id: 't2', status: 'requested' } },
        {},
      ],
    });
    expect(items).toEqual([
      {
        id: 't1',
        type: 'Call the patient',
        description: 'After discharge',
        priority: 'urgent',
        status: 'ready',
        due: '2026-12-02T10:00:00Z',
        patient: 'Patient/p1',
        owner: 'Practitioner/me',
        score: 0.9,
        reasons: ['Overdue by 2 hours'],
      },
      {
        // No code: no type, for the page to say "Task" in the user's language; routine unless said otherwise.
        id: 't2',
        type: undefined,
        description: '',
        priority: 'routine',
        status: 'requested',
        due: undefined,
        patient: undefined,
        owner: undefined,
        score: 0,
        reasons: [],
      },
    ]);
  });
  test('the code text first, then the first coding display, then its code', () => {
    const type = (code: { coding?: { code?: string; display?: string }[]; text?: string }) =>
      workItems({ entry: [{ resource: { id: 't', status: 'ready', code } }] })[0]?.type;
    expect(type({ text: 'Review labs', coding: [{ display: 'Labs' }] })).toBe('Review labs');
    expect(type({ coding: [{ code: 'x', display: 'Labs' }] })).toBe('Labs');
    expect(type({ coding: [{ code: 'x' }] })).toBe('x');
  });

  test("CareLoop's own kind of task is given by its code, for the screen to name in the user's language", () => {
    const [item] = workItems({
      entry: [
        {
          resource: {
            id: 't',
            status: 'ready',
            code: {
              coding: [
                { system: 'http://example.org/other', code: 'x' },
                {
                  system: 'https://careloop.dev/fhir/CodeSystem/task-type',
                  code: 'eligibility-check',
                  display: 'Eligibility check',
                },
              ],
              text: 'Eligibility check',
            },
          },
        },
      ],
    });
    expect(item).toMatchObject({ kind: 'eligibility-check', type: 'Eligibility check' });
    expect(
      workItems({ entry: [{ resource: { id: 'u', status: 'ready', code: { text: 'Call' } } }] })[0]?.kind,
    ).toBeUndefined();
  });
});
