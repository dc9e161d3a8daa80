import { toVaultError, type VaultError } from '../errors.js';
import type { StorageBackend } from '../storage/storage-backend.js';
import { valueTerm } from './envelope.js';
import type { KeyedLock } from './keyed-lock.js';
import { isReservedPath } from './reserved-paths.js';

/** What the re-encryption needs from the barrier, and nothing more. */
export interface UpgradeHost {
  readonly backend: StorageBackend;
  /** The lock every barrier write holds from encryption until the backend acknowledges. */
  readonly lock: KeyedLock;
  /** The active keyring term, or `undefined` while sealed. */
  activeTerm(): number | undefined;
  /** Decrypts `stored` (read at `key`) and encrypts it under the active term; throws if sealed. */
  reencrypt(key: string, stored: Uint8Array): Uint8Array;
  /** Records in the keyring that every value is under `term` or later. */
  markUpgraded(term: number): Promise<void>;
  onError?: (key: string, err: VaultError) => void;
}

/**
 * The background re-encryption that follows `sys/rotate`: one pass over every stored value,
 * rewriting those under an older term. Passes run one after another; a seal stops the current
 * pass at its next step, and since the keyring's `upgradedTerm` then stays behind, the next
 * unseal schedules it again.
 */
export class KeyUpgrade {
  /** Writes in progress; a pass waits for those begun before it was scheduled. */
  private readonly inflight = new Set<Promise<void>>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly host: UpgradeHost) {}

  /**
   * Registers a barrier write. A write that encrypted under the old term just before a
   * rotation may land after the pass has listed its key (or, for a new key, before the key
   * existed); waiting for such writes first means no value can slip past the pass.
   */
  track(write: Promise<void>): void {
    this.inflight.add(write);
    const untrack = () => void this.inflight.delete(write);
    write.then(untrack, untrack);
  }

  /** Queues one pass after the current one and after the writes already begun. */
  schedule(): void {
    const earlier = [...this.inflight];
    this.chain = this.chain.then(async () => {
      await Promise.allSettled(earlier);
      await this.pass();
    });
  }

  /** Resolves when no pass is running or queued. */
  async done(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.chain;
      await current;
    } while (current !== this.chain);
  }

  /** Never rejects: failures go to `onError`, and a seal ends the pass quietly. */
  private async pass(): Promise<void> {
    const target = this.host.activeTerm();
    if (target === undefined) return;
    let complete = true;
    try {
      for await (const key of this.host.backend.keys('')) {
        if (isReservedPath(key)) continue;
        if (this.host.activeTerm() === undefined) return;
        try {
          await this.upgradeOne(key);
        } catch (err) {
          if (this.host.activeTerm() === undefined) return;
          complete = false;
          this.host.onError?.(key, toVaultError(err));
        }
      }
      if (complete) await this.host.markUpgraded(target);
    } catch (err) {
      if (this.host.activeTerm() !== undefined) this.host.onError?.('', toVaultError(err));
    }
  }

  private async upgradeOne(key: string): Promise<void> {
    // Cheap check without the lock: after the first pass most values are current.
    const seen = await this.host.backend.get(key);
    if (seen === undefined || !this.isStale(seen)) return;
    await this.host.lock.run([key], async () => {
      // INVARIANT: re-read under the lock. A client write may have landed since `seen`; we
      // re-encrypt exactly what is stored now, and no barrier write can land before our put.
      const current = await this.host.backend.get(key);
      if (current === undefined || !this.isStale(current)) return;
      await this.host.backend.put(key, this.host.reencrypt(key, current));
    });
  }

  private isStale(value: Uint8Array): boolean {
    const term = valueTerm(value);
    const active = this.host.activeTerm();
    return term !== undefined && active !== undefined && term < active;
  }
}
