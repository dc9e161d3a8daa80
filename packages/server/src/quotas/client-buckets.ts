/** How one rate-limit quota meters each client. */
export interface BucketSpec {
  /** Requests allowed per `intervalMs` (Vault's `rate`; > 0, may be fractional). */
  readonly rate: number;
  readonly intervalMs: number;
  /** Once a client is refused, refuse it for this long (Vault's `block_interval`); 0 = never. */
  readonly blockMs: number;
}

/** The outcome of one request against a client's bucket. */
export interface Take {
  readonly allowed: boolean;
  /** Whole requests the bucket holds (Vault's `X-Ratelimit-Limit`). */
  readonly limit: number;
  /** Whole requests left after this one. */
  readonly remaining: number;
  /** Milliseconds until the bucket is full again. */
  readonly resetMs: number;
  /** Refused only: milliseconds until a request can succeed (the block, or the next token). */
  readonly retryMs: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
  /** ms; 0 when not blocked. */
  blockedUntil: number;
}

/** Clients one quota keeps state for; beyond it the oldest are forgotten (see {@link evict}). */
export const MAX_CLIENTS = 65_536;
/** Idle clients are swept at most this often, and only when a new client arrives. */
const SWEEP_EVERY_MS = 60_000;

/**
 * A token bucket per client address, as Vault's rate limiter keys on the client
 * (docs/concepts/resource-quotas): a client may send `rate` requests at once, then `rate` per
 * interval, refilled continuously. Buckets start full.
 *
 * Memory is bounded: a full, unblocked bucket is the same as no bucket, so idle clients are
 * dropped losslessly by a sweep that runs when a new client arrives and a minute has passed;
 * past {@link MAX_CLIENTS} the oldest tenth is dropped at once (so a flood of new addresses
 * costs one sweep per tenth, not one per request). A dropped client starts again with a full
 * bucket — the price of the bound, paid only by clients that were idle or that arrived first
 * among more than MAX_CLIENTS.
 */
export class ClientBuckets {
  private readonly buckets = new Map<string, Bucket>();
  /** Whole requests a full bucket holds: at least one, or a rate below 1 would refuse all. */
  private readonly capacity: number;
  private readonly perMs: number;
  private lastSweep = 0;

  constructor(
    private readonly spec: BucketSpec,
    private readonly maxClients = MAX_CLIENTS,
  ) {
    this.capacity = Math.max(1, spec.rate);
    this.perMs = spec.rate / spec.intervalMs;
  }

  take(client: string, now: number): Take {
    let bucket = this.buckets.get(client);
    if (bucket === undefined) {
      this.makeRoom(now);
      bucket = { tokens: this.capacity, at: now, blockedUntil: 0 };
      this.buckets.set(client, bucket);
    }
    if (bucket.blockedUntil > now) return this.refused(bucket, now, bucket.blockedUntil - now);
    bucket.blockedUntil = 0;
    this.refill(bucket, now);
    if (bucket.tokens < 1) {
      if (this.spec.blockMs > 0) {
        bucket.blockedUntil = now + this.spec.blockMs;
        return this.refused(bucket, now, this.spec.blockMs);
      }
      return this.refused(bucket, now, Math.ceil((1 - bucket.tokens) / this.perMs));
    }
    bucket.tokens -= 1;
    const limit = Math.floor(this.capacity);
    return { allowed: true, limit, remaining: Math.floor(bucket.tokens), resetMs: this.resetMs(bucket), retryMs: 0 };
  }

  /** Clients with state (tests, and the bound's proof). */
  get size(): number {
    return this.buckets.size;
  }

  private refused(bucket: Bucket, now: number, retryMs: number): Take {
    this.refill(bucket, now);
    return { allowed: false, limit: Math.floor(this.capacity), remaining: 0, resetMs: this.resetMs(bucket), retryMs };
  }

  private refill(bucket: Bucket, now: number): void {
    if (now > bucket.at) bucket.tokens = Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.perMs);
    bucket.at = now;
  }

  private resetMs(bucket: Bucket): number {
    return Math.ceil((this.capacity - bucket.tokens) / this.perMs);
  }

  private idle(bucket: Bucket, now: number): boolean {
    return bucket.blockedUntil <= now && bucket.tokens + (now - bucket.at) * this.perMs >= this.capacity;
  }

  /** Before a new client is added: drop idle clients now and then, and the oldest when full. */
  private makeRoom(now: number): void {
    const full = this.buckets.size >= this.maxClients;
    if (!full && now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [client, bucket] of this.buckets) if (this.idle(bucket, now)) this.buckets.delete(client);
    if (this.buckets.size >= this.maxClients) this.evict(Math.ceil(this.maxClients / 10));
  }

  /** Drops the `n` clients that arrived first (a Map iterates in insertion order). */
  private evict(n: number): void {
    for (const client of this.buckets.keys()) {
      if (n-- <= 0) break;
      this.buckets.delete(client);
    }
  }
}
