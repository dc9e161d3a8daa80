import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** 62 * 4: bytes at or above this are rejected so every character is equally likely. */
const REJECT_AT = 248;

/** Legacy Vault service-token prefix (spec §0 trap 10); clients only check it is a string. */
export const SERVICE_TOKEN_PREFIX = 's.';

/** `length` uniformly random base62 characters (rejection sampling, no modulo bias). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    // Ask for a little more than needed: about 3% of bytes are rejected.
    for (const byte of randomBytes(length - out.length + 8)) {
      if (byte >= REJECT_AT) continue;
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A new service token: `s.` + 24 base62 characters (~143 bits). */
export const newTokenId = (): string => SERVICE_TOKEN_PREFIX + randomBase62(24);

/** A new accessor: 24 base62 characters. */
export const newAccessor = (): string => randomBase62(24);
