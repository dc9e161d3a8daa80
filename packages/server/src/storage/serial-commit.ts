/**
 * Ordered group commit for backends whose commit is a network round trip (PostgreSQL, etcd).
 *
 * Writes issued in the same turn of the event loop share one transaction, and groups commit one
 * after another, never concurrently: two writes to one key therefore land in the order they were
 * issued even though the backend has a pool of connections. While a group is in flight the next
 * one fills up, so under load each round trip carries many writes.
 *
 * Reads stay consistent with writes issued before them (the conformance suite's "reads its own
 * writes"): a reader asks `settledFor(key)` / `settledForPrefix(prefix)` and waits for exactly
 * the groups that write what it is about to read. The backend stays the only source of truth: a
 * write that fails is never seen by anyone.
 *
 * (group-commit.ts does the same for SQLite, whose commit is synchronous.)
 */

/**
 * Applies a group in one transaction, all or nothing. If it throws and the group holds several
 * requests, each is retried alone, in order, so one bad request fails only its own caller.
 */
export type CommitAsync<T> = (requests: readonly T[]) => Promise<void>;

interface Waiting<T> {
  readonly request: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

interface Group<T> {
  readonly seq: number;
  readonly waiting: Waiting<T>[];
  size: number;
  readonly keys: string[];
  /** Resolves (never rejects) once the group is committed or rolled back. */
  readonly settled: Promise<void>;
  readonly settle: () => void;
}

export interface SerialCommitOptions<T> {
  /** The storage keys a request writes. */
  keysOf(request: T): Iterable<string>;
  /** How much of a group's capacity a request uses (etcd caps operations per transaction). */
  sizeOf?(request: T): number;
  /** Capacity of one group; a request larger than this still gets a group of its own. */
  maxGroupSize?: number;
}

export class SerialCommit<T> {
  /** Groups waiting to commit, oldest first; the last one is still filling. */
  private readonly queue: Group<T>[] = [];
  /** key → the newest queued or in-flight group that writes it. */
  private readonly pendingKeys = new Map<string, Group<T>>();
  private inFlight: Group<T> | undefined;
  private scheduled: NodeJS.Immediate | undefined;
  private seq = 0;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: (() => void) | undefined;

  constructor(
    private readonly commit: CommitAsync<T>,
    private readonly options: SerialCommitOptions<T>,
  ) {}

  /** Resolves once `request` is committed (durable), rejects if it was rolled back. */
  enqueue(request: T): Promise<void> {
    const size = this.options.sizeOf?.(request) ?? 1;
    const max = this.options.maxGroupSize ?? Infinity;
    let group = this.queue.at(-1);
    if (group === undefined || (group.size > 0 && group.size + size > max)) {
      group = newGroup<T>(++this.seq);
      this.queue.push(group);
    }
    group.size += size;
    for (const key of this.options.keysOf(request)) {
      this.pendingKeys.set(key, group);
      group.keys.push(key);
    }
    if (this.markIdle === undefined) this.idle = new Promise((resolve) => (this.markIdle = resolve));
    const done = new Promise<void>((resolve, reject) => group.waiting.push({ request, resolve, reject }));
    // setImmediate rather than a microtask: requests arriving from several sockets in one poll
    // phase land in the same group.
    if (this.inFlight === undefined) this.scheduled ??= setImmediate(() => void this.run());
    return done;
  }

  /** When a queued or in-flight write touches `key`: resolves once its outcome is in storage. */
  settledFor(key: string): Promise<void> | undefined {
    return this.pendingKeys.get(key)?.settled;
  }

  /** As {@link settledFor}, for any pending key starting with `prefix` (LIST, key scans). */
  settledForPrefix(prefix: string): Promise<void> | undefined {
    // Groups settle in order, so waiting for the newest matching one covers the others.
    let newest: Group<T> | undefined;
    for (const [key, group] of this.pendingKeys) {
      if (key.startsWith(prefix) && (newest === undefined || group.seq > newest.seq)) newest = group;
    }
    return newest?.settled;
  }

  /** Resolves when nothing is queued or in flight (close() waits for this). */
  drain(): Promise<void> {
    return this.idle;
  }

  /** Commits queued groups one after another until the queue is empty. */
  private async run(): Promise<void> {
    this.scheduled = undefined;
    for (let group = this.queue.shift(); group !== undefined; group = this.queue.shift()) {
      this.inFlight = group;
      await this.commitGroup(group);
      for (const key of group.keys) if (this.pendingKeys.get(key) === group) this.pendingKeys.delete(key);
      this.inFlight = undefined;
      group.settle();
    }
    this.markIdle?.();
    this.markIdle = undefined;
  }

  private async commitGroup(group: Group<T>): Promise<void> {
    try {
      await this.commit(group.waiting.map((w) => w.request));
      for (const w of group.waiting) w.resolve();
      return;
    } catch (err) {
      if (group.waiting.length === 1) {
        group.waiting[0]!.reject(err);
        return;
      }
    }
    for (const w of group.waiting) {
      try {
        await this.commit([w.request]);
        w.resolve();
      } catch (err) {
        w.reject(err);
      }
    }
  }
}

function newGroup<T>(seq: number): Group<T> {
  let settle!: () => void;
  const settled = new Promise<void>((resolve) => (settle = resolve));
  return { seq, waiting: [], size: 0, keys: [], settled, settle };
}
