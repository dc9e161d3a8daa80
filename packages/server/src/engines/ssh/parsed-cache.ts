import { KeyedMutex } from '../../framework/keyed-mutex.js';

/**
 * Parsed records of one mount kept in memory: the CA key pair and the roles, which every
 * `sign` and `issue` needs and which change only on an operator's write. A hit saves a storage
 * read, an AES-GCM decrypt and a JSON parse per record (and for the CA a key import).
 *
 * Lifetime: one cache per mount view, held by the engine and dropped when it closes (seal,
 * unmount); nothing is ever written anywhere. The CA's private key then sits in the heap of an
 * unsealed server, as it must anyway to sign.
 *
 * Coherence, as KV's record cache (engines/kv/record-cache.ts): every write of a key goes
 * through {@link ParsedCache.write}, which serialises writes per key and brackets the storage
 * write, invalidating the entry before it and installing the written value once it is durable.
 * Readers take no lock: they note the entry's stamp before reading storage and install what they
 * read only if the stamp has not moved. INVARIANT: every change to an entry (write begun, write
 * ended, eviction) moves its stamp, so a reader can never install a value older than a write
 * that ended before it finished. Absence is not cached: an unknown name always asks storage.
 *
 * Only the active node serves requests (ARCHITECTURE.md, "HA"), and a node that becomes active
 * builds its engines afresh, so no other writer can change these keys behind the cache.
 */
export class ParsedCache<T> {
  private readonly slots = new Map<string, Slot<T>>();
  private readonly locks = new KeyedMutex();
  private counter = 0;
  /** The stamp of every key without a slot; moves on each eviction and on clear. */
  private floor = 0;

  /** @param capacity  slots kept; the oldest is evicted first */
  constructor(private readonly capacity: number) {}

  /** The cached value of `key`, or what `load` reads from storage (cached when present). */
  async read(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const slot = this.slots.get(key);
    if (slot?.value !== undefined) return slot.value;
    const stamp = slot?.stamp ?? this.floor;
    const value = await load();
    if (value !== undefined && this.stampOf(key) === stamp) this.set(key, { value, stamp });
    return value;
  }

  /**
   * Runs `write` (the storage write of `key`) after every earlier write of `key` settles, and
   * caches what it returns (`undefined`: the record is gone). If `write` throws, the entry is
   * invalidated and the next read goes to storage.
   */
  write<R>(key: string, write: () => Promise<{ value: T | undefined; result: R }>): Promise<R> {
    return this.locks.run(key, async () => {
      this.set(key, { value: undefined, stamp: ++this.counter });
      let written: { value: T | undefined; result: R };
      try {
        written = await write();
      } catch (err) {
        // Whatever a reader installed meanwhile may predate a write that did reach storage.
        this.set(key, { value: undefined, stamp: ++this.counter });
        throw err;
      }
      this.set(key, { value: written.value, stamp: ++this.counter });
      return written.result;
    });
  }

  /** Forgets everything (engine close: seal, unmount). */
  clear(): void {
    this.slots.clear();
    this.floor = ++this.counter;
  }

  private stampOf(key: string): number {
    return this.slots.get(key)?.stamp ?? this.floor;
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
  readonly value: T | undefined;
  readonly stamp: number;
}
