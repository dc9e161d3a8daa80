/**
 * Mutual exclusion per storage key, in process. The barrier takes it around every write so
 * that the background re-encryption never interleaves with a client write to the same key.
 *
 * Several keys are locked in sorted order, so two batches over overlapping keys cannot
 * deadlock. Reads take no lock.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` while holding every key in `keys`; releases them however `fn` ends. */
  async run<T>(keys: readonly string[], fn: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key));
      return await fn();
    } finally {
      for (const release of releases) release();
    }
  }

  /** Number of keys currently held or awaited (for tests: must drop to 0). */
  get size(): number {
    return this.tails.size;
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      // Only the last waiter removes the entry, so the map does not grow with every key ever written.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}
