import { invalidRequest } from '../errors.js';
import { validateSealConfig, type SealConfig } from '../seal/seal-config.js';
import { ShamirSeal } from '../seal/shamir-seal.js';
import type { KeyCeremonyContext } from './key-ceremony.js';
import { RekeyVerification, type RekeyVerifyStatus } from './rekey-verification.js';
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
  verification_required: boolean;
  /** Present once the new shares are out and wait for verification. */
  verification_nonce?: string;
}

/** The final `sys/rekey/update` answer: the new shares, shown once. */
export interface RekeyResult {
  complete: true;
  keys: Uint8Array[];
  nonce: string;
  pgp_fingerprints: null;
  backup: false;
  verification_required: boolean;
  /** With `require_verification`: the nonce `sys/rekey/verify` expects. */
  verification_nonce?: string;
}

export type RekeyUpdate = (RekeyStatus & { complete: false }) | RekeyResult;

/** `PUT sys/rekey/verify` at the threshold. */
export interface RekeyVerified {
  nonce: string;
  complete: true;
}

interface Attempt {
  collector: ShareCollector;
  next: SealConfig;
  requireVerification: boolean;
  /** Set once the current shares have authorised the rekey, when verification is required. */
  verification?: RekeyVerification;
}

/**
 * Rekey: a threshold of the current shares authorises a new unseal key with a new split
 * (https://developer.hashicorp.com/vault/api-docs/system/rekey). The root key and the barrier
 * keyring do not change; only the root key's protection is re-encrypted, so no data is
 * rewritten. Old shares stop working the moment the new protection is stored: at once, or with
 * `require_verification` once a threshold of the new shares has come back (rekey-verification.ts).
 */
export class Rekey {
  private attempt: Attempt | undefined;

  constructor(private readonly ctx: KeyCeremonyContext) {}

  /** Starts a rekey to `request`'s split; one at a time. */
  async init(request: { secret_shares: unknown; secret_threshold: unknown; require_verification?: boolean }): Promise<RekeyStatus> {
    const current = await this.ctx.current();
    if (this.attempt !== undefined) throw invalidRequest('rekey already in progress');
    const next = validateSealConfig(request);
    this.attempt = {
      collector: new ShareCollector(current.secret_threshold, ShamirSeal.shareLength(current)),
      next,
      requireVerification: request.require_verification === true,
    };
    return this.describe(current);
  }

  async status(): Promise<RekeyStatus> {
    return this.describe(await this.ctx.current());
  }

  /**
   * Adds one current share. At the threshold the shares are checked against the stored root
   * key; on success the new shares are returned (and put in force unless verification is
   * required), on failure progress restarts (same nonce).
   */
  async update(key: Uint8Array, nonce: string): Promise<RekeyUpdate> {
    const current = await this.ctx.current();
    const attempt = this.attempt;
    if (attempt === undefined) throw invalidRequest('no rekey in progress');
    if (attempt.verification !== undefined) {
      throw invalidRequest(
        `rekey operation already finished; verification must be performed; nonce for the verification operation is \`${attempt.verification.nonce}\``,
      );
    }
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
      const result = { complete: true as const, keys, nonce: attempt.collector.nonce, pgp_fingerprints: null, backup: false as const };
      if (attempt.requireVerification) {
        attempt.verification = new RekeyVerification(attempt.next, Uint8Array.from(unsealKey), Uint8Array.from(rootKey));
        return { ...result, verification_required: true, verification_nonce: attempt.verification.nonce };
      }
      await this.ctx.seal.store(attempt.next, unsealKey, rootKey);
      this.attempt = undefined;
      return { ...result, verification_required: false };
    } finally {
      unsealKey.fill(0);
      rootKey.fill(0);
    }
  }

  /** `GET sys/rekey/verify`. */
  async verifyStatus(): Promise<RekeyVerifyStatus> {
    await this.ctx.current();
    const attempt = this.attempt;
    if (attempt === undefined) throw invalidRequest('no rekey configuration found');
    if (attempt.verification !== undefined) return attempt.verification.status();
    return { started: false, nonce: '', t: attempt.next.secret_threshold, n: attempt.next.secret_shares, progress: 0 };
  }

  /** `PUT sys/rekey/verify`: one new share; at the threshold the new split is put in force. */
  async verifyUpdate(key: Uint8Array, nonce: string): Promise<RekeyVerifyStatus | RekeyVerified> {
    await this.ctx.current();
    const attempt = this.attempt;
    if (attempt === undefined) throw invalidRequest('no rekey in progress');
    const verification = attempt.verification;
    if (verification === undefined) throw invalidRequest('no rekey verification in progress');
    if (!(await verification.add(key, nonce))) return verification.status();
    await verification.commit(this.ctx.seal);
    this.cancel();
    return { nonce: verification.nonce, complete: true };
  }

  /** `DELETE sys/rekey/verify`: verification starts over under a new nonce; the rekey stays. */
  async verifyRestart(): Promise<RekeyVerifyStatus> {
    this.attempt?.verification?.restart();
    return this.verifyStatus();
  }

  /** Drops the attempt, any shares given so far and any unverified new key (`DELETE sys/rekey/init`). */
  cancel(): void {
    this.attempt?.collector.wipe();
    this.attempt?.verification?.wipe();
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
      verification_required: a?.requireVerification ?? false,
      ...(a?.verification !== undefined && { verification_nonce: a.verification.nonce }),
    };
  }
}
