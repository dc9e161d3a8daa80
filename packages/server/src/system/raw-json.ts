import { invalidRequest } from '../errors.js';
import type { EngineResponse } from '../framework/engine.js';

/** Vault answers its lifecycle endpoints with bare JSON, outside the envelope (spec §0 trap 7). */
export function rawJson(body: unknown, status = 200): EngineResponse {
  return { raw: { contentType: 'application/json', body: JSON.stringify(body), status } };
}

/** Unseal keys arrive as hex or base64 (Vault accepts both). */
export function decodeKey(key: string): Uint8Array {
  const trimmed = key.trim();
  if (/^[0-9a-fA-F]+$/.test(trimmed) && trimmed.length % 2 === 0) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) return Buffer.from(trimmed, 'base64');
  throw invalidRequest("'key' must be a valid hex or base64 string");
}

export function encodeKeys(keys: Uint8Array[]) {
  return {
    keys: keys.map((k) => Buffer.from(k).toString('hex')),
    keys_base64: keys.map((k) => Buffer.from(k).toString('base64')),
  };
}
