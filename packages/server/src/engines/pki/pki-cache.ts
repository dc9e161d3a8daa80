/**
 * Decoded PKI records kept in memory per mount view: keys, issuers, roles, `config/issuers` and
 * `config/urls` — the five records every `issue/:role` read, each a storage get, an AES-GCM
 * decrypt and a JSON parse — plus what is derived from them at a cost (the parsed issuer
 * certificate and its imported signing key, prebuilt extensions; see issuer-cache.ts).
 *
 * Trade-off: the issuer's private key then sits in the heap as a non-extractable CryptoKey for
 * as long as the mount is unsealed, as the SSH engine's CA key does (ca-store.ts); the cache is
 * memory only, bounded, and dropped when the engine closes (seal, unmount).
 *
 * Coherence, as KV's record cache (engines/kv/record-cache.ts) but without write locks: readers
 * take a `stamp` before reading storage and `fill` with what they decoded, which is dropped if
 * the entry changed meanwhile. Writers bracket the storage write with `beginWrite` / `endWrite`;
 * `endWrite` only invalidates (the next reader refills from storage), so two concurrent writes
 * of one record can never leave the older value cached whatever order they finish in.
 * INVARIANT: every change to an entry (write begun, write ended, eviction) moves its stamp.
 * INVARIANT: cached values are frozen; callers copy before changing anything.
 */
export class PkiCache {
  private readonly slots = new Map<string, Slot>();
  private counter = 0;
  /** The stamp of every key without a slot; moves on each eviction and on clear. */
  private floor = 0;
  private derivedByRecord = new WeakMap<object, Map<string, unknown>>();

  /** @param capacity  records kept; the oldest filled is evicted first */
  constructor(private readonly capacity: number) {}

  /** The cached record, `null` for a cached absence, `undefined` when not cached. */
  get<T>(key: string): T | null | undefined {
    return this.slots.get(key)?.value as T | null | undefined;
  }

  /** Take before reading storage; pass to {@link fill}. */
  stamp(key: string): number {
    return this.slots.get(key)?.stamp ?? this.floor;
  }

  /** Caches what storage held for `key` (frozen), unless the entry changed since `stamp`. */
  fill<T>(key: string, value: T | null, stamp: number): T | null {
    const frozen = value === null ? null : deepFreeze(value);
    if (this.stamp(key) === stamp) this.set(key, { value: frozen, stamp });
    return frozen;
  }

  /** A write of `key` is starting: readers stop trusting the entry. */
  beginWrite(key: string): void {
    this.set(key, { value: undefined, stamp: ++this.counter });
  }

  /** The write of `key` has finished (or failed): the next reader goes to storage. */
  endWrite(key: string): void {
    this.set(key, { value: undefined, stamp: ++this.counter });
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
    this.slots.clear();
    this.derivedByRecord = new WeakMap();
    this.floor = ++this.counter;
  }

  private set(key: string, slot: Slot): void {
    this.slots.delete(key); // re-insert at the end: Map keeps insertion order
    this.slots.set(key, slot);
    if (this.slots.size <= this.capacity) return;
    const oldest = this.slots.keys().next().value as string;
    this.slots.delete(oldest);
    this.floor = ++this.counter;
  }
}

interface Slot {
  readonly value: unknown;
  readonly stamp: number;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
