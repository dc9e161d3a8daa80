import { VaultError } from '../errors.js';
import type { StorageOp } from './storage-backend.js';

/**
 * Checks that every backend applies in the same way, so the conformance suite can hold them all
 * to one behaviour. Backends call these *inside* their write path (for SQLite, inside the
 * transaction) so that a bad operation in the middle of a batch exercises the rollback.
 */

/** A storage key is a non-empty string; an empty key has no place in a `/`-separated tree. */
export function assertStorageKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key === '') {
    throw new VaultError('internal', 'invalid storage key: expected a non-empty string');
  }
}

/** Validates one operation at runtime: callers may be untyped (JSON, tests, plugins). */
export function assertStorageOp(op: StorageOp): void {
  assertStorageKey(op.key);
  if (op.type === 'delete') return;
  if (op.type !== 'put') {
    throw new VaultError('internal', 'invalid storage operation: expected `put` or `delete`');
  }
  if (!(op.value instanceof Uint8Array)) {
    throw new VaultError('internal', 'invalid storage value: expected bytes');
  }
}

/** A private copy, so neither the caller nor the backend can mutate the other's bytes later. */
export const copyBytes = (bytes: Uint8Array): Uint8Array => new Uint8Array(bytes);
