import type { SecretValue } from './secrets-provider.js';

/** `{ value: "x" }` → `x`; anything else (written by Vault clients with other fields) → its JSON. */
export function secretValue(data: Record<string, unknown>, version?: number): SecretValue {
  const keys = Object.keys(data);
  const only = keys.length === 1 && keys[0] === 'value' ? data['value'] : undefined;
  const value = typeof only === 'string' ? only : only !== undefined ? JSON.stringify(only) : JSON.stringify(data);
  return version === undefined ? { value, data } : { value, data, version };
}

export function trimPath(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}
