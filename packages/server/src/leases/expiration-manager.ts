import { randomBytes } from 'node:crypto';
import { invalidRequest, VaultError } from '../errors.js';
import type { Clock, LeaseHandlers, Logger, MountEntry, SecretLease } from '../framework/engine.js';
import { childrenOf } from '../storage/storage-backend.js';
import type { StorageView } from '../storage/storage-view.js';
import type { LeaseEntry } from './lease-entry.js';
import { TimerSet } from './timer-set.js';

export interface ExpirationOptions {
  /** Failed revocations before a lease is marked irrevocable (Vault: 6). */
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Irrevocable leases are still retried, slowly: a lease is never dropped silently. */
  irrevocableRetryMs: number;
}

const DEFAULTS: ExpirationOptions = {
  maxAttempts: 6,
  baseBackoffMs: 1_000,
  maxBackoffMs: 60_000,
  irrevocableRetryMs: 10 * 60_000,
};

/** Finds the engine handlers that renew and revoke a lease (by mount uuid and secret type). */
export type LeaseHandlerLookup = (lease: LeaseEntry) => LeaseHandlers | undefined;

/** A source of expiring tokens: tokens with a TTL are revoked at expiry like any lease. */
export interface TokenExpirySource {
  expiring(): Iterable<{ hash: string; expireTime: number }>;
  revoke(hash: string): Promise<void>;
}

/**
 * The expiration manager: every leased secret is persisted through the barrier, restored on
 * unseal, revoked through its engine at expiry, renewed within its max TTL, and revoked with
 * the token it was issued to. A revocation that fails is retried with exponential backoff; after
 * `maxAttempts` the lease is marked irrevocable and reported, and still retried slowly.
 *
 * INVARIANT: a lease record is deleted only after its engine confirmed the revocation
 * (or an operator forced it with revoke-force).
 */
export class ExpirationManager {
  private readonly leases = new Map<string, LeaseEntry>();
  private readonly byToken = new Map<string, Set<string>>();
  private readonly timers: TimerSet;
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly options: ExpirationOptions;
  private tokens: TokenExpirySource | undefined;
  private stopped = false;

  constructor(
    private readonly view: StorageView,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly handlers: LeaseHandlerLookup,
    options: Partial<ExpirationOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.timers = new TimerSet(() => clock.now());
  }

  /** Loads every persisted lease and schedules it; overdue ones are revoked at once. */
  async restore(): Promise<void> {
    for await (const key of this.view.keys('id/')) {
      const lease = await this.view.getJson<LeaseEntry>(key);
      if (!lease) continue;
      this.index(lease);
      this.scheduleLease(lease);
    }
  }

  /** Stops every timer (on seal or step-down); state stays in storage for the next active node. */
  stop(): void {
    this.stopped = true;
    this.timers.clear();
  }

  /** Registers a new lease for a secret an engine just produced. */
  async register(p: {
    mount: MountEntry;
    path: string;
    secret: SecretLease;
    ttlSeconds: number;
    maxTtlSeconds: number;
    tokenHash?: string;
  }): Promise<LeaseEntry> {
    const now = this.clock.now();
    const lease: LeaseEntry = {
      id: `${p.path.replace(/\/+$/, '')}/${randomBytes(18).toString('base64url')}`,
      path: p.path,
      mountUuid: p.mount.uuid,
      secretType: p.secret.type,
      internal: p.secret.internal,
      ...(p.tokenHash !== undefined && { tokenHash: p.tokenHash }),
      issueTime: now,
      expireTime: now + p.ttlSeconds * 1000,
      lastRenewalTime: 0,
      maxExpireTime: now + p.maxTtlSeconds * 1000,
      renewable: p.secret.renewable,
      revokeAttempts: 0,
    };
    await this.persist(lease);
    this.index(lease);
    this.scheduleLease(lease);
    return lease;
  }

  lookup(id: string): LeaseEntry | undefined {
    return this.leases.get(id);
  }

  /** Lease ids one level below `prefix`, Vault-style (folders end in `/`). */
  list(prefix: string): string[] {
    return childrenOf(prefix, this.leases.keys());
  }

  /** Every lease whose revocation has given up retrying fast. */
  irrevocable(): LeaseEntry[] {
    return [...this.leases.values()].filter((l) => l.irrevocable);
  }

  /** Lease counts and the soonest expiry per mount, for metrics. */
  stats(): Map<string, { count: number; soonestExpireMs: number }> {
    const out = new Map<string, { count: number; soonestExpireMs: number }>();
    for (const lease of this.leases.values()) {
      const s = out.get(lease.mountUuid) ?? { count: 0, soonestExpireMs: Infinity };
      s.count++;
      s.soonestExpireMs = Math.min(s.soonestExpireMs, lease.expireTime);
      out.set(lease.mountUuid, s);
    }
    return out;
  }

  get count(): number {
    return this.leases.size;
  }

  /** Renews a lease by `incrementSeconds` (0 = its original TTL), capped at its max TTL. */
  async renew(id: string, incrementSeconds: number): Promise<LeaseEntry> {
    const lease = this.leases.get(id);
    if (!lease) throw invalidRequest('lease not found or lease is not renewable');
    const handlers = this.handlers(lease);
    if (!lease.renewable || !handlers?.renew) throw invalidRequest('lease is not renewable');
    const now = this.clock.now();
    if (lease.expireTime <= now) throw invalidRequest('lease expired');
    const original = Math.round((lease.expireTime - (lease.lastRenewalTime || lease.issueTime)) / 1000);
    const wanted = incrementSeconds > 0 ? incrementSeconds : original;
    const ttl = Math.max(0, Math.min(wanted, Math.floor((lease.maxExpireTime - now) / 1000)));
    await handlers.renew(lease.internal, { increment: wanted, ttl });
    const renewed: LeaseEntry = { ...lease, expireTime: now + ttl * 1000, lastRenewalTime: now };
    await this.persist(renewed);
    this.leases.set(id, renewed);
    this.scheduleLease(renewed);
    return renewed;
  }

  /**
   * Revokes a lease now. With `force`, the record goes even if the engine fails (dangling
   * credentials are then the operator's choice). Without it, a failure is retried in the
   * background and, when `sync`, reported to the caller.
   */
  async revoke(id: string, opts: { force?: boolean; sync?: boolean } = {}): Promise<void> {
    const lease = this.leases.get(id);
    if (!lease) return;
    if (opts.force) {
      await this.attempt(lease).catch(() => false);
      if (this.leases.has(id)) await this.remove(this.leases.get(id)!);
      return;
    }
    const done = this.attempt(lease);
    if (opts.sync === false) return;
    if (!(await done)) {
      throw new VaultError('invalid_request', `failed to revoke lease \`${id}\`; it will be retried`);
    }
  }

  /** Revokes every lease whose id starts with `prefix`. */
  async revokePrefix(prefix: string, opts: { force?: boolean; sync?: boolean } = {}): Promise<void> {
    const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
    const ids = [...this.leases.keys()].filter((id) => id.startsWith(p));
    const results = await Promise.allSettled(ids.map((id) => this.revoke(id, opts)));
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed > 0) throw new VaultError('invalid_request', `failed to revoke ${failed} of ${ids.length} leases; they will be retried`);
  }

  /** Revokes every lease of a mount, before the mount is removed; fails if any cannot be revoked. */
  async revokeMount(mountUuid: string): Promise<void> {
    const ids = [...this.leases.values()].filter((l) => l.mountUuid === mountUuid).map((l) => l.id);
    const results = await Promise.allSettled(ids.map((id) => this.revoke(id, { sync: true })));
    if (results.some((r) => r.status === 'rejected')) {
      throw new VaultError('invalid_request', 'failed to revoke the leases of the mount; it was not removed');
    }
  }

  /** Revokes every lease issued to a token (called when the token is revoked). */
  async revokeByToken(tokenHash: string): Promise<void> {
    const ids = [...(this.byToken.get(tokenHash) ?? [])];
    await Promise.allSettled(ids.map((id) => this.revoke(id, { sync: false })));
  }

  /** Drops records that can never be revoked because their mount is gone and nothing handles them. */
  async tidy(): Promise<number> {
    let removed = 0;
    for (const lease of [...this.leases.values()]) {
      if (lease.irrevocable && !this.handlers(lease)) {
        this.log.warn('tidy removed a lease whose engine no longer exists', { lease_id: lease.id });
        await this.remove(lease);
        removed++;
      }
    }
    return removed;
  }

  /** Schedules revocation of expiring tokens, restoring their timers from the token store. */
  watchTokens(source: TokenExpirySource): void {
    this.tokens = source;
    for (const { hash, expireTime } of source.expiring()) this.scheduleToken(hash, expireTime);
  }

  /** (Re)schedules a token's expiry; 0 cancels it. */
  scheduleToken(hash: string, expireTime: number): void {
    const key = `token:${hash}`;
    if (expireTime === 0 || this.stopped) return this.timers.cancel(key);
    this.timers.schedule(key, expireTime, () => void this.expireToken(hash, expireTime, 0));
  }

  private async expireToken(hash: string, expireTime: number, attempt: number): Promise<void> {
    try {
      await this.tokens?.revoke(hash);
    } catch (err) {
      this.log.warn('token revocation failed; retrying', { error: oneLine(err) });
      if (!this.stopped) {
        this.timers.schedule(`token:${hash}`, this.clock.now() + this.backoff(attempt + 1), () =>
          void this.expireToken(hash, expireTime, attempt + 1),
        );
      }
    }
  }

  private scheduleLease(lease: LeaseEntry): void {
    if (this.stopped) return;
    const at = lease.revokeAttempts > 0 ? this.retryAt(lease) : lease.expireTime;
    this.timers.schedule(lease.id, at, () => {
      const current = this.leases.get(lease.id);
      if (current) void this.attempt(current);
    });
  }

  private retryAt(lease: LeaseEntry): number {
    const delay = lease.irrevocable ? this.options.irrevocableRetryMs : this.backoff(lease.revokeAttempts);
    return this.clock.now() + delay;
  }

  private backoff(attempts: number): number {
    return Math.min(this.options.maxBackoffMs, this.options.baseBackoffMs * 2 ** Math.max(0, attempts - 1));
  }

  /** One revocation attempt; concurrent callers share it. Resolves true when revoked. */
  private attempt(lease: LeaseEntry): Promise<boolean> {
    const running = this.inFlight.get(lease.id);
    if (running) return running;
    const p = this.revokeOnce(lease).finally(() => this.inFlight.delete(lease.id));
    this.inFlight.set(lease.id, p);
    return p;
  }

  private async revokeOnce(lease: LeaseEntry): Promise<boolean> {
    if (!this.leases.has(lease.id)) return true;
    try {
      const handlers = this.handlers(lease);
      if (!handlers) throw new Error(`no engine handles \`${lease.secretType}\` leases of this mount`);
      await handlers.revoke(lease.internal);
    } catch (err) {
      const current = this.leases.get(lease.id);
      if (!current) return false;
      const attempts = current.revokeAttempts + 1;
      const failed: LeaseEntry = {
        ...current,
        revokeAttempts: attempts,
        revokeError: oneLine(err),
        ...(attempts >= this.options.maxAttempts && { irrevocable: true }),
      };
      this.leases.set(lease.id, failed);
      if (failed.irrevocable && !current.irrevocable) {
        this.log.error('lease marked irrevocable after repeated failures', { lease_id: lease.id, error: failed.revokeError });
      } else {
        this.log.warn('lease revocation failed; retrying', { lease_id: lease.id, attempt: attempts });
      }
      await this.persist(failed).catch(() => {});
      this.scheduleLease(failed);
      return false;
    }
    const current = this.leases.get(lease.id);
    if (current) await this.remove(current);
    return true;
  }

  private index(lease: LeaseEntry): void {
    this.leases.set(lease.id, lease);
    if (lease.tokenHash) {
      let set = this.byToken.get(lease.tokenHash);
      if (!set) this.byToken.set(lease.tokenHash, (set = new Set()));
      set.add(lease.id);
    }
  }

  private async remove(lease: LeaseEntry): Promise<void> {
    this.timers.cancel(lease.id);
    await this.view.delete(`id/${lease.id}`);
    this.leases.delete(lease.id);
    if (lease.tokenHash) {
      const set = this.byToken.get(lease.tokenHash);
      set?.delete(lease.id);
      if (set?.size === 0) this.byToken.delete(lease.tokenHash);
    }
  }

  private persist(lease: LeaseEntry): Promise<void> {
    return this.view.putJson(`id/${lease.id}`, lease);
  }
}

/** An error as one line for logs and lease records; engines must not put secrets in errors. */
function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 300);
}
