import { invalidRequest } from '../errors.js';
import { validateSealConfig, type SealConfig } from '../seal/seal-config.js';
import { ShamirSeal } from '../seal/shamir-seal.js';
import type { KeyCeremonyContext } from './key-ceremony.js';
import { ShareCollector, wipeAll } from './share-collector.js';

/** `sys/rekey/init` (GET) and the progress part of `sys/rekey/update`. */
export interface RekeyStatus {
  started: boolean;
  nonce: string;
  /** The new threshold and share count; 0 when no rekey is started. */
  t: number;
  n: number;
  progress: number;
  /** How many of the *current* shares authorise the rekey. */
  required: number;
  pgp_fingerprints: null;
  backup: false;
  verification_required: false;
}

/** The final `sys/rekey/update` answer: the new shares, shown once. */
export interface RekeyResult {
  complete: true;
  keys: Uint8Array[];
  nonce: string;
  pgp_fingerprints: null;
  backup: false;
  verification_required: false;
}

export type RekeyUpdate = (RekeyStatus & { complete: false }) | RekeyResult;

/**
 * Rekey: a threshold of the current shares authorises a new unseal key with a new split
 * (https://developer.hashicorp.com/vault/api-docs/system/rekey). The root key and the barrier
 * keyring do not change; only the root key's protection is re-encrypted, so no data is
 * rewritten. Old shares stop working the moment the new protection is stored.
 */
export class Rekey {
  private attempt: { collector: ShareCollector; next: SealConfig } | undefined;

  constructor(private readonly ctx: KeyCeremonyContext) {}

  /** Starts a rekey to `request`'s split; one at a time. */
  async init(request: { secret_shares: unknown; secret_threshold: unknown }): Promise<RekeyStatus> {
    const current = await this.ctx.current();
    if (this.attempt !== undefined) throw invalidRequest('rekey already in progress');
    const next = validateSealConfig(request);
    this.attempt = { collector: new ShareCollector(current.secret_threshold, ShamirSeal.shareLength(current)), next };
    return this.describe(current);
  }

  async status(): Promise<RekeyStatus> {
    return this.describe(await this.ctx.current());
  }

  /**
   * Adds one current share. At the threshold the shares are checked against the stored root
   * key; on success the new shares are returned, on failure progress restarts (same nonce).
   */
  async update(key: Uint8Array, nonce: string): Promise<RekeyUpdate> {
    const current = await this.ctx.current();
    const attempt = this.attempt;
    if (attempt === undefined) throw invalidRequest('no rekey in progress');
    if (nonce !== attempt.collector.nonce) throw invalidRequest('incorrect nonce');
    if (!attempt.collector.add(key)) {
      throw invalidRequest('given key has already been provided during this rekey operation');
    }
    if (!attempt.collector.complete) return { ...this.describe(current), complete: false };

    const shares = attempt.collector.take();
    let rootKey: Uint8Array;
    try {
      rootKey = await this.ctx.seal.recoverRootKey(shares, current);
    } finally {
      wipeAll(shares);
    }
    const unsealKey = ShamirSeal.newKey();
    try {
      const keys = await ShamirSeal.split(unsealKey, attempt.next);
      await this.ctx.seal.store(attempt.next, unsealKey, rootKey);
      this.attempt = undefined;
      return {
        complete: true,
        keys,
        nonce: attempt.collector.nonce,
        pgp_fingerprints: null,
        backup: false,
        verification_required: false,
      };
    } finally {
      unsealKey.fill(0);
      rootKey.fill(0);
    }
  }

  /** Drops the attempt and any shares given so far (`DELETE sys/rekey/init`). */
  cancel(): void {
    this.attempt?.collector.wipe();
    this.attempt = undefined;
  }

  private describe(current: SealConfig): RekeyStatus {
    const a = this.attempt;
    return {
      started: a !== undefined,
      nonce: a?.collector.nonce ?? '',
      t: a?.next.secret_threshold ?? 0,
      n: a?.next.secret_shares ?? 0,
      progress: a?.collector.progress ?? 0,
      required: current.secret_threshold,
      pgp_fingerprints: null,
      backup: false,
      verification_required: false,
    };
  }
}
