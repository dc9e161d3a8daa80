import { deepFreeze, RecordCache } from '../../framework/record-cache.js';

/**
 * Decoded PKI records kept in memory per mount view: keys, issuers, roles, `config/issuers` and
 * `config/urls` — the five records every `issue/:role` read, each a storage get, an AES-GCM
 * decrypt and a JSON parse — plus what is derived from them at a cost (the parsed issuer
 * certificate and its imported signing key, prebuilt extensions; see issuer-signer.ts).
 *
 * Trade-off: the issuer's private key then sits in the heap, as a Node key object (certificates)
 * and a non-extractable CryptoKey (CRLs), for as long as the mount is unsealed, as the SSH
 * engine's CA key does (ca-store.ts); the cache is memory only, bounded, and dropped when the
 * engine closes (seal, unmount).
 *
 * Coherence (framework/record-cache.ts) without write locks: writers invalidate before and
 * after the storage write (the next reader refills from storage), so two concurrent writes of
 * one record can never leave the older value cached whatever order they finish in.
 * INVARIANT: cached values are frozen; callers copy before changing anything.
 */
export class PkiCache {
  private readonly records: RecordCache<unknown>;
  private derivedByRecord = new WeakMap<object, Map<string, unknown>>();

  /** @param capacity  records kept; the oldest filled is evicted first */
  constructor(capacity: number) {
    this.records = new RecordCache(capacity);
  }

  /** The cached record, `null` for a cached absence, `undefined` when not cached. */
  get<T>(key: string): T | null | undefined {
    return this.records.get(key) as T | null | undefined;
  }

  /** Take before reading storage; pass to {@link fill}. */
  stamp(key: string): number {
    return this.records.stamp(key);
  }

  /** Caches what storage held for `key` (frozen), unless the entry changed since `stamp`. */
  fill<T>(key: string, value: T | null, stamp: number): T | null {
    const frozen = value === null ? null : deepFreeze(value);
    this.records.fill(key, frozen, stamp);
    return frozen;
  }

  /** Runs a write of `key`; the next reader after it (or after its failure) goes to storage. */
  write<R>(key: string, write: () => Promise<R>): Promise<R> {
    return this.records.invalidating(key, write);
  }

  /**
   * A value derived from a cached record (a parsed certificate, an imported key), computed once
   * per record object. A rewritten record is a new object, so what was derived from the old one
   * is never returned for it.
   */
  derived<T>(record: object, name: string, compute: () => T): T {
    let byName = this.derivedByRecord.get(record);
    if (byName === undefined) {
      byName = new Map();
      this.derivedByRecord.set(record, byName);
    }
    if (byName.has(name)) return byName.get(name) as T;
    const value = compute();
    byName.set(name, value);
    // A failed asynchronous derivation is not kept: the next request tries again.
    if (value instanceof Promise) value.catch(() => byName.delete(name));
    return value;
  }

  /** Forgets everything (engine close: seal, unmount). */
  clear(): void {
    this.records.clear();
    this.derivedByRecord = new WeakMap();
  }
}
