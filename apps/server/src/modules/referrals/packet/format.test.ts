import type { CodeableConcept, ContactPoint, Quantity } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import {
  addressText,
  conceptText,
  dateText,
  decimalText,
  identifierText,
  notesText,
  periodText,
  preferredName,
  quantityText,
  rangeText,
  statusText,
  telecomRows,
} from './format.ts';

describe('conceptText', () => {
  test.each<[string, CodeableConcept | undefined, string | undefined]>([
    ['text first', { text: 'Chest pain', coding: [{ display: 'Chest pain (finding)' }] }, 'Chest pain'],
    ['else the first coding display', { coding: [{ code: 'x' }, { code: 'y', display: 'Why' }] }, 'Why'],
    ['else code with a known system', { coding: [{ system: 'http://loinc.org', code: '8480-6' }] }, '8480-6 (LOINC)'],
    [
      'else code with its system URI',
      { coding: [{ system: 'http://x.org/cs', code: 'ent' }] },
      'ent (http://x.org/cs)',
    ],
    ['a bare code', { coding: [{ code: 'ent' }] }, 'ent'],
    ['blank text is no text', { text: '  ', coding: [{ display: 'Shown' }] }, 'Shown'],
    ['empty', {}, undefined],
    ['missing', undefined, undefined],
  ])('%s', (_name, concept, expected) => {
    expect(conceptText(concept)).toBe(expected);
  });

  test('a status concept prints its code as a word, not with the system URI', () => {
    const clinical = {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    };
    expect(statusText(clinical)).toBe('Active');
    expect(statusText({ coding: [{ code: 'unable-to-assess' }] })).toBe('Unable to assess');
  });
});

describe('dateText keeps the time in the offset it was given', () => {
  test.each<[string | undefined, string | undefined]>([
    ['2026-03-02', '2026-03-02'],
    ['2019-05', '2019-05'],
    ['2019', '2019'],
    ['2026-03-02T09:15:00-06:00', '2026-03-02 09:15 -06:00'],
    ['2026-03-08T02:30:00+05:30', '2026-03-08 02:30 +05:30'],
    ['2011-10-14T23:37:54.530+00:00', '2011-10-14 23:37 +00:00'],
    ['2017-02-01T17:23:07Z', '2017-02-01 17:23 UTC'],
    ['not a date', 'not a date'],
    ['', undefined],
    [undefined, undefined],
  ])('%s → %s', (value, expected) => {
    expect(dateText(value)).toBe(expected);
  });

  test.each([
    [{ start: '2026-03-03', end: '2026-03-10' }, '2026-03-03 – 2026-03-10'],
    [{ start: '2011-03-17' }, 'from 2011-03-17'],
    [{ end: '2014-03-14' }, 'until 2014-03-14'],
    [{}, undefined],
  ])('period %j', (period, expected) => {
    expect(periodText(period)).toBe(expected);
  });
});

describe('quantities', () => {
  test.each<[string, Quantity | undefined, string | undefined]>([
    ['value and unit', { value: 7.8, unit: '%' }, '7.8 %'],
    ['UCUM code when no unit', { value: 120, code: 'mm[Hg]' }, '120 mm[Hg]'],
    ['comparator', { value: 5.2, comparator: '<', unit: 'mmol/L' }, '< 5.2 mmol/L'],
    ['generator noise rounded', { value: 129.73979437732424, unit: 'mm[Hg]' }, '129.74 mm[Hg]'],
    ['no unit', { value: 3 }, '3'],
    ['no value', { unit: 'mg' }, undefined],
    ['missing', undefined, undefined],
  ])('%s', (_name, q, expected) => {
    expect(quantityText(q)).toBe(expected);
  });

  test.each([
    [0.00123456789, '0.00123'],
    [1.2345, '1.2345'],
    [176.35499866729558, '176.35'],
    [42, '42'],
  ])('decimal %d → %s', (value, expected) => {
    expect(decimalText(value)).toBe(expected);
  });

  test('ranges', () => {
    expect(rangeText({ low: { value: 3.5, unit: 'mmol/L' }, high: { value: 5, unit: 'mmol/L' } })).toBe('3.5–5 mmol/L');
    expect(rangeText({ low: { value: 40, unit: 'mg/dL' } })).toBe('≥ 40 mg/dL');
    expect(rangeText({ high: { value: 200 } })).toBe('≤ 200');
    expect(rangeText({})).toBeUndefined();
  });
});

describe('people and places', () => {
  test('official name, else usual, never an old one', () => {
    expect(
      preferredName([
        { use: 'old', text: 'Maiden Name' },
        { use: 'usual', given: ['Jim'] },
        { use: 'official', prefix: ['Mr'], given: ['Peter', 'James'], family: 'Chalmers' },
      ]),
    ).toBe('Mr Peter James Chalmers');
    expect(preferredName([{ use: 'old', text: 'Gone' }])).toBeUndefined();
    expect(preferredName(undefined)).toBeUndefined();
  });

  test('address text, else its parts', () => {
    expect(addressText({ line: ['1 Main St', 'Apt 2'], city: 'Chicago', state: 'IL', postalCode: '60601' })).toBe(
      '1 Main St, Apt 2, Chicago, IL 60601',
    );
    expect(addressText({ text: '534 Erewhon St', city: 'Ignored' })).toBe('534 Erewhon St');
    expect(addressText({ use: 'home' })).toBeUndefined();
  });

  test('telecom by rank, old and valueless ones left out', () => {
    const telecom: ContactPoint[] = [
      { use: 'home' },
      { system: 'phone', value: '(03) 3410 5613', use: 'mobile', rank: 2 },
      { system: 'phone', value: '(03) 5555 6473', use: 'work', rank: 1 },
      { system: 'phone', value: '(03) 5555 8834', use: 'old' },
      { system: 'email', value: 'a@example.org' },
      { system: 'url', value: 'https://example.org' },
    ];
    expect(telecomRows(telecom)).toEqual([
      { label: 'Work phone', value: '(03) 5555 6473' },
      { label: 'Mobile phone', value: '(03) 3410 5613' },
      { label: 'Email', value: 'a@example.org' },
    ]);
  });

  test('identifier with its assigner, else its system', () => {
    expect(identifierText({ value: '12345', assigner: { display: 'Acme' }, system: 'urn:x' })).toBe('12345 (Acme)');
    expect(identifierText({ value: '12345', system: 'urn:x' })).toBe('12345 (urn:x)');
    expect(identifierText({ system: 'urn:x' })).toBeUndefined();
  });

  test('notes with author and time', () => {
    expect(
      notesText([
        { text: 'Seen twice', authorString: 'Serena Shrink', time: '2014-02-14' },
        { text: 'Plain' },
        { text: ' ' },
      ]),
    ).toEqual(['Seen twice (Serena Shrink, 2014-02-14)', 'Plain']);
  });
});
