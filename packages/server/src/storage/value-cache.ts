/**
 * Stored bytes (barrier ciphertext) of recently used keys, in front of SQLite: a point read by
 * key costs ≈ 8–20 µs through better-sqlite3, a hit here well under 1 µs. Vault keeps the same
 * kind of cache in front of its physical storage. Only ciphertext is held, exactly what the
 * database file holds; absences are cached too (a write's existence check of a new path).
 *
 * Bounded by bytes (keys, values and a fixed overhead per entry); the least recently used entry
 * is evicted first. The owner keeps it coherent: it updates an entry when a write of that key
 * commits and removes the keys of a group whose outcome is unknown.
 */
const ENTRY_OVERHEAD = 64;

export class ValueCache {
  private readonly entries = new Map<string, Uint8Array | null>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The cached bytes (`null`: known absent), or `undefined` when not cached. Do not modify. */
  get(key: string): Uint8Array | null | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key); // most recently used goes last: Map keeps insertion order
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: Uint8Array | null): void {
    this.delete(key);
    const size = sizeOf(key, value);
    if (size > this.maxBytes / 16) return; // one huge value must not flush everything else
    this.entries.set(key, value);
    this.bytes += size;
    while (this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const value = this.entries.get(key);
    if (value === undefined) return;
    this.entries.delete(key);
    this.bytes -= sizeOf(key, value);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

const sizeOf = (key: string, value: Uint8Array | null): number => key.length * 2 + (value?.byteLength ?? 0) + ENTRY_OVERHEAD;
