import { describe, expect, test } from 'vitest';
import { OutcomeError } from '../../platform/errors.ts';
import { parseInstant, parseKickoff } from './request.ts';

const async = 'respond-async';
const kickoff = (query: string, prefer = async, level: 'system' | 'patient' | 'group' = 'system') =>
  parseKickoff(level, new URLSearchParams(query), prefer, `http://x/fhir/R4/$export?${query}`);

function refusal(fn: () => unknown): { status: number; expression: string | undefined } {
  try {
    fn();
  } catch (e) {
    if (e instanceof OutcomeError) return { status: e.status, expression: e.outcome.issue?.[0]?.expression?.[0] };
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('$export kick-off parameters', () => {
  test('_type (comma-separated or repeated) and _since are read; _since is normalized to UTC', () => {
    expect(kickoff('_type=Patient,Observation&_type=Encounter&_since=2025-03-01T10:00:00%2B02:00')).toEqual({
      level: 'system',
      types: ['Patient', 'Observation', 'Encounter'],
      since: '2025-03-01T08:00:00Z',
      url: 'http://x/fhir/R4/$export?_type=Patient,Observation&_type=Encounter&_since=2025-03-01T10:00:00%2B02:00',
    });
  });

  test.each([
    ['no Prefer: respond-async', '', 'respond-sync', 'Prefer'],
    ['an unknown _type', '_type=Patient,Spaceship', async, '_type'],
    ['a _since that is a date, not an instant', '_since=2025-03-01', async, '_since'],
    ['a _since without a time zone', '_since=2025-03-01T10:00:00', async, '_since'],
    ['a _since on the 31st of February', '_since=2025-02-31T10:00:00Z', async, '_since'],
    ['an output format other than NDJSON', '_outputFormat=text/csv', async, '_outputFormat'],
    ['_typeFilter, which CareLoop does not support', '_typeFilter=Observation%3Fstatus%3Dfinal', async, '_typeFilter'],
  ])('refuses %s with 400', (_name, query, prefer, expression) => {
    expect(refusal(() => kickoff(query, prefer))).toEqual({ status: 400, expression });
  });

  test('unsupported parameters are ignored under Prefer: handling=lenient', () => {
    expect(kickoff('_typeFilter=x', 'respond-async, handling=lenient').types).toBeUndefined();
  });

  test('a patient-level export only takes Patient-compartment types', () => {
    expect(kickoff('_type=Observation,Patient', async, 'patient').types).toEqual(['Observation', 'Patient']);
    expect(refusal(() => kickoff('_type=Organization', async, 'patient'))).toEqual({
      status: 400,
      expression: '_type',
    });
  });

  test('parseInstant keeps fractional seconds', () => {
    expect(parseInstant('2025-01-31T23:59:59.250-05:00', '_since')).toBe('2025-02-01T04:59:59.25Z');
  });
});
