import { timingSafeEqual } from 'node:crypto';
import { invalidRequest } from '../errors.js';
import type { SealConfig } from '../seal/seal-config.js';
import { ShamirSeal } from '../seal/shamir-seal.js';
import { ShareCollector, wipeAll } from './share-collector.js';

/** `GET sys/rekey/verify`, and `PUT` before the threshold. */
export interface RekeyVerifyStatus {
  started: boolean;
  nonce: string;
  /** The new split's threshold and share count. */
  t: number;
  n: number;
  progress: number;
}

/**
 * The verification step of a rekey started with `require_verification`
 * (https://developer.hashicorp.com/vault/api-docs/system/rekey#submit-verification-key): the new
 * shares have been shown but are not in force. A threshold of them handed back proves they were
 * kept; only then is the root key stored under the new unseal key, so a lost set of new shares
 * cannot lock the vault. Until then the old shares keep working.
 *
 * Holds copies of the new unseal key and of the root key until it commits or is wiped.
 */
export class RekeyVerification {
  private collector: ShareCollector;

  constructor(
    readonly next: SealConfig,
    private readonly unsealKey: Uint8Array,
    private readonly rootKey: Uint8Array,
  ) {
    this.collector = this.fresh();
  }

  get nonce(): string {
    return this.collector.nonce;
  }

  status(): RekeyVerifyStatus {
    return {
      started: true,
      nonce: this.collector.nonce,
      t: this.next.secret_threshold,
      n: this.next.secret_shares,
      progress: this.collector.progress,
    };
  }

  /**
   * Adds one new share. Resolves `true` once a threshold of them rebuilds the new unseal key.
   * Shares that rebuild something else restart verification under a new nonce (as Vault) and
   * fail with 400; the rekey itself stays pending.
   */
  async add(key: Uint8Array, nonce: string): Promise<boolean> {
    if (nonce !== this.collector.nonce) throw invalidRequest('incorrect nonce');
    if (!this.collector.add(key)) throw invalidRequest('given key has already been provided during this verify operation');
    if (!this.collector.complete) return false;
    const shares = this.collector.take();
    let candidate: Uint8Array | undefined;
    try {
      candidate = await ShamirSeal.combine(shares, this.next).catch(() => undefined);
      if (candidate !== undefined && candidate.length === this.unsealKey.length && timingSafeEqual(candidate, this.unsealKey)) {
        return true;
      }
    } finally {
      wipeAll(shares);
      candidate?.fill(0);
    }
    this.restart();
    throw invalidRequest('rekey verification failed; incorrect key shares supplied');
  }

  /** Drops the shares given so far and starts again under a new nonce (`DELETE sys/rekey/verify`). */
  restart(): void {
    this.collector.wipe();
    this.collector = this.fresh();
  }

  /** Puts the new split in force: the old shares stop working. */
  async commit(seal: ShamirSeal): Promise<void> {
    await seal.store(this.next, this.unsealKey, this.rootKey);
  }

  wipe(): void {
    this.collector.wipe();
    this.unsealKey.fill(0);
    this.rootKey.fill(0);
  }

  private fresh(): ShareCollector {
    return new ShareCollector(this.next.secret_threshold, ShamirSeal.shareLength(this.next));
  }
}
