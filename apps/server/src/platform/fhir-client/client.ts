import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { OutboundKey } from './key.ts';

/** A FHIR server CareLoop calls: its base URL, the client id it registered for us, the scopes to ask for. */
export type Remote = Readonly<{ baseUrl: string; clientId: string; scopes: string }>;

export type FhirResponse = Readonly<{ status: number; body: unknown; location: string | undefined }>;

/** A call to another FHIR server failed in transport or authorization; the message names no patient data. */
export class RemoteError extends Error {}

const TIMEOUT_MS = 15_000;
type Cached = { token: string; until: number };

/**
 * A SMART Backend Services client (hl7.org/fhir/smart-app-launch/backend-services.html): discovers the token endpoint
 * from `/.well-known/smart-configuration`, exchanges a signed client assertion (RFC 7523; ES384; exp 4 minutes, a
 * fresh jti) for an access token, keeps it until shortly before it expires, and calls the FHIR API with it.
 */
export function fhirClient(remote: Remote, key: OutboundKey, now: () => number = Date.now) {
  let cached: Cached | undefined;
  const base = remote.baseUrl.replace(/\/$/, '');
  const fetchJson = async (url: string, init: RequestInit) => {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
    const text = await res.text();
    return { res, body: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const token = async (): Promise<string> => {
    if (cached && cached.until > now()) return cached.token;
    const config = (await fetchJson(`${base}/.well-known/smart-configuration`, { method: 'GET' })).body as
      | { token_endpoint?: string }
      | undefined;
    const endpoint = config?.token_endpoint;
    if (!endpoint) throw new RemoteError('the remote server publishes no SMART token endpoint');
    const seconds = Math.floor(now() / 1000);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: key.kid, typ: 'JWT' })
      .setIssuer(remote.clientId)
      .setSubject(remote.clientId)
      .setAudience(endpoint)
      .setExpirationTime(seconds + 240)
      .setJti(randomUUID())
      .sign(key.privateKey);
    const { res, body } = await fetchJson(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: remote.scopes,
      }),
    });
    const granted = body as { access_token?: string; expires_in?: number } | undefined;
    if (!res.ok || !granted?.access_token) throw new RemoteError(`the remote token endpoint answered ${res.status}`);
    cached = { token: granted.access_token, until: now() + Math.max(30, (granted.expires_in ?? 300) - 30) * 1000 };
    return cached.token;
  };
  return {
    /** `method` on `path` (relative to the FHIR base, or an absolute URL on it) with a FHIR JSON body. */
    async request(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<FhirResponse> {
      const url = /^https?:\/\//.test(path) ? path : `${base}/${path.replace(/^\//, '')}`;
      if (!url.startsWith(`${base}/`)) throw new RemoteError('refusing to send credentials to another server');
      const { res, body: answer } = await fetchJson(url, {
        method,
        headers: {
          authorization: `Bearer ${await token()}`,
          accept: 'application/fhir+json',
          ...(body === undefined ? {} : { 'content-type': 'application/fhir+json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: answer, location: res.headers.get('location') ?? undefined };
    },
  };
}
