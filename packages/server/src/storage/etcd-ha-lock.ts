import type { EtcdGateway } from './etcd-gateway.js';
import { LeaseKeeper, sleep, type HaLockTiming } from './lease-keeper.js';
import type { HaLock } from './storage-backend.js';

/**
 * The etcd leader lock: a leader key attached to a lease, written by a transaction that only
 * succeeds if the key does not exist (`create_revision == 0`), the election recipe of etcd's
 * own `concurrency` package. The holder keeps the lease alive; if it dies, the lease expires,
 * etcd deletes the key, and a waiting node's next transaction succeeds. Releasing revokes the
 * lease, which deletes the key at once. Lease expiry is judged by etcd's clock alone.
 */
export class EtcdHaLock implements HaLock {
  private readonly timing: HaLockTiming;
  private keeper: LeaseKeeper | undefined;
  private lease: string | undefined;

  constructor(
    private readonly etcd: EtcdGateway,
    private readonly key: Buffer,
    timing: Partial<HaLockTiming> = {},
  ) {
    this.timing = { ttlMs: 10_000, renewMs: 3_000, retryMs: 2_000, ...timing };
  }

  async acquire(nodeId: string, advertise: string, signal: AbortSignal): Promise<{ lost: AbortSignal }> {
    if (this.keeper?.held) throw new Error('ha lock: already held by this node');
    const value = Buffer.from(JSON.stringify({ nodeId, advertise }));
    for (;;) {
      signal.throwIfAborted();
      const sent = performance.now();
      let lease: string | undefined;
      try {
        lease = await this.etcd.grantLease(Math.max(2, Math.ceil(this.timing.ttlMs / 1000)));
        const won = await this.etcd.txn([{ put: { key: this.key, value, lease } }], this.key);
        if (won && !signal.aborted) {
          this.lease = lease;
          const id = lease;
          this.keeper = new LeaseKeeper(this.timing, sent, () => this.etcd.keepAlive(id, this.timing.renewMs));
          return { lost: this.keeper.lost };
        }
      } catch {
        // etcd unreachable: try again after the retry interval
      }
      if (lease !== undefined) await this.etcd.revokeLease(lease).catch(() => undefined);
      await sleep(this.timing.retryMs, signal);
    }
  }

  async leader(): Promise<{ nodeId: string; advertise: string } | undefined> {
    const { kvs } = await this.etcd.range(this.key);
    const kv = kvs[0];
    if (kv === undefined) return undefined;
    const { nodeId, advertise } = JSON.parse(kv.value.toString('utf8')) as { nodeId: string; advertise: string };
    return { nodeId, advertise };
  }

  /** Revokes the lease: the leader key goes with it and a waiting node takes over at once. */
  async release(): Promise<void> {
    const lease = this.lease;
    this.abandon();
    if (lease !== undefined) await this.etcd.revokeLease(lease).catch(() => undefined);
  }

  /** Stops keeping the lease alive without revoking it, as a crash would; used by `close()`. */
  abandon(): void {
    this.keeper?.stop();
    this.keeper = undefined;
    this.lease = undefined;
  }
}
