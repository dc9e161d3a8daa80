import { InvalidRequestError, NotFoundError, PermissionDeniedError } from './errors.js';
import type { LeaseClient } from './lease-client.js';
import type { SdkLogger } from './logger.js';
import type { TokenClient } from './token-client.js';

/** What is watched: the client's own token (`renew-self`) or a lease, with its current TTL in seconds. */
export type WatchedSecret =
  | { kind: 'token'; ttl: number; renewable?: boolean }
  | { kind: 'lease'; leaseId: string; ttl: number; renewable?: boolean };

/**
 * Why the watcher stopped. Every reason but `stopped` means the secret will expire and the caller
 * should get a new one (log in again, read new credentials).
 */
export type WatcherDoneReason =
  | 'stopped'
  /** The server says the token or lease cannot be renewed. */
  | 'not_renewable'
  /** The max TTL is reached: renewal no longer extends the lifetime meaningfully. */
  | 'max_ttl'
  /** The server refused the renewal (revoked, unknown, permission denied). */
  | 'renew_failed'
  /** Renewal kept failing (server unreachable) until the secret expired. */
  | 'expired';

export interface WatcherDone {
  reason: WatcherDoneReason;
  /** The last renewal error, for `renew_failed` and `expired`. */
  error?: unknown;
}

export interface LifetimeWatcherOptions {
  /** Seconds asked for on each renewal; default the token's or lease's own TTL. */
  increment?: number;
  /** Renew when this fraction of the TTL has passed; default 2/3. */
  renewAt?: number;
  /** First retry delay after a failed renewal, doubled each time; default 1000 ms. */
  retryMs?: number;
  onRenew?(renewal: { ttl: number; renewable: boolean }): void;
  /** A renewal failed; the watcher retries until expiry unless the failure is final. */
  onError?(error: unknown): void;
  logger?: SdkLogger;
}

/** The client calls the watcher makes. */
export interface RenewingClient {
  token: Pick<TokenClient, 'renewSelf'>;
  lease: Pick<LeaseClient, 'renew'>;
}

/**
 * Keeps a token or a lease alive: renews at ~2/3 of its TTL, retries with backoff when the server
 * is unreachable, and reports through `done` (and the logger) when it cannot go on, as Vault's
 * `api.LifetimeWatcher` does.
 *
 * ```ts
 * const creds = await vault.database().creds('readonly');
 * const watcher = vault.watch({ kind: 'lease', leaseId: creds.lease_id, ttl: creds.lease_duration, renewable: creds.renewable });
 * watcher.done.then(({ reason }) => reconnectWithNewCredentials(reason));
 * ```
 */
export class LifetimeWatcher {
  readonly done: Promise<WatcherDone>;
  private resolveDone!: (done: WatcherDone) => void;
  private timer: NodeJS.Timeout | undefined;
  private finished = false;
  private expiresAt: number;
  private failures = 0;
  private readonly renewAt: number;
  private readonly firstTtl: number;

  constructor(
    private readonly client: RenewingClient,
    private readonly secret: WatchedSecret,
    private readonly options: LifetimeWatcherOptions = {},
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.renewAt = options.renewAt ?? 2 / 3;
    this.firstTtl = secret.ttl;
    this.expiresAt = Date.now() + secret.ttl * 1000;
  }

  /** Starts watching; returns `this`. */
  start(): this {
    if (this.secret.renewable === false || this.secret.ttl <= 0) this.finish({ reason: 'not_renewable' });
    else this.schedule(this.secret.ttl * this.renewAt * 1000);
    return this;
  }

  /** Stops renewing (its timer keeps the process alive until then); `done` resolves with `stopped`. */
  stop(): void {
    this.finish({ reason: 'stopped' });
  }

  private schedule(delayMs: number): void {
    if (this.finished) return;
    this.timer = setTimeout(() => void this.renew(), Math.max(0, delayMs));
  }

  private async renew(): Promise<void> {
    let ttl: number;
    let renewable: boolean;
    try {
      if (this.secret.kind === 'token') {
        const res = await this.client.token.renewSelf(this.options.increment);
        ({ lease_duration: ttl, renewable } = res.auth);
      } else {
        ({ lease_duration: ttl, renewable } = await this.client.lease.renew(this.secret.leaseId, this.options.increment ?? 0));
      }
    } catch (err) {
      this.failed(err);
      return;
    }
    if (this.finished) return;
    this.failures = 0;
    this.expiresAt = Date.now() + ttl * 1000;
    this.options.onRenew?.({ ttl, renewable });
    if (!renewable) return this.finish({ reason: 'not_renewable' });
    // Capped by the max TTL: once what is left is shorter than the margin we renew within, renewing
    // again would only spin; stop and let the caller replace the secret.
    if (ttl <= this.firstTtl * (1 - this.renewAt) || ttl <= 0) return this.finish({ reason: 'max_ttl' });
    this.schedule(ttl * this.renewAt * 1000);
  }

  private failed(err: unknown): void {
    if (this.finished) return;
    this.options.onError?.(err);
    const what = this.secret.kind === 'token' ? 'token' : `lease \`${this.secret.leaseId}\``;
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof PermissionDeniedError || err instanceof NotFoundError || err instanceof InvalidRequestError) {
      this.options.logger?.warn(`cannot renew ${what}: ${message}`);
      return this.finish({ reason: 'renew_failed', error: err });
    }
    const left = this.expiresAt - Date.now();
    if (left <= 0) {
      this.options.logger?.warn(`${what} expired: renewal kept failing: ${message}`);
      return this.finish({ reason: 'expired', error: err });
    }
    this.options.logger?.warn(`renewing ${what} failed, retrying: ${message}`);
    const delay = Math.min((this.options.retryMs ?? 1000) * 2 ** this.failures++, left / 2);
    this.schedule(Math.max(delay, Math.min(left, 10)));
  }

  private finish(done: WatcherDone): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.resolveDone(done);
  }
}
