/**
 * Group commit: writes issued while the previous group is committing share one transaction and
 * so one fsync. With `synchronous=FULL` an fsync costs a few hundred microseconds to a few
 * milliseconds, while the transaction around it costs microseconds, so batching is what makes
 * durable writes fast under load.
 *
 * At most one group is in flight. When the commit is asynchronous (SQLite's writer thread), the
 * next group fills while the current one fsyncs and is sent the moment it settles: the longer a
 * commit takes, the more writes the next group carries. When the commit is synchronous
 * (in-memory SQLite), a group is simply everything queued before the next `setImmediate`.
 *
 * The queue knows which keys each request writes, so a reader can tell whether its key is in
 * the queue or in flight (`settledFor`) and wait for exactly that group instead of forcing an
 * early flush. Forcing a flush on every overlapping read is what kept groups at one write each:
 * a KV write's existence check reads storage while the previous request's write is queued.
 */

/**
 * Applies a group of requests in one transaction. Returns, for each request, `undefined` if it
 * was applied or the error that rolled back just that request; throws (or rejects) if the whole
 * transaction failed, and then nothing was applied and every request is rejected with that error.
 */
export type CommitGroup<T> = (
  requests: readonly T[],
) => readonly (unknown | undefined)[] | Promise<readonly (unknown | undefined)[]>;

interface Waiting<T> {
  readonly request: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/** One group: its requests, the keys they touch, and when it settles. */
interface Group<T> {
  readonly waiting: Waiting<T>[];
  readonly keys: string[];
  /** Resolves (never rejects) once the group is committed or rolled back. */
  readonly settled: Promise<void>;
  readonly settle: () => void;
}

/** Queues requests and commits them together, one group in flight at a time. */
export class GroupCommit<T> {
  /** The group taking new requests. */
  private filling: Group<T> | undefined;
  /** The group being committed. */
  private inFlight: Group<T> | undefined;
  /**
   * key → the latest group that writes it. INVARIANT: holds only keys of the filling or the
   * in-flight group; groups commit in order, so waiting for the latest covers the earlier one.
   */
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

  /** Number of requests waiting for the next commit (not counting the one in flight). */
  get pending(): number {
    return this.filling?.waiting.length ?? 0;
  }

  /** Resolves once `request` is committed (durable), rejects if it was rolled back. */
  enqueue(request: T): Promise<void> {
    const group = (this.filling ??= newGroup<T>());
    for (const key of this.keysOf(request)) {
      this.queuedKeys.set(key, group);
      group.keys.push(key);
    }
    return new Promise<void>((resolve, reject) => {
      group.waiting.push({ request, resolve, reject });
      this.schedule();
    });
  }

  /**
   * When a queued or in-flight request writes `key`: a promise that resolves once that group
   * has settled (committed or rolled back), after which storage holds the outcome. Otherwise
   * `undefined`: storage already holds the latest committed value and nothing queued changes it.
   */
  settledFor(key: string): Promise<void> | undefined {
    return this.queuedKeys.get(key)?.settled;
  }

  /** As {@link settledFor}, for any queued key that starts with `prefix` (LIST, key scans). */
  settledForPrefix(prefix: string): Promise<void> | undefined {
    const latest = this.filling ?? this.inFlight;
    if (latest === undefined) return undefined;
    if (prefix === '') return latest.settled;
    let found: Group<T> | undefined;
    for (const [key, group] of this.queuedKeys) {
      if (!key.startsWith(prefix)) continue;
      if (group === latest) return group.settled;
      found = group;
    }
    return found?.settled;
  }

  /**
   * Starts committing what is queued now, unless a group is already in flight (then it goes
   * as soon as that one settles). A synchronous commit completes before this returns; the
   * requests' promises settle afterwards, as microtasks.
   */
  flush(): void {
    if (this.scheduled !== undefined) {
      clearImmediate(this.scheduled);
      this.scheduled = undefined;
    }
    if (this.inFlight !== undefined) return;
    const group = this.filling;
    if (group === undefined) return;
    this.filling = undefined;
    this.inFlight = group;
    let outcome: ReturnType<CommitGroup<T>>;
    try {
      outcome = this.commit(group.waiting.map((w) => w.request));
    } catch (err) {
      this.finish(group, err, undefined);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (results) => this.finish(group, undefined, results),
        (err: unknown) => this.finish(group, err, undefined),
      );
    } else {
      this.finish(group, undefined, outcome);
    }
  }

  /** Resolves once everything queued so far has settled (`close()` drains with it). */
  async drain(): Promise<void> {
    for (;;) {
      const last = this.filling ?? this.inFlight;
      if (last === undefined) return;
      this.flush();
      await last.settled;
    }
  }

  private schedule(): void {
    // setImmediate rather than queueMicrotask: it runs after pending I/O callbacks, so
    // requests arriving from several sockets in one poll phase land in the same group.
    if (this.scheduled === undefined && this.inFlight === undefined) {
      this.scheduled = setImmediate(() => {
        this.scheduled = undefined;
        this.flush();
      });
    }
  }

  private finish(group: Group<T>, failure: unknown, results: readonly (unknown | undefined)[] | undefined): void {
    this.inFlight = undefined;
    for (const key of group.keys) if (this.queuedKeys.get(key) === group) this.queuedKeys.delete(key);
    group.waiting.forEach((w, i) => {
      const err = results === undefined ? failure : results[i];
      if (err === undefined) w.resolve();
      else w.reject(err);
    });
    group.settle();
    if (this.filling !== undefined) this.schedule();
  }
}

function newGroup<T>(): Group<T> {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  return { waiting: [], keys: [], settled, settle };
}
