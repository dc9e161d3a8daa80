/**
 * Decoded connection and role records kept in memory per mount, so that issuing a credential
 * does not read, decrypt and parse both records from storage every time (BENCHMARKS.md, issue 5).
 * The same stamping scheme as the KV engine's record cache, kept beside its user because engines
 * do not import each other; values are frozen objects shared by every reader.
 *
 * Trade-off: a config holds the engine's database password, so the decoded record stays in the
 * heap while the mount is unsealed — it is there already, in the open pool's connection settings.
 * The cache is bounded, never written anywhere, and cleared by the engine's `close()` (seal,
 * unmount).
 *
 * Coherence. Writers need no lock: `invalidate` runs before and again after each storage write.
 * Readers take a `stamp` before reading storage and `fill` with what they read; the fill is
 * dropped when the entry changed meanwhile.
 * INVARIANT: every change to an entry (a write begun or ended, an eviction, `clear`) moves its
 * stamp, so a fill can only install what storage held after every write that had ended before
 * the read began, and a value read before a write ended is never kept after it.
 */
export class RecordCache<T extends object> {
  private readonly slots = new Map<string, Slot<T>>();
  private counter = 0;
  /** The stamp of every key without a slot; moves on each eviction. */
  private floor = 0;

  /** @param capacity  slots kept; the oldest filled is evicted first */
  constructor(private readonly capacity: number) {}

  /** The cached record, `null` for a cached absence, `undefined` when not cached. */
  get(key: string): Readonly<T> | null | undefined {
    return this.slots.get(key)?.value;
  }

  /** Take before reading storage; pass to {@link fill}. */
  stamp(key: string): number {
    return this.slots.get(key)?.stamp ?? this.floor;
  }

  /** Caches what storage held for `key` (frozen, arrays included), unless the entry changed since `stamp`. */
  fill(key: string, value: T | null, stamp: number): Readonly<T> | null {
    const frozen = value === null ? null : deepFreeze(value);
    if (this.stamp(key) === stamp) this.set(key, { value: frozen, stamp });
    return frozen;
  }

  /** A write of `key` begins or has ended: readers stop trusting the entry and reload it. */
  invalidate(key: string): void {
    this.set(key, { value: undefined, stamp: ++this.counter });
  }

  /** Forgets everything (engine close: seal, unmount). */
  clear(): void {
    this.slots.clear();
    this.floor = ++this.counter;
  }

  private set(key: string, slot: Slot<T>): void {
    this.slots.delete(key); // re-insert at the end: Map keeps insertion order
    this.slots.set(key, slot);
    if (this.slots.size <= this.capacity) return;
    const oldest = this.slots.keys().next().value as string;
    this.slots.delete(oldest);
    this.floor = ++this.counter;
  }
}

interface Slot<T> {
  readonly value: Readonly<T> | null | undefined;
  readonly stamp: number;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
