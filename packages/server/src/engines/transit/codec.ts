import { invalidRequest } from '../../errors.js';
import { decodeBase64 } from '../../framework/base64.js';

/**
 * Wire encodings of the transit engine: strict base64 for request values, and the
 * `vault:v<N>:<payload>` form of ciphertexts, HMACs and signatures (spec §0 trap 20,
 * https://developer.hashicorp.com/vault/api-docs/secret/transit#encrypt-data).
 */

/** Strict standard base64 is shared with `sys/tools/hash`; transit's paths import it from here. */
export { decodeBase64 } from '../../framework/base64.js';

/** Like decodeBase64, but undefined and "" both mean "not given" (optional `context`, `nonce`). */
export function decodeOptionalBase64(value: string | undefined, field: string): Buffer | undefined {
  return value === undefined || value === '' ? undefined : decodeBase64(value, field);
}

/** Base64 of `bytes`, without copying them first. */
export const encodeBase64 = (bytes: Uint8Array): string =>
  (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('base64');

/** `vault:v3:<payload>`. */
export const formatVersioned = (version: number, payload: string): string => `vault:v${version}:${payload}`;

/** A parsed `vault:v<N>:<payload>` value. */
export interface Versioned {
  version: number;
  payload: string;
}

/**
 * Splits `vault:v<N>:<payload>`; `what` names the value in errors (`ciphertext`, `hmac`,
 * `signature`). The payload itself is decoded by the caller, which knows its encoding.
 */
export function parseVersioned(value: string, what: string): Versioned {
  if (!value.startsWith('vault:')) throw invalidRequest(`invalid ${what}: no prefix`);
  const parts = value.split(':');
  if (parts.length !== 3) throw invalidRequest(`invalid ${what}: wrong number of fields`);
  const match = /^v([1-9]\d{0,8})$/.exec(parts[1]!);
  if (!match) throw invalidRequest(`invalid ${what}: version number could not be decoded`);
  return { version: Number(match[1]), payload: parts[2]! };
}

/** base64url without padding (JWS, RFC 7515 §2), used by `marshaling_algorithm=jws`. */
const RAW_URL_BASE64 = /^[A-Za-z0-9_-]*$/;

export function decodeBase64Url(value: string, field: string): Buffer {
  if (!RAW_URL_BASE64.test(value) || value.length % 4 === 1) {
    throw invalidRequest(`failed to base64url-decode \`${field}\``);
  }
  return Buffer.from(value, 'base64url');
}
