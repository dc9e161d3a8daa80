import { randomUUID, timingSafeEqual } from 'node:crypto';
import { invalidRequest } from '../errors.js';

/**
 * Key shares handed in one at a time (unseal, rekey, generate-root), until `threshold` are in.
 * Shares are held only in memory and wiped when taken or dropped.
 */
export class ShareCollector {
  /** Identifies this attempt to clients (Vault's `nonce`). */
  readonly nonce = randomUUID();
  private shares: Uint8Array[] = [];

  constructor(
    readonly threshold: number,
    /** Every share of the current split has this many bytes. */
    readonly shareLength: number,
  ) {}

  get progress(): number {
    return this.shares.length;
  }

  get complete(): boolean {
    return this.shares.length >= this.threshold;
  }

  /**
   * Adds a copy of `share`. Returns `false`, adding nothing, when the same share is already
   * in: a duplicate must not count twice towards the threshold. Shares are secrets, so the
   * comparison is constant-time and does not stop at the first match.
   */
  add(share: Uint8Array): boolean {
    if (!(share instanceof Uint8Array) || share.length !== this.shareLength) {
      throw invalidRequest(`invalid key: expected ${this.shareLength} bytes`);
    }
    let seen = false;
    for (const held of this.shares) seen = timingSafeEqual(held, share) || seen;
    if (seen) return false;
    this.shares.push(Uint8Array.from(share));
    return true;
  }

  /** Hands the shares over and forgets them; the caller wipes them after use. */
  take(): Uint8Array[] {
    const taken = this.shares;
    this.shares = [];
    return taken;
  }

  /** Zeroes and forgets every share. */
  wipe(): void {
    for (const share of this.shares) share.fill(0);
    this.shares = [];
  }
}

/** Zeroes shares once they have been used. */
export const wipeAll = (shares: readonly Uint8Array[]): void => {
  for (const share of shares) share.fill(0);
};
