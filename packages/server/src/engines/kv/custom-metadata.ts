import { invalidRequest } from '../../errors.js';

/**
 * `custom_metadata`: string-to-string pairs describing a secret (not secret themselves). Limits
 * are Vault's: at most 64 keys, keys 1–128 bytes, values 1–512 bytes, printable characters only.
 */
const MAX_KEYS = 64;
const MAX_KEY_BYTES = 128;
const MAX_VALUE_BYTES = 512;
const PREFIX = 'custom_metadata validation failed';
/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u;
/** A key as it may appear in a one-line message: control characters escaped. */
const shown = (key: string) => JSON.stringify(key).slice(1, -1);

/** Request JSON to a string, as Vault's weak decoding does: numbers and booleans become their text. */
function asText(key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw invalidRequest(`${PREFIX}: value for key \`${shown(key)}\` must be a string`);
}

/** `custom_metadata` of a POST: replaces the stored pairs. */
export function parseCustomMetadata(raw: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, asText(key, value)]));
}

/** `custom_metadata` of a PATCH: `null` is kept, and removes the key when merged. */
export function parseCustomMetadataPatch(raw: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value === null ? null : asText(key, value)]));
}

/** Checks the limits; returns `null` for an empty map, which Vault reports as `null`. */
export function validateCustomMetadata(pairs: Record<string, string>): Record<string, string> | null {
  const entries = Object.entries(pairs);
  if (entries.length > MAX_KEYS) {
    throw invalidRequest(`${PREFIX}: payload must contain at most ${MAX_KEYS} keys, provided ${entries.length}`);
  }
  for (const [key, value] of entries) {
    const keyBytes = Buffer.byteLength(key);
    if (keyBytes === 0 || keyBytes > MAX_KEY_BYTES) {
      throw invalidRequest(`${PREFIX}: length of key \`${shown(key)}\` is ${keyBytes} but must be 0 < len(key) <= ${MAX_KEY_BYTES}`);
    }
    const valueBytes = Buffer.byteLength(value);
    if (valueBytes === 0 || valueBytes > MAX_VALUE_BYTES) {
      throw invalidRequest(
        `${PREFIX}: length of value for key \`${shown(key)}\` is ${valueBytes} but must be 0 < len(value) <= ${MAX_VALUE_BYTES}`,
      );
    }
    if (!PRINTABLE.test(key)) throw invalidRequest(`${PREFIX}: key \`${shown(key)}\` contains unprintable characters`);
    if (!PRINTABLE.test(value)) throw invalidRequest(`${PREFIX}: value for key \`${shown(key)}\` contains unprintable characters`);
  }
  return entries.length === 0 ? null : pairs;
}
