/**
 * Decoded storage records kept in memory per mount, for the records an engine reads on every
 * request and changes only on an operator's write (KV v2 metadata, database connections and
 * roles, SSH CA and roles, PKI issuers and roles, transit keys). A hit saves a storage read, an
 * AES-GCM decrypt and a decode.
 *
 * Lifetime: memory only (nothing here is ever written anywhere), bounded, and dropped by the
 * engine's `close()`, which the mount table calls on seal and on unmount. Each engine says in its
 * own code which records it keeps and why that is acceptable for them.
 *
 * Coherence. Writers call `invalidate` before their storage write and, once it is durable,
 * either `endWrite` with what they wrote (when writes of the key are serialised, so no older
 * write can end later) or `invalidate` again (when they are not). A failed write leaves the
 * entry invalid. Readers take no lock: they take a `stamp` before reading storage and `fill`
 * with what they read, which is dropped if the entry changed meanwhile.
 * INVARIANT: every change to an entry (write begun or ended, eviction, clear) moves its stamp,
 * so a fill can only install what storage held after every write that had ended before it.
 *
 * `V` is whatever the engine caches; it may include `null` for a cached absence. `undefined`
 * always means "not cached".
 */
export class RecordCache<V> {
  private readonly slots = new Map<string, Slot<V>>();
  private counter = 0;
  /** The stamp of every key without a slot; moves on each eviction and on clear. */
  private floor = 0;
  private closed = false;

  /** @param capacity  slots kept; the least recently changed is evicted first */
  constructor(private readonly capacity: number) {}

  /** The cached value, or `undefined` when not cached. */
  get(key: string): V | undefined {
    return this.slots.get(key)?.value;
  }

  /** Take before reading storage; pass to {@link fill}. */
  stamp(key: string): number {
    return this.slots.get(key)?.stamp ?? this.floor;
  }

  /** Caches what storage held for `key`, unless the entry changed since `stamp`. */
  fill(key: string, value: V, stamp: number): void {
    if (this.stamp(key) !== stamp) return;
    this.set(key, { value, stamp });
  }

  /** A write of `key` begins, ended unserialised, or failed: readers stop trusting the entry. */
  invalidate(key: string): void {
    this.set(key, { value: undefined, stamp: ++this.counter });
  }

  /**
   * Runs an unserialised write of `key` between two invalidations (the second also when it
   * fails): whichever of two concurrent writes ends last, the next reader goes to storage.
   */
  async invalidating<R>(key: string, write: () => Promise<R>): Promise<R> {
    this.invalidate(key);
    try {
      return await write();
    } finally {
      this.invalidate(key);
    }
  }

  /**
   * The write of `key` is durable and left `value`. Only for writers serialised per key (the
   * caller holds the key's lock), so no earlier write can end after this one.
   */
  endWrite(key: string, value: V): void {
    this.set(key, { value, stamp: ++this.counter });
  }

  /** Forgets everything (engine close: seal, unmount). */
  clear(): void {
    this.slots.clear();
    this.floor = ++this.counter;
  }

  /** Forgets everything and holds nothing afterwards, for caches that are not rebuilt on unseal. */
  close(): void {
    this.closed = true;
    this.clear();
  }

  /** Entries held, cached absences and invalidated slots included. */
  get size(): number {
    return this.slots.size;
  }

  private set(key: string, slot: Slot<V>): void {
    if (this.closed) return;
    this.slots.delete(key); // re-insert at the end: Map keeps insertion order
    this.slots.set(key, slot);
    if (this.slots.size <= this.capacity) return;
    const oldest = this.slots.keys().next().value as string;
    this.slots.delete(oldest);
    this.floor = ++this.counter;
  }
}

interface Slot<V> {
  readonly value: V | undefined;
  readonly stamp: number;
}

/** Objects {@link deepFreeze} froze all the way down (no byte array anywhere inside). */
const deeplyFrozen = new WeakSet<object>();

/**
 * Freezes `value` and everything reachable from it, so a cached object shared by every request
 * fails loudly instead of being changed in place. Returns it. Byte arrays are left as they are:
 * typed arrays with elements cannot be frozen.
 */
export function deepFreeze<T>(value: T): T {
  freezeAll(value);
  return value;
}

/**
 * True when `value` is an object {@link deepFreeze} froze with nothing mutable inside, so
 * anything derived from its contents may be remembered by its identity (audit/entry-format.ts).
 */
export const isDeeplyFrozen = (value: object): boolean => deeplyFrozen.has(value);

/** Freezes what it can; true when nothing reachable from `value` can change any more. */
function freezeAll(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (deeplyFrozen.has(value)) return true;
  if (ArrayBuffer.isView(value)) return false;
  Object.freeze(value);
  let all = true;
  for (const v of Object.values(value)) if (!freezeAll(v)) all = false;
  if (all) deeplyFrozen.add(value);
  return all;
}
