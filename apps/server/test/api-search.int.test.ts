import { describe, expect, test } from 'vitest';
import { expectOutcome } from './builders.ts';
import { useSearchFixture } from './search-fixture.ts';

const fx = useSearchFixture();
const { found, stamp } = fx;

describe('string', () => {
  test.each([
    ['Patient?name=mul', ['A', 'B', 'C', 'F']],
    ['Patient?name=MÜLLER', ['A', 'B', 'F']],
    ['Patient?name=muller', ['A', 'B', 'F']],
    ['Patient?name:exact=Müller', ['A']],
    ['Patient?name:exact=müller', []],
    ['Patient?name:contains=LLER', ['A', 'B', 'F']],
    ['Patient?name:contains=ell', ['F']],
    ['Patient?family=smi', ['E']],
    ['Patient?given=anna', ['A']],
    ['Patient?name=anna,eve', ['A', 'E']],
    ['Patient?name=mul&gender=male', ['B', 'C']],
    ['Patient?address-city=zur', ['A']],
    ['Patient?name=%25', []],
    ['Patient?name:contains=_', []],
  ])('%s', async (query, expected) => {
    expect(await found(query)).toEqual(expected);
  });
});

describe('token', () => {
  test.each([
    ['Patient?identifier=urn:mrn|A1', ['A']],
    ['Patient?identifier=urn:mrn|', ['A', 'B']],
    ['Patient?identifier=|C3', ['C']],
    ['Patient?identifier=|A1', []],
    ['Patient?identifier=B2', ['B']],
    ['Patient?identifier=urn:other|B2', ['B']],
    ['Patient?gender=male', ['B', 'C']],
    ['Patient?gender=male,female', ['A', 'B', 'C', 'D']],
    ['Patient?gender:not=male', ['A', 'D', 'E', 'F']],
    ['Patient?active=true', ['A']],
    ['Patient?active=false', ['B']],
    ['Observation?code=http://loinc.org|2345-7', ['q1']],
    ['Observation?code=|2345-7', ['q2']],
    ['Observation?code=2345-7', ['q1', 'q2', 'q3']],
    ['Observation?code=urn:local|', ['q3']],
    ['Observation?code:text=blood', ['o1']],
    ['Observation?code:text=pressure', []],
    ['Patient?marital-status=M', []],
  ] as const)('%s', async (query, expected) => {
    if (query.includes('marital-status')) {
      // Not an R4 Patient search parameter: rejected, not silently ignored.
      expectOutcome(await fx.fhir.get(query), 400);
      return;
    }
    expect(await found(query)).toEqual(expected);
  });
});

describe(':missing, _id and _lastUpdated', () => {
  test.each([
    ['Patient?active:missing=true', ['C', 'D', 'E', 'F']],
    ['Patient?active:missing=false', ['A', 'B']],
    ['Patient?birthdate:missing=true', ['F']],
    ['Patient?identifier:missing=true', ['D', 'E', 'F']],
    ['Observation?subject:missing=true', ['q4']],
    ['Patient?_id={A},{C}', ['A', 'C']],
    ['Patient?_id={A}&_id={C}', []],
    ['Patient?_id={o1}', []],
    ['Patient?_id:not={A}&gender=male,female', ['B', 'C', 'D']],
  ])('%s', async (query, expected) => {
    expect(await found(query)).toEqual(expected);
  });

  test('_lastUpdated with prefixes over known write times', async () => {
    const at = (n: string) => encodeURIComponent(stamp.get(n) as string);
    expect(await found(`Patient?_lastUpdated=ge${at('C')}&_lastUpdated=lt${at('E')}`)).toEqual(['C', 'D']);
    expect(await found(`Patient?_lastUpdated=gt${at('D')}`)).toEqual(['E', 'F']);
    expect(await found(`Patient?_lastUpdated=le${at('B')}`)).toEqual(['A', 'B']);
    expect(await found(`Patient?_lastUpdated=${at('D')}`)).toEqual(['D']);
    expect(await found(`Patient?_lastUpdated=eb${at('B')}`)).toEqual(['A']);
    expect(await found('Patient?_lastUpdated=2026-05-01')).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(await found('Patient?_lastUpdated=lt2026-05-01')).toEqual([]);
  });
});

describe('date', () => {
  // Targets: A 1990-01-01, B 1995-06-15, C 2000-12-31, D 2001 (a whole year), E 2010-03-04, F none.
  test.each([
    ['birthdate=1995', ['B']],
    ['birthdate=eq1995-06-15', ['B']],
    ['birthdate=ne1995-06-15', ['A', 'C', 'D', 'E']],
    ['birthdate=gt2000-12-31', ['D', 'E']],
    ['birthdate=lt1995-06-15', ['A']],
    ['birthdate=ge2000-12-31', ['C', 'D', 'E']],
    ['birthdate=le1995-06-15', ['A', 'B']],
    ['birthdate=sa2000', ['D', 'E']],
    ['birthdate=eb2001', ['A', 'B', 'C']],
    ['birthdate=eq2001', ['D']],
    ['birthdate=eq2001-06', []],
    ['birthdate=ge2001-06', ['D', 'E']],
    ['birthdate=lt2001-06', ['A', 'B', 'C', 'D']],
    ['birthdate=sa2001-06', ['E']],
    ['birthdate=eb2001-06', ['A', 'B', 'C']],
    ['birthdate=ap2001-06', ['D']],
    ['birthdate=ge1995&birthdate=lt2001', ['B', 'C']],
    ['birthdate=1990,2010', ['A', 'E']],
    ['birthdate=2000-12-31T12:00:00Z', []],
    ['birthdate=ge2000-12-31T12:00:00Z', ['C', 'D', 'E']],
  ])('Patient?%s', async (query, expected) => {
    expect(await found(`Patient?${query}`)).toEqual(expected);
  });

  // o1 2026-03-10T23:30-05:00 (= 2026-03-11T04:30Z), o2 the period 2026-03-01..05, o3 2026-03-11T10:00Z.
  test.each([
    ['date=2026-03-11', ['o1', 'o3']],
    ['date=2026-03-10', []],
    ['date=2026-03', ['o1', 'o2', 'o3']],
    ['date=eq2026-03-03', []],
    ['date=ap2026-03-03', ['o2']],
    ['date=sa2026-03-05', ['o1', 'o3']],
    ['date=eb2026-03-06', ['o2']],
    [`date=gt${encodeURIComponent('2026-03-11T04:30:00Z')}`, ['o3']],
    [`date=ge${encodeURIComponent('2026-03-11T04:30:00Z')}`, ['o1', 'o3']],
    [`date=${encodeURIComponent('2026-03-10T23:30:00-05:00')}`, ['o1']],
    // 05:00+01:00 is 04:00Z, before o1's 04:30Z; read without its zone it would include o1.
    [`date=lt${encodeURIComponent('2026-03-11T05:00:00+01:00')}`, ['o2']],
    [`date=lt${encodeURIComponent('2026-03-11T05:00:00-01:00')}`, ['o1', 'o2']],
  ])('Observation?%s', async (query, expected) => {
    expect(await found(`Observation?${query}`)).toEqual(expected);
  });
});
