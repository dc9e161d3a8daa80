import { childrenOf, type StorageBackend, type StorageOp } from './storage-backend.js';
import { assertStorageKey, assertStorageOp, copyBytes } from './storage-key.js';

/**
 * A backend that keeps everything in a Map: for tests and throwaway dev servers. Nothing
 * survives the process, so "durable on acknowledge" holds trivially.
 *
 * Values are copied on the way in and on the way out, so a caller that reuses or wipes its
 * buffer (the barrier wipes plaintext) cannot change what is stored, and a reader cannot
 * change it by editing what it got back.
 */
export class InmemBackend implements StorageBackend {
  readonly type = 'inmem';
  private readonly data = new Map<string, Uint8Array>();

  async get(key: string): Promise<Uint8Array | undefined> {
    assertStorageKey(key);
    const value = this.data.get(key);
    return value === undefined ? undefined : copyBytes(value);
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.apply([{ type: 'put', key, value }]);
  }

  async delete(key: string): Promise<void> {
    this.apply([{ type: 'delete', key }]);
  }

  async list(prefix: string): Promise<string[]> {
    // O(all keys): fine for the sizes an in-memory store holds; SQLite does a range seek.
    return childrenOf(prefix, this.data.keys());
  }

  async batch(ops: readonly StorageOp[]): Promise<void> {
    this.apply(ops);
  }

  async *keys(prefix: string): AsyncIterable<string> {
    // A sorted snapshot: callers may write while they iterate (the barrier's re-encryption).
    const snapshot = [...this.data.keys()].filter((key) => key.startsWith(prefix)).sort();
    yield* snapshot;
  }

  async close(): Promise<void> {
    this.data.clear();
  }

  /** All-or-nothing: validate every operation before touching the map. */
  private apply(ops: readonly StorageOp[]): void {
    for (const op of ops) assertStorageOp(op);
    for (const op of ops) {
      if (op.type === 'put') this.data.set(op.key, copyBytes(op.value));
      else this.data.delete(op.key);
    }
  }
}
