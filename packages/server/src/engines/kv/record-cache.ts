/**
 * Decoded KV v2 records kept in memory per mount: each secret's metadata and the mount config,
 * as the JSON text that is encrypted into storage. A hit saves a storage read, an AES-GCM
 * decrypt and a UTF-8 decode on every KV read and write (BENCHMARKS.md, "What bounds each
 * figure"); callers parse the text, so each gets an object of its own to mutate.
 *
 * Trade-off (why plaintext, and why only this): the metadata of a secret — version numbers,
 * times, `custom_metadata` — is needed on every request to the secret, while its data is not
 * cached at all. The cache lives only in memory (never at rest: nothing here is written
 * anywhere), is bounded, and is dropped when the engine closes, which the mount table does on
 * seal and on unmount. A heap dump of an unsealed server would show the metadata of recently
 * used secrets; it shows their tokens and data in flight already.
 *
 * Coherence. Writers hold the path's lock (KvContext.locks) and bracket the storage write with
 * `beginWrite` / `endWrite`; `endWrite` runs only once the write is durable, so the cache never
 * holds a value that is not committed. Readers take no lock: they take a `stamp` before reading
 * storage and `fill` with what they read, which is dropped if the entry changed meanwhile.
 * INVARIANT: every change to an entry (write begun, write ended, eviction) moves its stamp, so a
 * fill can only install the value storage held after every write that had ended before it.
 */
export class RecordCache {
  private readonly slots = new Map<string, Slot>();
  private counter = 0;
  /** The stamp of every key without a slot; moves on each eviction. */
  private floor = 0;

  /** @param capacity  slots kept; the oldest filled is evicted first */
  constructor(private readonly capacity: number) {}

  /** The cached JSON text, `null` for a cached absence, `undefined` when not cached. */
  get(key: string): string | null | undefined {
    return this.slots.get(key)?.json;
  }

  /** Take before reading storage; pass to {@link fill}. */
  stamp(key: string): number {
    return this.slots.get(key)?.stamp ?? this.floor;
  }

  /** Caches what storage held for `key`, unless the entry changed since `stamp`. */
  fill(key: string, json: string | null, stamp: number): void {
    if (this.stamp(key) !== stamp) return;
    this.set(key, { json, stamp });
  }

  /** A write of `key` is starting (caller holds the key's lock): readers stop trusting the entry. */
  beginWrite(key: string): void {
    this.set(key, { json: undefined, stamp: ++this.counter });
  }

  /** The write of `key` is durable and left `json` (`null`: the record is gone). */
  endWrite(key: string, json: string | null): void {
    this.set(key, { json, stamp: ++this.counter });
  }

  /** Forgets everything (engine close: seal, unmount). */
  clear(): void {
    this.slots.clear();
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
  readonly json: string | null | undefined;
  readonly stamp: number;
}
