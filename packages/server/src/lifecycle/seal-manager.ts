import { randomBytes, randomUUID } from 'node:crypto';
import type { AesGcmBarrier } from '../barrier/aes-gcm-barrier.js';
import { invalidRequest, sealedError } from '../errors.js';
import { validateSealConfig, type SealConfig } from '../seal/seal-config.js';
import { ShamirSeal } from '../seal/shamir-seal.js';
import type { StorageBackend } from '../storage/storage-backend.js';
import { decodeJson, encodeJson } from '../storage/storage-view.js';
import { GenerateRoot, type GenerateRootStatus } from './generate-root.js';
import { Rekey, type RekeyStatus, type RekeyUpdate, type RekeyVerified } from './rekey.js';
import type { RekeyVerifyStatus } from './rekey-verification.js';
import { ShareCollector, wipeAll } from './share-collector.js';

/** `sys/seal-status`, field for field (https://developer.hashicorp.com/vault/api-docs/system/seal-status). */
export interface SealStatus {
  type: 'shamir';
  initialized: boolean;
  sealed: boolean;
  t: number;
  n: number;
  progress: number;
  /** Identifies the unseal attempt in progress; '' when none. */
  nonce: string;
  version: string;
  build_date: string;
  migration: false;
  recovery_seal: false;
  storage_type: string;
  /** Present while unsealed. */
  cluster_name?: string;
  cluster_id?: string;
}

export interface SealManagerOptions {
  /** The raw backend: seal config and protected root key live beside the barrier. */
  backend: StorageBackend;
  barrier: AesGcmBarrier;
  /** Mount tables, token store, expiration… Runs after the barrier opens; a failure reseals. */
  onUnsealed: () => Promise<void>;
  /** Tears down what `onUnsealed` set up; runs before the barrier closes, even if it throws. */
  onSealing: () => Promise<void>;
  /** `cluster_name` from the config file; generated on first init when absent. */
  clusterName?: string;
  version?: string;
  buildDate?: string;
}

const CLUSTER_PATH = 'core/cluster';
interface ClusterInfo {
  name: string;
  id: string;
}

/**
 * The seal state machine: init, unseal, seal, rekey and generate-root over a Shamir seal.
 *
 * INVARIANT: operations that change state run one at a time (`serial`), so two unseal keys
 * submitted together cannot both complete the threshold. `onUnsealed` and `onSealing` run
 * inside that queue and must not call back into this manager's state-changing methods.
 */
export class SealManager {
  private readonly shamir: ShamirSeal;
  private readonly rekey: Rekey;
  private readonly root: GenerateRoot;
  private unsealing: ShareCollector | undefined;
  private cluster: ClusterInfo | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SealManagerOptions) {
    this.shamir = new ShamirSeal(options.backend);
    const ceremony = { seal: this.shamir, current: () => this.unsealedConfig() };
    this.rekey = new Rekey(ceremony);
    this.root = new GenerateRoot(ceremony);
  }

  async initialized(): Promise<boolean> {
    return (await this.shamir.config()) !== undefined;
  }

  /**
   * `sys/init`: creates the root key and unseal key, splits the latter, stores the protected
   * root key with the new keyring in one batch, and returns the shares (shown only now).
   * The barrier is left unsealed, without `onUnsealed`, so the caller can create the root
   * token and then `seal()`.
   */
  initialize(request: { secret_shares: unknown; secret_threshold: unknown }): Promise<{ keys: Uint8Array[] }> {
    return this.serial(async () => {
      if (await this.initialized()) throw invalidRequest('Vault is already initialized');
      const config = validateSealConfig(request);
      const rootKey = ShamirSeal.newKey();
      const unsealKey = ShamirSeal.newKey();
      try {
        const keys = await ShamirSeal.split(unsealKey, config);
        await this.options.barrier.initialize(rootKey, ShamirSeal.protect(config, unsealKey, rootKey));
        await this.loadCluster();
        return { keys };
      } finally {
        rootKey.fill(0);
        unsealKey.fill(0);
      }
    });
  }

  /**
   * `sys/unseal`: adds one share. A share already given does not advance progress. At the
   * threshold the shares are combined; if they do not open the root key, progress restarts
   * and a 400 is thrown. Already unsealed: returns the status unchanged.
   */
  submitUnsealKey(key: Uint8Array): Promise<SealStatus> {
    return this.serial(async () => {
      const config = await this.requireConfig();
      if (!this.options.barrier.sealed) return this.status();
      this.unsealing ??= new ShareCollector(config.secret_threshold, ShamirSeal.shareLength(config));
      this.unsealing.add(key);
      if (!this.unsealing.complete) return this.status();

      const shares = this.unsealing.take();
      this.unsealing = undefined;
      let rootKey: Uint8Array;
      try {
        rootKey = await this.shamir.recoverRootKey(shares, config);
      } finally {
        wipeAll(shares);
      }
      try {
        await this.options.barrier.unseal(rootKey);
      } finally {
        rootKey.fill(0);
      }
      try {
        await this.loadCluster();
        await this.options.onUnsealed();
      } catch (err) {
        // Half-started is worse than sealed: undo what we can and close the barrier again.
        await this.options.onSealing().catch(() => undefined);
        this.closeBarrier();
        throw err;
      }
      return this.status();
    });
  }

  /** `sys/unseal` with `reset: true`: forgets the shares given so far. */
  resetUnseal(): Promise<SealStatus> {
    return this.serial(async () => {
      this.unsealing?.wipe();
      this.unsealing = undefined;
      return this.status();
    });
  }

  /** `sys/seal`: runs `onSealing`, then wipes the barrier's keys whatever it did. */
  seal(): Promise<void> {
    return this.serial(async () => {
      this.unsealing?.wipe();
      this.unsealing = undefined;
      this.rekey.cancel();
      this.root.cancel();
      if (this.options.barrier.sealed) return;
      try {
        await this.options.onSealing();
      } finally {
        this.closeBarrier();
      }
    });
  }

  async status(): Promise<SealStatus> {
    const config = await this.shamir.config();
    const sealed = this.options.barrier.sealed;
    return {
      type: 'shamir',
      initialized: config !== undefined,
      sealed,
      t: config?.secret_threshold ?? 0,
      n: config?.secret_shares ?? 0,
      progress: this.unsealing?.progress ?? 0,
      nonce: this.unsealing?.nonce ?? '',
      version: this.options.version ?? '0.1.0',
      build_date: this.options.buildDate ?? '',
      migration: false,
      recovery_seal: false,
      storage_type: this.options.backend.type,
      ...(!sealed && this.cluster !== undefined && { cluster_name: this.cluster.name, cluster_id: this.cluster.id }),
    };
  }

  /** `PUT sys/rekey/init`. */
  rekeyInit(request: { secret_shares: unknown; secret_threshold: unknown; require_verification?: boolean }): Promise<RekeyStatus> {
    return this.serial(() => this.rekey.init(request));
  }
  /** `GET sys/rekey/init`. */
  rekeyStatus(): Promise<RekeyStatus> {
    return this.rekey.status();
  }
  /** `PUT sys/rekey/update`. */
  rekeyUpdate(key: Uint8Array, nonce: string): Promise<RekeyUpdate> {
    return this.serial(() => this.rekey.update(key, nonce));
  }
  /** `DELETE sys/rekey/init`. */
  rekeyCancel(): Promise<void> {
    return this.serial(async () => this.rekey.cancel());
  }
  /** `GET sys/rekey/verify`. */
  rekeyVerifyStatus(): Promise<RekeyVerifyStatus> {
    return this.rekey.verifyStatus();
  }
  /** `PUT sys/rekey/verify`. */
  rekeyVerifyUpdate(key: Uint8Array, nonce: string): Promise<RekeyVerifyStatus | RekeyVerified> {
    return this.serial(() => this.rekey.verifyUpdate(key, nonce));
  }
  /** `DELETE sys/rekey/verify`. */
  rekeyVerifyRestart(): Promise<RekeyVerifyStatus> {
    return this.serial(() => this.rekey.verifyRestart());
  }

  /** `PUT sys/generate-root/attempt` (OTP generated for the caller). */
  generateRootInit(): Promise<GenerateRootStatus> {
    return this.serial(() => this.root.init());
  }
  /** `GET sys/generate-root/attempt`. */
  generateRootStatus(): Promise<GenerateRootStatus> {
    return this.root.status();
  }
  /** `PUT sys/generate-root/update`; `createRootToken` mints the token once shares verify. */
  generateRootUpdate(
    key: Uint8Array,
    nonce: string,
    createRootToken: () => Promise<string>,
  ): Promise<GenerateRootStatus> {
    return this.serial(() => this.root.update(key, nonce, createRootToken));
  }
  /** `DELETE sys/generate-root/attempt`. */
  generateRootCancel(): Promise<void> {
    return this.serial(async () => this.root.cancel());
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private closeBarrier(): void {
    this.options.barrier.seal();
    this.cluster = undefined;
  }

  private async requireConfig(): Promise<SealConfig> {
    const config = await this.shamir.config();
    if (config === undefined) throw invalidRequest('Vault is not initialized');
    return config;
  }

  private async unsealedConfig(): Promise<SealConfig> {
    const config = await this.requireConfig();
    if (this.options.barrier.sealed) throw sealedError();
    return config;
  }

  /** Reads (or, the first time, creates) the cluster identity, stored through the barrier. */
  private async loadCluster(): Promise<void> {
    const barrier = this.options.barrier;
    const stored = await barrier.get(CLUSTER_PATH);
    const info: ClusterInfo = stored !== undefined ? decodeJson<ClusterInfo>(stored) : { name: '', id: randomUUID() };
    // A name set in the config file wins and is remembered; otherwise keep or invent one.
    const name = this.options.clusterName ?? (info.name || `vault-cluster-${randomBytes(4).toString('hex')}`);
    if (stored === undefined || name !== info.name) await barrier.put(CLUSTER_PATH, encodeJson({ ...info, name }));
    this.cluster = { ...info, name };
  }
}
