/**
 * Group commit: writes issued in the same turn of the event loop share one transaction and so
 * one fsync. With `synchronous=FULL` an fsync costs a few milliseconds, while the transaction
 * around it costs microseconds, so batching is what makes durable writes fast under load.
 *
 * The queue knows which keys each request writes, so a reader can tell whether its key is in
 * the queue (`settledFor`) and wait for exactly that group instead of forcing an early flush.
 * Forcing a flush on every overlapping read is what kept groups at one write each: a KV write's
 * existence check reads storage while the previous request's write is still queued.
 *
 * The commit itself is synchronous on purpose: better-sqlite3 runs a transaction to completion
 * without yielding, so no JavaScript can observe a half-applied group.
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

/** One group being filled: its requests, the keys they touch, and when it settles. */
interface Group<T> {
  readonly waiting: Waiting<T>[];
  /** Resolves (never rejects) once the group is committed or rolled back. */
  readonly settled: Promise<void>;
  readonly settle: () => void;
}

/** Queues requests and commits them together on the next `setImmediate`, or on `flush()`. */
export class GroupCommit<T> {
  private group: Group<T> | undefined;
  /** key → the group that writes it. INVARIANT: holds only keys of the queued group. */
  private readonly queuedKeys = new Map<string, Group<T>>();
  private scheduled: NodeJS.Immediate | undefined;

  /**
   * @param commit  applies one group (see {@link CommitGroup})
   * @param keysOf  the storage keys a request writes, so reads of those keys can wait for it
   */
  constructor(
    private readonly commit: CommitGroup<T>,
    private readonly keysOf: (request: T) => Iterable<string> = () => [],
  ) {}

  /** Number of requests waiting for the next flush. */
  get pending(): number {
    return this.group?.waiting.length ?? 0;
  }

  /** Resolves once `request` is committed (durable), rejects if it was rolled back. */
  enqueue(request: T): Promise<void> {
    const group = (this.group ??= newGroup<T>());
    for (const key of this.keysOf(request)) this.queuedKeys.set(key, group);
    return new Promise<void>((resolve, reject) => {
      group.waiting.push({ request, resolve, reject });
      // setImmediate rather than queueMicrotask: it runs after pending I/O callbacks, so
      // requests arriving from several sockets in one poll phase land in the same group.
      this.scheduled ??= setImmediate(() => this.flush());
    });
  }

  /**
   * When a queued request writes `key`: a promise that resolves once that group has settled
   * (committed or rolled back), after which storage holds the outcome. Otherwise `undefined`:
   * storage already holds the latest committed value and nothing queued changes it.
   */
  settledFor(key: string): Promise<void> | undefined {
    return this.queuedKeys.get(key)?.settled;
  }

  /** As {@link settledFor}, for any queued key that starts with `prefix` (LIST, key scans). */
  settledForPrefix(prefix: string): Promise<void> | undefined {
    const group = this.group;
    if (group === undefined) return undefined;
    if (prefix === '') return group.settled;
    for (const key of this.queuedKeys.keys()) if (key.startsWith(prefix)) return group.settled;
    return undefined;
  }

  /**
   * Commits everything queued now, synchronously (`close()` drains with it). Promises settle
   * afterwards, as microtasks.
   */
  flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    const group = this.group;
    if (group === undefined) return;
    this.group = undefined;
    this.queuedKeys.clear();
    const { waiting } = group;
    let results: readonly (unknown | undefined)[];
    try {
      results = this.commit(waiting.map((w) => w.request));
    } catch (err) {
      for (const w of waiting) w.reject(err);
      group.settle();
      return;
    }
    waiting.forEach((w, i) => {
      const err = results[i];
      if (err === undefined) w.resolve();
      else w.reject(err);
    });
    group.settle();
  }
}

function newGroup<T>(): Group<T> {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  return { waiting: [], settled, settle };
}
