import { describe, expect, test } from 'vitest';
import { buildApp } from '../src/app.ts';
import { systemClock } from '../src/platform/clock.ts';
import { outboundKeyOf } from '../src/platform/fhir-client/index.ts';
import { useBadInputFixture } from './bad-input-fixture.ts';
import { expectOutcome, expressions, fhirClient, rowCounts } from './builders.ts';
import { testMfaKey } from './harness.ts';

// Every bad request gets a 4xx OperationOutcome, and the database is exactly as it was before it.
const fx = useBadInputFixture();
const { rejected, json } = fx;
describe('malformed bodies', () => {
  test.each([
    ['truncated JSON', '{"resourceType":"Patient",'],
    ['not JSON at all', 'hello'],
    ['a JSON array', '[{"resourceType":"Patient"}]'],
    ['JSON null', 'null'],
    ['a JSON string', '"Patient"'],
    ['an empty body', ''],
    ['trailing garbage', '{"resourceType":"Patient"} x'],
    ['a lone surrogate escape', '{"resourceType":"Patient","name":[{"family":"\\ud800"}]}'],
  ])('POST with %s is 400', async (_name, payload) => {
    await rejected('POST', 'Patient', 400, payload, json);
    await rejected('PUT', `Patient/${fx.existing.id}`, 400, payload, json);
  });

  test.each([
    ['text/plain', '{"resourceType":"Patient"}'],
    ['application/xml', '<Patient xmlns="http://hl7.org/fhir"/>'],
    ['application/fhir+xml', '<Patient xmlns="http://hl7.org/fhir"/>'],
    ['application/x-www-form-urlencoded', 'resourceType=Patient'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('a %s body is 415', async (contentType, payload) => {
    await rejected('POST', 'Patient', 415, payload, { 'content-type': contentType });
    await rejected('PUT', `Patient/${fx.existing.id}`, 415, payload, { 'content-type': contentType });
    await rejected('POST', '', 415, payload, { 'content-type': contentType });
  });

  test('a body nested thousands of levels deep is 400, not a crash', async () => {
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    await rejected('POST', 'Patient', 400, `{"resourceType":"Patient","extension":${deep}}`, json);
    const objects = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
    await rejected('POST', 'Patient', 400, `{"resourceType":"Patient","name":[${objects}]}`, json);
  });
});

describe('wrong resource or id', () => {
  test('unknown resource types are 404', async () => {
    await rejected('POST', 'Nonsense', 404, '{"resourceType":"Nonsense"}', json);
    await rejected('PUT', 'Nonsense/1', 404, '{"resourceType":"Nonsense","id":"1"}', json);
    await rejected('GET', 'Nonsense', 404);
    await rejected('GET', 'Nonsense/1', 404);
    await rejected('DELETE', 'Nonsense/1', 404);
    await rejected('GET', 'patient/1', 404);
  });

  test('ids that cannot exist (NUL, symbols, too long) are 404 on read, not a database error', async () => {
    for (const id of ['%00', 'a%00b', 'bad$id', 'x'.repeat(65), '%F0%9F%98%80']) {
      await rejected('GET', `Patient/${id}`, 404);
      await rejected('GET', `Patient/${id}/_history/1`, 404);
      await rejected('GET', `Patient/${id}/_history`, 404);
      await rejected('GET', `Patient/${id}/Observation`, 404);
      await rejected('PATCH', `Patient/${id}`, 404, '[]', { 'content-type': 'application/json-patch+json' });
      const before = await rowCounts(fx.t.db);
      expect((await fx.fhir.del(`Patient/${id}`)).status).toBe(204);
      expect(await rowCounts(fx.t.db)).toEqual(before);
    }
  });

  test('an id in the body that differs from the URL is 400 naming the id', async () => {
    const outcome = await rejected(
      'PUT',
      `Patient/${fx.existing.id}`,
      400,
      JSON.stringify({ ...fx.existing, id: 'other' }),
      json,
    );
    expect(expressions(outcome)).toContain('Patient.id');
    const missing = await rejected('PUT', 'Patient/some-id', 400, JSON.stringify({ resourceType: 'Patient' }), json);
    expect(expressions(missing)).toContain('Patient.id');
    await rejected('PUT', 'Patient/bad$id', 400, JSON.stringify({ resourceType: 'Patient', id: 'bad$id' }), json);
    await rejected(
      'PUT',
      `Patient/${'x'.repeat(65)}`,
      400,
      JSON.stringify({ resourceType: 'Patient', id: 'x'.repeat(65) }),
      json,
    );
  });

  test('a body whose resourceType is not the URL type is 400', async () => {
    const outcome = await rejected(
      'POST',
      'Patient',
      400,
      JSON.stringify({ resourceType: 'Observation', status: 'final', code: { text: 'x' } }),
      json,
    );
    expect(expressions(outcome)).toContain('resourceType');
    await rejected('POST', 'Patient', 400, JSON.stringify({ name: [{ family: 'NoType' }] }), json);
  });
});

describe('invalid resources name the element', () => {
  test.each([
    [{ birthDate: 'not-a-date' }, 'Patient.birthDate'],
    [{ birthDate: '2026-02-30' }, 'Patient.birthDate'],
    [{ active: 'yes' }, 'Patient.active'],
    [{ gender: 42 }, 'Patient.gender'],
    [{ name: 'Smith' }, 'Patient.name'],
    [{ name: [{ family: ['Smith'] }] }, 'Patient.name'],
    [{ name: [{ family: 'a\u0000b' }] }, 'Patient.name'],
    [{ name: [{ family: '\ud800' }] }, 'Patient.name[0].family'],
    [{ unknownElement: 1 }, 'Patient.unknownElement'],
    [{ managingOrganization: { reference: 'not a reference' } }, 'Patient.managingOrganization.reference'],
  ])('%j → %s', async (fields, expression) => {
    const outcome = await rejected(
      'POST',
      'Patient',
      400,
      JSON.stringify({ resourceType: 'Patient', ...fields }),
      json,
    );
    expect(
      expressions(outcome).some((e) => e.startsWith(expression)),
      JSON.stringify(outcome),
    ).toBe(true);
    await rejected('PUT', `Patient/${fx.existing.id}`, 400, JSON.stringify({ ...fx.existing, ...fields }), json);
  });

  test('a missing required element is 400 naming it', async () => {
    const outcome = await rejected(
      'POST',
      'Observation',
      400,
      JSON.stringify({ resourceType: 'Observation', code: { text: 'x' } }),
      json,
    );
    expect(expressions(outcome).some((e) => e.startsWith('Observation.status'))).toBe(true);
  });

  test('a contained resource of an unknown type, or with a non-string resourceType, is 400', async () => {
    for (const contained of [
      { resourceType: 'Nonsense', id: 'a' },
      { resourceType: { system: [] }, id: 'a' },
    ]) {
      const body = { resourceType: 'Patient', contained: [contained], generalPractitioner: [{ reference: '#a' }] };
      const outcome = await rejected('POST', 'Patient', 400, JSON.stringify(body), json);
      expect(JSON.stringify(outcome)).toContain('Unknown data type');
    }
  });
});

describe('body size limit', () => {
  test('a body over bodyLimitBytes is 413 and nothing is written', async () => {
    // A second app with a small limit over the same database (a second fresh database would only cost time).
    const small = await buildApp({
      config: { ...fx.t.config, bodyLimitBytes: 10_000 },
      db: fx.t.db,
      store: fx.t.store,
      clock: systemClock,
      mfaKey: Buffer.from(testMfaKey, 'base64'),
      outboundKey: await outboundKeyOf(fx.t.config),
    });
    try {
      const client = fhirClient(small, { authorization: `Bearer ${fx.t.token}` });
      const start = await rowCounts(fx.t.db);
      const big = JSON.stringify({ resourceType: 'Patient', name: [{ family: 'x'.repeat(20_000) }] });
      expectOutcome(await client.request('POST', 'Patient', big, json), 413);
      expectOutcome(await client.request('PUT', 'Patient/big', big, json), 413);
      const bundle = JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: Array(500).fill({ request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient' } }),
      });
      expectOutcome(await client.request('POST', '', bundle, json), 413);
      expect(await rowCounts(fx.t.db)).toEqual(start);
      // Just under the limit still works.
      const fits = await client.request(
        'POST',
        'Patient',
        JSON.stringify({ resourceType: 'Patient', name: [{ family: 'y'.repeat(9_000) }] }),
        json,
      );
      expect(fits.status).toBe(201);
    } finally {
      await small.close();
    }
  });
});
