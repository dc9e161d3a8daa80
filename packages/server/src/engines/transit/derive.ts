import { hkdfSync, type KeyObject } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import { keyBytes } from './key-material.js';
import { ed25519FromSeed, type KeyVersion } from './key-types.js';

/**
 * Per-context keys for `derived=true` keys: HKDF-SHA256 (RFC 5869) with the version's key as
 * input key material, no salt and the request's `context` as info — Vault's `hkdf_sha256` KDF,
 * so a derived key here equals the one Vault derives from the same material.
 */

/** Node's HKDF refuses longer `info` (OpenSSL's limit); Vault has none, so we say so plainly. */
const MAX_CONTEXT_BYTES = 1024;

function hkdf(ikm: Buffer, context: Buffer, length: number): Buffer {
  if (context.length > MAX_CONTEXT_BYTES) {
    throw invalidRequest(`\`context\` must be at most ${MAX_CONTEXT_BYTES} bytes`);
  }
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), context, length));
}

/** The symmetric key of a version, derived for `context` when the key is derived. Never write into it. */
export function symmetricKey(version: KeyVersion, context: Buffer | undefined): Buffer {
  const key = keyBytes(version);
  return context === undefined ? key : hkdf(key, context, key.length);
}

/** A derived Ed25519 signing key: HKDF over Go's 64-byte private key gives the new seed. */
export function deriveEd25519(version: KeyVersion, context: Buffer): KeyObject {
  return ed25519FromSeed(hkdf(keyBytes(version), context, 32));
}
