import { randomUUID } from 'node:crypto';
import { type CryptoKey, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedClock } from '../src/platform/clock.ts';
import { accessWorld } from './access-world.ts';
import { createTestApp, type TestApp } from './harness.ts';
import { type Browser, person, signIn } from './people.ts';

// SMART Backend Services with real signed assertions (RS384 and ES384): discovery, the token endpoint's checks, and
// scope enforcement in the store for the token it issues.
const clock = fixedClock('2026-06-01T12:00:00Z');
const base = 'http://careloop.test';
const tokenUrl = `${base}/auth/token`;
let t: TestApp;
let admin: Browser;
const keys: Record<string, { privateKey: CryptoKey; jwk: JWK }> = {};

beforeAll(async () => {
  t = await createTestApp({ clock });
  await t.store.putMany(accessWorld());
  for (const alg of ['RS384', 'ES384'] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
    keys[alg] = { privateKey, jwk: { ...(await exportJWK(publicKey)), kid: `${alg}-1`, alg } };
  }
  await person(t, clock, { username: 'adm', roles: ['administrator'] });
  admin = await signIn(t.anonymous, clock, 'adm');
  for (const name of ['lab-interface', 'es-interface']) {
    expect(
      (await admin.request('POST', '/admin/users', { username: name, roles: ['integration-client'] })).statusCode,
    ).toBe(201);
  }
  const register = (name: string, key: JWK) =>
    admin.request('PUT', `/admin/users/${name}/client`, {
      jwks: { keys: [key] },
      scopes: ['system/Observation.rs', 'system/Patient.r'],
    });
  expect((await register('lab-interface', (keys.RS384 as { jwk: JWK }).jwk)).statusCode).toBe(200);
  expect((await register('es-interface', (keys.ES384 as { jwk: JWK }).jwk)).statusCode).toBe(200);
});
afterAll(() => t?.close());

async function assertion(
  client: string,
  alg: 'RS384' | 'ES384',
  overrides: { aud?: string; expIn?: number; jti?: string; iss?: string } = {},
) {
  const now = Math.floor(clock.now().epochMilliseconds / 1000);
  const key = keys[alg] as { privateKey: CryptoKey };
  return new SignJWT({})
    .setProtectedHeader({ alg, kid: `${alg}-1`, typ: 'JWT' })
    .setIssuer(overrides.iss ?? client)
    .setSubject(client)
    .setAudience(overrides.aud ?? tokenUrl)
    .setExpirationTime(now + (overrides.expIn ?? 240))
    .setJti(overrides.jti ?? randomUUID())
    .sign(key.privateKey);
}

const requestToken = (jwt: string, scope = 'system/Observation.rs') =>
  t.anonymous({
    method: 'POST',
    url: '/auth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
      scope,
    }).toString(),
  });

describe('SMART Backend Services', () => {
  test('discovery names the token endpoint, private_key_jwt and the algorithms', async () => {
    for (const url of ['/.well-known/smart-configuration', '/fhir/R4/.well-known/smart-configuration']) {
      const res = await t.anonymous({ url });
      expect(res.json()).toMatchObject({
        token_endpoint: tokenUrl,
        token_endpoint_auth_methods_supported: ['private_key_jwt'],
        token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
        grant_types_supported: ['client_credentials'],
      });
    }
  });

  test.each(['RS384', 'ES384'] as const)(
    'a %s assertion gets a 5-minute token that the store holds to its scopes',
    async (alg) => {
      const client = alg === 'RS384' ? 'lab-interface' : 'es-interface';
      const res = await requestToken(await assertion(client, alg), 'system/Observation.rs system/Patient.r');
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      const { access_token: token, expires_in, scope, token_type } = res.json();
      expect({ expires_in, scope, token_type }).toEqual({
        expires_in: 300,
        scope: 'system/Observation.rs system/Patient.r',
        token_type: 'bearer',
      });
      const as = (method: 'GET' | 'POST', url: string, body?: unknown) =>
        t.anonymous({
          method,
          url,
          headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/fhir+json' } : {}) },
          ...(body ? { payload: JSON.stringify(body) } : {}),
        });
      expect((await as('GET', '/fhir/R4/Observation?patient=foreign')).json().total).toBe(1);
      expect((await as('GET', '/fhir/R4/Patient/own')).statusCode).toBe(200);
      // r without s: reading is allowed, searching is not; writing is not.
      expect((await as('GET', '/fhir/R4/Patient?_id=own')).statusCode).toBe(403);
      expect(
        (
          await as('POST', '/fhir/R4/Observation', {
            resourceType: 'Observation',
            status: 'final',
            code: { text: 'x' },
          })
        ).statusCode,
      ).toBe(403);
      expect((await as('GET', '/fhir/R4/Encounter')).statusCode).toBe(403);
      clock.advance({ seconds: 301 });
      expect((await as('GET', '/fhir/R4/Observation?patient=foreign')).statusCode).toBe(401);
    },
  );

  test('replayed, expired, far-future, wrongly addressed, forged or unknown assertions are invalid_client (401)', async () => {
    const reused = await assertion('lab-interface', 'RS384', { jti: 'once' });
    expect((await requestToken(reused)).statusCode).toBe(200);
    const cases = [
      reused,
      await assertion('lab-interface', 'RS384', { expIn: -120 }),
      await assertion('lab-interface', 'RS384', { expIn: 3600 }),
      await assertion('lab-interface', 'RS384', { aud: 'https://elsewhere.example/token' }),
      // Signed with the ES key, but lab-interface registered only its RS key.
      await assertion('lab-interface', 'ES384'),
      await assertion('nobody', 'RS384'),
      await assertion('lab-interface', 'RS384', { iss: 'es-interface' }),
      'not.a.jwt',
    ];
    for (const [i, jwt] of cases.entries()) {
      const res = await requestToken(jwt);
      expect(res.statusCode, `case ${i}: ${res.body}`).toBe(401);
      expect(res.json().error).toBe('invalid_client');
    }
  });

  test('scopes beyond the registration are invalid_scope; other grants are unsupported', async () => {
    const res = await requestToken(await assertion('lab-interface', 'RS384'), 'system/Observation.cruds');
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toBe('invalid_scope');
    const grant = await t.anonymous({
      method: 'POST',
      url: '/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'grant_type=password&username=a&password=b',
    });
    expect(grant.json().error).toBe('unsupported_grant_type');
  });

  test('registration refuses private keys and non-system scopes, naming the field', async () => {
    const priv = await exportJWK((keys.RS384 as { privateKey: CryptoKey }).privateKey);
    const withPrivate = await admin.request('PUT', '/admin/users/lab-interface/client', {
      jwks: { keys: [priv] },
      scopes: ['system/Patient.rs'],
    });
    expect(withPrivate.statusCode).toBe(400);
    expect(withPrivate.json().issue[0].expression).toEqual(['jwks']);
    const userScope = await admin.request('PUT', '/admin/users/lab-interface/client', {
      jwks: { keys: [(keys.RS384 as { jwk: JWK }).jwk] },
      scopes: ['user/Patient.rs'],
    });
    expect(userScope.json().issue[0].expression).toEqual(['scopes']);
  });
});
