import { randomBytes } from 'node:crypto';

/** An 8-hex-digit suffix for mount accessors (`kv_1a2b3c4d`), as Vault shows them. */
export function randomAccessor(): string {
  return randomBytes(4).toString('hex');
}
