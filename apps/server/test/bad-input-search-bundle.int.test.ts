import type { Bundle, Patient } from '@medplum/fhirtypes';
import { describe, expect, test } from 'vitest';
import { useBadInputFixture } from './bad-input-fixture.ts';
import { expectOutcome, expressions } from './builders.ts';

// Bad search parameters and bad Bundle entries: every one gets a 4xx OperationOutcome, and the database is exactly as it was before it.
const fx = useBadInputFixture();
const { rejected, json } = fx;
describe('bad search parameters', () => {
  test.each([
    ['Patient?birthdate=notadate', 'birthdate'],
    ['Patient?birthdate=2026-13-01', 'birthdate'],
    ['Patient?birthdate=xx2026', 'birthdate'],
    ['Patient?_lastUpdated=yesterday', '_lastUpdated'],
    ['Patient?_lastUpdated:exact=2026', '_lastUpdated:exact'],
    ['RiskAssessment?probability=abc', 'probability'],
    ['RiskAssessment?probability=gt', 'probability'],
    ['RiskAssessment?probability=1..2', 'probability'],
    ['Observation?value-quantity=lots|http://unitsofmeasure.org|mg', 'value-quantity'],
    ['Patient?nonsense=1', 'nonsense'],
    ['Patient?name:fuzzy=x', 'name:fuzzy'],
    ['Patient?gender:contains=x', 'gender:contains'],
    ['Patient?active:missing=maybe', 'active:missing'],
    ['Patient?_count=abc', '_count'],
    ['Patient?_count=-1', '_count'],
    ['Patient?_offset=1.5', '_offset'],
    ['Patient?_sort=nonsense', '_sort'],
    ['Patient?_summary=maybe', '_summary'],
    ['Patient?_total=some', '_total'],
    ['Observation?subject:Nonsense=1', 'subject:Nonsense'],
    ['Observation?subject:Patient.nonsense=1', 'subject:Patient.nonsense'],
    ['Observation?code.name=x', 'code.name'],
    ['Patient?_has:Observation:nonsense:code=1', '_has:Observation:nonsense:code'],
    ['Patient?_has:Nonsense:subject:code=1', '_has:Nonsense:subject:code'],
    ['?_type=Nonsense', '_type'],
    ['Patient?name=a%00b', 'name'],
    ['Patient?_id=%00', '_id'],
    ['Patient?identifier=%00|x', 'identifier'],
    ['Patient?_id.name=x', '_id.name'],
  ])('%s is 400 naming %s', async (query, expression) => {
    const outcome = await rejected('GET', query, 400);
    expect(expressions(outcome)).toContain(expression);
  });

  test('an unknown parameter is ignored with Prefer: handling=lenient, and only then', async () => {
    const strict = await fx.fhir.get('Patient?nonsense=1&name=existing');
    expect(strict.status).toBe(400);
    const lenient = await fx.fhir.get<Bundle>('Patient?nonsense=1&name=existing', { prefer: 'handling=lenient' });
    expect(lenient.status).toBe(200);
    expect(lenient.body.entry?.map((e) => e.resource?.id)).toEqual([fx.existing.id]);
    // Lenient handling ignores unknown names, not malformed values of known ones.
    expectOutcome(await fx.fhir.get('Patient?birthdate=notadate', { prefer: 'handling=lenient' }), 400);
  });

  test.each([
    '_include=Observation:nonsense',
    '_include=Nonsense:subject',
    '_include=Observation:subject:Nonsense',
    '_include=Observation:status',
    '_include=Observation',
    '_revinclude=Observation:nonsense',
    '_revinclude=Nonsense:subject',
    '_include:iterate=Observation:nonsense',
  ])('unknown include target %s is 400', async (param) => {
    const outcome = await rejected('GET', `Observation?${param}`, 400);
    expect(expressions(outcome).some((e) => e.startsWith('_include') || e.startsWith('_revinclude'))).toBe(true);
  });

  test('a bad If-None-Exist condition is 400 and creates nothing', async () => {
    const body = JSON.stringify({ resourceType: 'Patient' });
    // Result parameters alone select nothing, so they would match every resource: refused too.
    for (const condition of [
      'identifier=a%00b',
      'nonsense=1',
      'birthdate=notadate',
      '_id.x=1',
      '_count=5',
      '_sort=_id',
    ]) {
      await rejected('POST', 'Patient', 400, body, { ...json, 'if-none-exist': condition });
    }
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=%00' },
          resource: { resourceType: 'Patient' },
        },
      ],
    };
    const outcome = await rejected('POST', '', 400, JSON.stringify(bundle), json);
    expect(expressions(outcome)).toContain('Bundle.entry[0].request.ifNoneExist');
  });

  test('bad values in a POST _search form body are 400 too', async () => {
    await rejected('POST', 'Patient/_search', 400, 'birthdate=notadate', {
      'content-type': 'application/x-www-form-urlencoded',
    });
  });
});

describe('transactions with a bad entry', () => {
  const good = (family: string) => ({
    request: { method: 'POST', url: 'Patient' },
    resource: { resourceType: 'Patient', name: [{ family }] },
  });

  test('an invalid resource in entry 2 is 400 pointing at Bundle.entry[2] and nothing is written', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        good('TxGood1'),
        good('TxGood2'),
        { request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient', birthDate: 'bad' } },
      ],
    };
    const outcome = await rejected('POST', '', 400, JSON.stringify(bundle), json);
    expect(expressions(outcome)).toContain('Bundle.entry[2].resource.birthDate');
    expect((await fx.fhir.search('Patient?family=TxGood')).total).toBe(0);
  });

  test.each([
    [
      'an invalid PUT',
      {
        request: { method: 'PUT', url: 'Patient/tx-bad' },
        resource: { resourceType: 'Patient', id: 'tx-bad', gender: 'dragon', active: 'no' },
      },
      'Bundle.entry[1].resource.active',
    ],
    [
      'a PUT with If-Match',
      {
        request: { method: 'PUT', url: 'Patient/tx-bad2', ifMatch: 'W/"1"' },
        resource: { resourceType: 'Patient', id: 'tx-bad2', active: 'no' },
      },
      'Bundle.entry[1].resource.active',
    ],
    ['an unknown method', { request: { method: 'HEAD', url: 'Patient' } }, 'Bundle.entry[1].request.method'],
    [
      'a missing url',
      { request: { method: 'POST' }, resource: { resourceType: 'Patient' } },
      'Bundle.entry[1].request.url',
    ],
    [
      'an unknown type',
      { request: { method: 'POST', url: 'Nonsense' }, resource: { resourceType: 'Nonsense' } },
      'Bundle.entry[1].request.url',
    ],
    [
      'a type mismatch',
      { request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Observation' } },
      'Bundle.entry[1].resource.resourceType',
    ],
    [
      'a PUT id mismatch',
      { request: { method: 'PUT', url: 'Patient/a' }, resource: { resourceType: 'Patient', id: 'b' } },
      'Bundle.entry[1].resource.id',
    ],
    [
      'a dangling urn:uuid',
      {
        request: { method: 'POST', url: 'Patient' },
        resource: { resourceType: 'Patient', link: [{ type: 'seealso', other: { reference: 'urn:uuid:nowhere' } }] },
      },
      'Bundle.entry[1].resource',
    ],
    ['a POST without a resource', { request: { method: 'POST', url: 'Patient' } }, 'Bundle.entry[1].resource'],
  ])('%s fails the transaction, pointing at its entry', async (_name, bad, expression) => {
    const bundle = { resourceType: 'Bundle', type: 'transaction', entry: [good('TxGood3'), bad, good('TxGood4')] };
    const outcome = await rejected('POST', '', 400, JSON.stringify(bundle), json);
    expect(
      expressions(outcome).some((e) => e.startsWith(expression)),
      JSON.stringify(outcome),
    ).toBe(true);
  });

  test('a PATCH entry that makes the resource invalid points at its entry', async () => {
    const patch = Buffer.from(JSON.stringify([{ op: 'replace', path: '/birthDate', value: 'bad' }])).toString('base64');
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        good('TxGood5'),
        {
          request: { method: 'PATCH', url: `Patient/${fx.existing.id}` },
          resource: { resourceType: 'Binary', contentType: 'application/json-patch+json', data: patch },
        },
      ],
    };
    const outcome = await rejected('POST', '', 400, JSON.stringify(bundle), json);
    expect(
      expressions(outcome).every((e) => e.startsWith('Bundle.entry[1]')),
      JSON.stringify(outcome),
    ).toBe(true);
    expect((await fx.fhir.get<Patient>(`Patient/${fx.existing.id}`)).body.birthDate).toBe('1980-01-01');
  });

  test('a Bundle that is not a batch or transaction, or has no entry array, is 400', async () => {
    await rejected(
      'POST',
      '',
      400,
      JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry: [good('X')] }),
      json,
    );
    await rejected(
      'POST',
      '',
      400,
      JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: { oops: 1 } }),
      json,
    );
    await rejected('POST', '', 400, JSON.stringify({ resourceType: 'Patient' }), json);
    await rejected(
      'POST',
      '',
      400,
      JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [null] }),
      json,
    );
  });
});
