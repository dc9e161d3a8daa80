import { randomBytes } from 'node:crypto';
import { combine, split } from 'shamir-secret-sharing';
import { invalidRequest } from '../errors.js';
import { decryptValue, DIRECT_TERM, encryptValue } from '../barrier/envelope.js';
import { ROOT_KEY_PATH, SEAL_CONFIG_PATH } from '../barrier/reserved-paths.js';
import type { StorageBackend, StorageOp } from '../storage/storage-backend.js';
import { encodeSealConfig, parseSealConfig, type SealConfig } from './seal-config.js';

const KEY_LENGTH = 32;

/**
 * The Shamir seal: the root key is stored encrypted under an unseal key that exists only as
 * shares (https://developer.hashicorp.com/vault/docs/concepts/seal). It reads and writes
 * `core/seal-config` and `core/root-key` on the raw backend, beside the barrier, since both
 * are needed before the barrier can be opened.
 *
 * Shares come from `shamir-secret-sharing` (audited; 32-byte secret → 33-byte shares). That
 * library needs at least two shares, so with `secret_shares = 1` the single "share" is the
 * unseal key itself, as in Vault.
 */
export class ShamirSeal {
  readonly type = 'shamir';

  constructor(private readonly backend: StorageBackend) {}

  /** The stored split, or `undefined` before `sys/init`. */
  async config(): Promise<SealConfig | undefined> {
    const bytes = await this.backend.get(SEAL_CONFIG_PATH);
    return bytes === undefined ? undefined : parseSealConfig(bytes);
  }

  /** A fresh random 32-byte key (root or unseal). */
  static newKey(): Uint8Array {
    const b = randomBytes(KEY_LENGTH);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }

  /** Byte length of one share under `config`. */
  static shareLength(config: SealConfig): number {
    return config.secret_shares === 1 ? KEY_LENGTH : KEY_LENGTH + 1;
  }

  /** Splits `unsealKey` as `config` says. */
  static async split(unsealKey: Uint8Array, config: SealConfig): Promise<Uint8Array[]> {
    if (config.secret_shares === 1) return [Uint8Array.from(unsealKey)];
    return split(unsealKey, config.secret_shares, config.secret_threshold);
  }

  /**
   * The operations that store `rootKey` under `unsealKey` together with `config`; the caller
   * commits them in one batch (with the keyring at init, alone at rekey).
   */
  static protect(config: SealConfig, unsealKey: Uint8Array, rootKey: Uint8Array): StorageOp[] {
    return [
      { type: 'put', key: SEAL_CONFIG_PATH, value: encodeSealConfig(config) },
      { type: 'put', key: ROOT_KEY_PATH, value: encryptValue(unsealKey, DIRECT_TERM, ROOT_KEY_PATH, rootKey) },
    ];
  }

  /** Replaces the stored split and protected root key atomically (rekey). */
  async store(config: SealConfig, unsealKey: Uint8Array, rootKey: Uint8Array): Promise<void> {
    await this.backend.batch(ShamirSeal.protect(config, unsealKey, rootKey));
  }

  /**
   * Rebuilds the unseal key from `shares` split under `config`. Wrong shares may combine into
   * garbage rather than fail; callers check the result (by decrypting, or comparing).
   */
  static async combine(shares: readonly Uint8Array[], config: SealConfig): Promise<Uint8Array> {
    return config.secret_shares === 1 ? Uint8Array.from(shares[0] ?? []) : combine([...shares]);
  }

  /**
   * Rebuilds the unseal key from `shares` and decrypts the root key with it. Any failure (too
   * few or clashing shares, a wrong share, a wrong 1-of-1 key) is one 400 error, so a caller
   * learns only that the keys were wrong. The caller owns (and should wipe) the result.
   */
  async recoverRootKey(shares: readonly Uint8Array[], config: SealConfig): Promise<Uint8Array> {
    const stored = await this.backend.get(ROOT_KEY_PATH);
    if (stored === undefined) throw invalidRequest('Vault is not initialized');
    let unsealKey: Uint8Array | undefined;
    try {
      unsealKey = await ShamirSeal.combine(shares, config);
      const key = unsealKey;
      const keyFor = (term: number) => (term === DIRECT_TERM && key.length === KEY_LENGTH ? key : undefined);
      return decryptValue(keyFor, ROOT_KEY_PATH, stored);
    } catch {
      throw invalidRequest('invalid key: the submitted keys do not reconstruct the unseal key');
    } finally {
      unsealKey?.fill(0);
    }
  }
}
