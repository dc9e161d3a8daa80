/**
 * An in-memory LRU of KV reads, bounded in bytes (the JSON length of each cached body), with a
 * time to live. Keys are `<mount>/<path>` plus the version asked for; a write through the same
 * client drops every entry of that secret, so the client always reads its own writes.
 *
 * INVARIANT: `bytes` is the sum of the sizes of the entries in `entries`.
 */
export class KvCache {
  private readonly entries = new Map<string, { value: unknown; size: number; expires: number; secret: string }>();
  private bytes = 0;
  /** Reads answered from memory, for tests and metrics. */
  hits = 0;
  misses = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.bytes;
  }

  get<T>(secret: string, version: number | undefined): T | undefined {
    const key = cacheKey(secret, version);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.expires <= this.now()) {
      if (entry !== undefined) this.remove(key);
      this.misses++;
      return undefined;
    }
    // Map iteration order is insertion order: re-inserting makes this the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.hits++;
    return structuredClone(entry.value) as T;
  }

  set(secret: string, version: number | undefined, value: unknown): void {
    const key = cacheKey(secret, version);
    this.remove(key);
    const size = JSON.stringify(value).length;
    if (size > this.maxBytes) return;
    this.entries.set(key, { value: structuredClone(value), size, expires: this.now() + this.ttlMs, secret });
    this.bytes += size;
    for (const oldest of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  /** Drops every cached version of `secret` (and, for a folder, of everything below it). */
  invalidate(secret: string): void {
    for (const [key, entry] of this.entries) {
      if (entry.secret === secret || entry.secret.startsWith(`${secret}/`)) this.remove(key);
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.bytes -= entry.size;
  }
}

function cacheKey(secret: string, version: number | undefined): string {
  return `${version ?? 0}\u0000${secret}`;
}
