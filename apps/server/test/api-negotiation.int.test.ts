import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestApp, type TestApp } from './harness.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('FHIR JSON only', () => {
  test.each([
    ['Accept: application/fhir+xml', { accept: 'application/fhir+xml' }, '', 'Accept'],
    ['Accept: text/html', { accept: 'text/html' }, '', 'Accept'],
    ['_format=xml', {}, '?_format=xml', '_format'],
  ])('%s is 406 naming %s', async (_name, headers, query, expression) => {
    const res = await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient${query}`, headers });
    expect(res.statusCode).toBe(406);
    expect(res.json().issue[0].expression).toEqual([expression]);
  });

  test.each([
    ['application/fhir+json', {}],
    ['application/json', {}],
    ['*/*', {}],
    ['_format=json', { query: '?_format=json' }],
  ])('%s is served', async (accept, { query = '' }: { query?: string }) => {
    const res = await t.app.inject({ method: 'GET', url: `/fhir/R4/Patient${query}`, headers: { accept } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  });
});

describe('conditional read', () => {
  test('If-None-Match with the current ETag is 304; after an update it is 200 with the new version', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      payload: { resourceType: 'Patient', gender: 'other' },
    });
    const { id } = created.json();
    const etag = created.headers.etag as string;
    expect(etag).toBe('W/"1"');
    const unchanged = await t.app.inject({
      method: 'GET',
      url: `/fhir/R4/Patient/${id}`,
      headers: { 'if-none-match': etag },
    });
    expect(unchanged.statusCode).toBe(304);
    expect(unchanged.body).toBe('');
    await t.app.inject({
      method: 'PUT',
      url: `/fhir/R4/Patient/${id}`,
      payload: { resourceType: 'Patient', id, gender: 'female' },
    });
    const changed = await t.app.inject({
      method: 'GET',
      url: `/fhir/R4/Patient/${id}`,
      headers: { 'if-none-match': etag },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).toBe('W/"2"');
  });

  test('If-Modified-Since after the last update is 304, before it 200', async () => {
    const created = await t.app.inject({
      method: 'POST',
      url: '/fhir/R4/Patient',
      payload: { resourceType: 'Patient' },
    });
    const { id, meta } = created.json();
    const later = new Date(Date.parse(meta.lastUpdated) + 60_000).toUTCString();
    const earlier = new Date(Date.parse(meta.lastUpdated) - 60_000).toUTCString();
    const notModified = await t.app.inject({
      method: 'GET',
      url: `/fhir/R4/Patient/${id}`,
      headers: { 'if-modified-since': later },
    });
    expect(notModified.statusCode).toBe(304);
    const modified = await t.app.inject({
      method: 'GET',
      url: `/fhir/R4/Patient/${id}`,
      headers: { 'if-modified-since': earlier },
    });
    expect(modified.statusCode).toBe(200);
  });
});
