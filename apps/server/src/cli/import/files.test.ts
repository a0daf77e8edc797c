import { describe, expect, test } from 'vitest';
import { classify } from './files.ts';

describe('which files an import reads', () => {
  test.each([
    ['Patient.ndjson', { kind: 'ndjson', gzip: false }],
    ['Observation-2.ndjson', { kind: 'ndjson', gzip: false }],
    ['Observation.000.ndjson.gz', { kind: 'ndjson', gzip: true }],
    ['MedicationRequest.jsonl', { kind: 'ndjson', gzip: false }],
    ['transaction-bundle.json', { kind: 'json', gzip: false }],
    ['log.ndjson', 'NDJSON file name does not start with a resource type'],
    ['OperationOutcome.ndjson', 'NDJSON file name does not start with a resource type'],
    ['PatientList.ndjson', 'NDJSON file name does not start with a resource type'],
    ['bundle.json.gz', 'not an .ndjson or .json file'],
    ['notes.txt', 'not an .ndjson or .json file'],
    ['.Patient.ndjson', 'hidden file'],
  ])('%s', (name, expected) => {
    expect(classify(name)).toEqual(expected);
  });
});
