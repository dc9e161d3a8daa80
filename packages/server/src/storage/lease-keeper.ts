/**
 * The holder's side of a leased leader lock (PostgreSQL lock row, etcd lease): renews the lease
 * on a timer and declares the lock lost when it cannot prove it still holds it.
 *
 * INVARIANT: `lost` fires before the lease can expire on the server. The lease a renewal grants
 * runs from the server's receipt of the request, which is after the moment the request was sent;
 * the keeper counts from the send, locally, and gives up at `ttl − margin` after the last
 * successful renewal, so a node that cannot reach its store (or whose event loop stalled) stops
 * acting as active before another node may take over.
 */

export interface HaLockTiming {
  /** Lease length: a dead holder is replaced within about `ttlMs + retryMs`. */
  readonly ttlMs: number;
  /** How often the holder renews; a few renewals fit in one lease. */
  readonly renewMs: number;
  /** How often a waiting node tries to take the lock. */
  readonly retryMs: number;
}

export class LeaseKeeper {
  private readonly controller = new AbortController();
  private renewTimer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;

  /**
   * @param grantedAt  `performance.now()` when the winning request was sent
   * @param renew      extends the lease: true if extended, false if the lock is someone else's
   */
  constructor(
    private readonly timing: HaLockTiming,
    grantedAt: number,
    private readonly renew: () => Promise<boolean>,
  ) {
    this.armDeadline(grantedAt);
    this.scheduleRenew();
  }

  /** Aborted when the lock is lost or given up. */
  get lost(): AbortSignal {
    return this.controller.signal;
  }

  get held(): boolean {
    return !this.controller.signal.aborted;
  }

  /** Stops renewing and marks the lock as no longer held. */
  stop(reason = 'released'): void {
    clearTimeout(this.renewTimer);
    clearTimeout(this.deadlineTimer);
    if (!this.controller.signal.aborted) this.controller.abort(new Error(`ha lock ${reason}`));
  }

  private scheduleRenew(): void {
    this.renewTimer = setTimeout(() => void this.renewOnce(), this.timing.renewMs);
    this.renewTimer.unref();
  }

  private async renewOnce(): Promise<void> {
    const sent = performance.now();
    let extended: boolean | undefined;
    try {
      extended = await this.renew();
    } catch {
      // Unreachable store: keep trying until the local deadline says the lease may be gone.
    }
    if (!this.held) return;
    if (extended === false) return this.stop('lost: another node holds it');
    if (extended === true) this.armDeadline(sent);
    this.scheduleRenew();
  }

  private armDeadline(grantedAt: number): void {
    clearTimeout(this.deadlineTimer);
    const margin = Math.min(this.timing.ttlMs / 5, 2_000);
    const wait = grantedAt + this.timing.ttlMs - margin - performance.now();
    this.deadlineTimer = setTimeout(() => this.stop('lost: lease not renewed in time'), Math.max(0, wait));
    this.deadlineTimer.unref();
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
