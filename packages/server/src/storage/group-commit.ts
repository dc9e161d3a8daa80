/**
 * Group commit: writes issued in the same turn of the event loop share one transaction and so
 * one fsync. With `synchronous=FULL` an fsync costs a few milliseconds, while the transaction
 * around it costs microseconds, so batching is what makes durable writes fast under load.
 *
 * The queue is synchronous on purpose: better-sqlite3 runs a transaction to completion without
 * yielding, so no JavaScript can observe a half-applied group.
 */

/**
 * Applies a group of requests in one transaction. Returns, for each request, `undefined` if it
 * was applied or the error that rolled back just that request; throws if the whole transaction
 * failed (then nothing was applied and every request is rejected with that error).
 */
export type CommitGroup<T> = (requests: readonly T[]) => readonly (unknown | undefined)[];

interface Waiting<T> {
  readonly request: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** Queues requests and commits them together on the next `setImmediate`, or on `flush()`. */
export class GroupCommit<T> {
  private queue: Waiting<T>[] = [];
  private scheduled: NodeJS.Immediate | undefined;

  constructor(private readonly commit: CommitGroup<T>) {}

  /** Number of requests waiting for the next flush. */
  get pending(): number {
    return this.queue.length;
  }

  /** Resolves once `request` is committed (durable), rejects if it was rolled back. */
  enqueue(request: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      // setImmediate rather than queueMicrotask: it runs after pending I/O callbacks, so
      // requests arriving from several sockets in one poll phase land in the same group.
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /**
   * Commits everything queued now, synchronously. Readers call this to see their own writes;
   * `close()` calls it to drain. Promises settle afterwards, as microtasks.
   */
  flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.queue.length === 0) return;
    const group = this.queue;
    this.queue = [];
    let results: readonly (unknown | undefined)[];
    try {
      results = this.commit(group.map((w) => w.request));
    } catch (err) {
      for (const w of group) w.reject(err);
      return;
    }
    group.forEach((w, i) => {
      const err = results[i];
      if (err === undefined) w.resolve();
      else w.reject(err);
    });
  }
}
