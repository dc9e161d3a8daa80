import { RecordCache } from '../../framework/record-cache.js';
import type { KeyRecord } from './key-record.js';

/**
 * Decoded key records of one mount's view, kept in memory so that encrypt, decrypt, HMAC and
 * sign do not read `policy/<name>` through the barrier (storage read + AES-GCM + JSON decode)
 * on every request (BENCHMARKS.md, issue 7, "What bounds each figure"), built on
 * framework/record-cache.ts. It holds frozen objects: readers share one record and the key
 * material decoded from it (key-material.ts memoises per frozen version).
 *
 * Trade-off: key material sits in the heap of an unsealed server, which it has to anyway to
 * encrypt. Nothing here is ever written anywhere; the cache is bounded and dropped when the
 * engine closes, which the mount table does on seal and on unmount.
 *
 * Coherence. Every write of `policy/<name>` runs under `KeyStore.locks.run(name)` and is
 * bracketed by `beginWrite` / `endWrite` (or `abortWrite` when it fails); `endWrite` runs only
 * once the write has resolved, so a write that was acknowledged is visible to every read that
 * starts after it, and a read that raced it never installs the record from before it.
 */
export class KeyCache {
  private readonly records: RecordCache<KeyRecord | null>;

  /** @param capacity  slots kept; the least recently written or filled is evicted first */
  constructor(capacity: number) {
    this.records = new RecordCache(capacity);
  }

  /** The cached record (frozen), `null` for a cached absence, `undefined` when not cached. */
  get(name: string): KeyRecord | null | undefined {
    return this.records.get(name);
  }

  /** Take before reading storage; pass to {@link fill}. */
  stamp(name: string): number {
    return this.records.stamp(name);
  }

  /** Caches what storage held for `name` (`null`: absent), unless the slot moved since `stamp`. */
  fill(name: string, record: KeyRecord | null, stamp: number): void {
    this.records.fill(name, record && freezeRecord(record), stamp);
  }

  /** A write of `name` starts (the caller holds the key's lock): readers go to storage. */
  beginWrite(name: string): void {
    this.records.invalidate(name);
  }

  /** The write of `name` resolved and left `record` (`null`: the key is gone). Caches a frozen copy. */
  endWrite(name: string, record: KeyRecord | null): void {
    this.records.endWrite(name, record && freezeRecord(structuredClone(record)));
  }

  /** The write of `name` failed: storage may hold either record, so nothing is cached for it. */
  abortWrite(name: string): void {
    this.records.invalidate(name);
  }

  /** Forgets everything and refuses to hold anything again (engine close: seal, unmount). */
  close(): void {
    this.records.close();
  }

  /** Slots held (for tests). */
  get size(): number {
    return this.records.size;
  }
}

/**
 * Freezes a record, its version map and every version, so that readers sharing it cannot change
 * it (strict mode throws) and per-version material can be memoised safely.
 */
function freezeRecord(record: KeyRecord): KeyRecord {
  for (const version of Object.values(record.versions)) Object.freeze(version);
  Object.freeze(record.versions);
  if (record.restoreInfo) Object.freeze(record.restoreInfo);
  if (record.backupInfo) Object.freeze(record.backupInfo);
  return Object.freeze(record);
}
