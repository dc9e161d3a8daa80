/**
 * Serialises async work per key: `run('a', f)` waits for every earlier `run('a', …)` to settle;
 * different keys never wait for each other. Engines use it so that a read-modify-write of one
 * item happens as one step: KV v2 reads the current version, checks `cas` and writes version N+1;
 * transit reads a key, rotates or reconfigures it and writes it back.
 *
 * In-process only: that is enough because only the active node serves requests
 * (ARCHITECTURE.md, "Designed for what comes next": standbys forward).
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    this.tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // INVARIANT: the map holds only keys with work queued or running, so it cannot grow
      // without bound over the lifetime of a mount.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with work queued or running (for tests). */
  get size(): number {
    return this.tails.size;
  }
}
