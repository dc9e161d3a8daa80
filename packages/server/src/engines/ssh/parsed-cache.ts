import { KeyedMutex } from '../../framework/keyed-mutex.js';
import { RecordCache } from '../../framework/record-cache.js';

/**
 * Parsed records of one mount kept in memory: the CA key pair and the roles, which every
 * `sign` and `issue` needs and which change only on an operator's write. A hit saves a storage
 * read, an AES-GCM decrypt and a JSON parse per record (and for the CA a key import).
 *
 * Lifetime: one cache per mount view, held by the engine and dropped when it closes (seal,
 * unmount); nothing is ever written anywhere. The CA's private key then sits in the heap of an
 * unsealed server, as it must anyway to sign.
 *
 * Coherence (framework/record-cache.ts): every write of a key goes through
 * {@link ParsedCache.write}, which serialises writes per key and brackets the storage write,
 * invalidating the entry before it and installing the written value once it is durable.
 * Readers take no lock and install what they read only if no write moved the entry meanwhile.
 * Absence is not cached: an unknown name always asks storage.
 *
 * Only the active node serves requests (ARCHITECTURE.md, "HA"), and a node that becomes active
 * builds its engines afresh, so no other writer can change these keys behind the cache.
 */
export class ParsedCache<T> {
  private readonly records: RecordCache<T>;
  private readonly locks = new KeyedMutex();

  /** @param capacity  slots kept; the oldest is evicted first */
  constructor(capacity: number) {
    this.records = new RecordCache(capacity);
  }

  /** The cached value of `key`, or what `load` reads from storage (cached when present). */
  async read(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const cached = this.records.get(key);
    if (cached !== undefined) return cached;
    const stamp = this.records.stamp(key);
    const value = await load();
    if (value !== undefined) this.records.fill(key, value, stamp);
    return value;
  }

  /**
   * Runs `write` (the storage write of `key`) after every earlier write of `key` settles, and
   * caches what it returns (`undefined`: the record is gone). If `write` throws, the entry is
   * invalidated and the next read goes to storage.
   */
  write<R>(key: string, write: () => Promise<{ value: T | undefined; result: R }>): Promise<R> {
    return this.locks.run(key, async () => {
      this.records.invalidate(key);
      let written: { value: T | undefined; result: R };
      try {
        written = await write();
      } catch (err) {
        // Whatever a reader installed meanwhile may predate a write that did reach storage.
        this.records.invalidate(key);
        throw err;
      }
      if (written.value === undefined) this.records.invalidate(key);
      else this.records.endWrite(key, written.value);
      return written.result;
    });
  }

  /** Forgets everything (engine close: seal, unmount). */
  clear(): void {
    this.records.clear();
  }
}
