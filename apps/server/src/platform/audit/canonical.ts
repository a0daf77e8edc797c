import { createHash } from 'node:crypto';

/** A JSON value as stored in jsonb (what a FHIR resource is made of). */
type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };

/**
 * The one serialization the audit chain hashes: JSON with object keys sorted by UTF-16 code units (the ordering of
 * RFC 8785, JCS), no insignificant whitespace, `undefined` members dropped, numbers and strings as `JSON.stringify`
 * writes them. jsonb keeps neither key order nor whitespace, so the hash must not depend on them; it does keep string
 * content and numeric value, which this form preserves.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('canonicalJson: non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, Json | undefined>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: cannot serialize a ${typeof value}`);
}

/** The chain's first `prev_hash`: 32 zero bytes. */
export const genesisHash: Uint8Array = new Uint8Array(32);

/**
 * hash(n) = SHA-256(hash(n-1) ‖ seq as 8 bytes big-endian ‖ UTF-8 canonical JSON of the event). The sequence number is
 * hashed so a record moved to another position fails even if its content is otherwise unchanged.
 */
export function chainHash(prevHash: Uint8Array, seq: number, event: unknown): Uint8Array {
  const seqBytes = Buffer.alloc(8);
  seqBytes.writeBigUInt64BE(BigInt(seq));
  return new Uint8Array(createHash('sha256').update(prevHash).update(seqBytes).update(canonicalJson(event)).digest());
}

/** Byte-wise equality of two hashes. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Lower-case hex, for printing a head hash. */
export const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
