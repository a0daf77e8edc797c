import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

/** CareLoop's own key for calling other FHIR servers as a SMART Backend Services client (private_key_jwt, ES384). */
export type OutboundKey = Readonly<{ privateKey: CryptoKey; publicJwk: JWK; kid: string }>;

const ALG = 'ES384';

async function fromJwk(jwk: JWK): Promise<OutboundKey> {
  const kid = jwk.kid ?? 'careloop-1';
  const privateKey = (await importJWK({ ...jwk, alg: ALG }, ALG)) as CryptoKey;
  const { d: _private, ...publicJwk } = jwk;
  return { privateKey, publicJwk: { ...publicJwk, alg: ALG, kid, use: 'sig' }, kid };
}

/**
 * The outbound signing key: `OUTBOUND_PRIVATE_JWK` (a private EC P-384 JWK, set identically on every replica), else
 * `outbound-key.jwk` created once beside the data directory (mode 600), as the MFA and link keys are. Its public half
 * is what another server registers for this CareLoop (served at /.well-known/jwks.json).
 */
export async function outboundKeyOf(
  config: Readonly<{ outboundPrivateJwk?: string | undefined; dataDir: string }>,
): Promise<OutboundKey> {
  if (config.outboundPrivateJwk) return fromJwk(JSON.parse(config.outboundPrivateJwk) as JWK);
  const file = join(dirname(config.dataDir), 'outbound-key.jwk');
  if (existsSync(file)) return fromJwk(JSON.parse(readFileSync(file, 'utf8')) as JWK);
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `careloop-${Date.now().toString(36)}` };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(jwk), { mode: 0o600 });
  chmodSync(file, 0o600);
  return fromJwk(jwk);
}
