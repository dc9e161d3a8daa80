import { invalidRequest, sealedError, toVaultError, VaultError } from '../errors.js';
import type { StorageBackend, StorageOp } from '../storage/storage-backend.js';
import { assertStorageOp } from '../storage/storage-key.js';
import { PrefixView, type RawStore, type StorageView } from '../storage/storage-view.js';
import {
  checkRotationConfig,
  DEFAULT_ROTATION,
  encodeRotation,
  readRotation,
  ROTATION_PATH,
  rotationDue,
  type KeyRotationConfig,
  type StoredRotationState,
} from './auto-rotation.js';
import { decryptValue, DIRECT_TERM, encryptValue } from './envelope.js';
import { KeyedLock } from './keyed-lock.js';
import { KeyUpgrade } from './key-upgrade.js';
import { Keyring } from './keyring.js';
import { DETACHED_PREFIX, isReservedPath, KEYRING_PATH } from './reserved-paths.js';

/** Optional collaborators of {@link AesGcmBarrier}. */
export interface BarrierOptions {
  /** HA: the background re-encryption runs only on the active node (see `reloadKeyring`). */
  upgradeOnlyWhenActive?: boolean;
  /** Told when the background upgrade cannot re-encrypt a value; it skips the value and goes on. */
  onUpgradeError?: (key: string, err: VaultError) => void;
  /** Told when an automatic rotation (`sys/rotate/config`) runs or fails. */
  onAutoRotate?: (event: { reason: string; term?: number; error?: VaultError }) => void;
  /** Clock for key install times (tests). */
  now?: () => Date;
}

/** What the barrier holds in memory while unsealed; wiped on seal. */
interface Unsealed {
  readonly rootKey: Uint8Array;
  keyring: Keyring;
  /** Values encrypted under the active term: the count stored at ROTATION_PATH plus this node's since. */
  encryptions: number;
  /** `encryptions` as last stored, so an idle vault does not rewrite it. */
  persisted: number;
  rotation: KeyRotationConfig;
  /** `encryptions` beyond which a rotation is queued: `maxOperations`, or Infinity when disabled. */
  rotateAfter: number;
  /** An automatic rotation is queued or running. */
  rotating: boolean;
}

/**
 * The encryption barrier (ARCHITECTURE.md, "Storage and the barrier"): every value passing
 * through is encrypted with AES-256-GCM under the keyring's active term, with its full storage
 * path as additional data (see envelope.ts). Keys and paths pass through in clear.
 *
 * `rotate()` adds a term and re-encrypts older values in the background.
 * INVARIANT: the background upgrade never clobbers a client write. Every write through the
 * barrier holds a per-key lock from encryption until the backend acknowledges; the upgrader
 * (key-upgrade.ts) takes the same lock and re-reads the value under it, so it only ever
 * re-encrypts the value that is stored at that moment.
 */
export class AesGcmBarrier implements RawStore {
  private state: Unsealed | undefined;
  private readonly lock = new KeyedLock();
  private readonly upgrade: KeyUpgrade;
  private readonly now: () => Date;

  constructor(
    private readonly backend: StorageBackend,
    private readonly options: BarrierOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.upgrade = new KeyUpgrade({
      backend,
      lock: this.lock,
      activeTerm: () => this.state?.keyring.activeTerm,
      reencrypt: (key, stored) => {
        const s = this.unsealed();
        const plain = decryptValue((term) => s.keyring.key(term), key, stored);
        try {
          return this.encrypt(s, key, plain);
        } finally {
          plain.fill(0);
        }
      },
      markUpgraded: (term) => this.markUpgraded(term),
      ...(options.onUpgradeError !== undefined && { onError: options.onUpgradeError }),
    });
  }

  get sealed(): boolean {
    return this.state === undefined;
  }

  /**
   * Creates the keyring (term 1) under `rootKey` (32 bytes) and leaves the barrier unsealed.
   * `alsoWrite` is committed in the same batch, so the seal can store its own material
   * atomically with the keyring: a crash cannot leave half an initialized vault.
   */
  async initialize(rootKey: Uint8Array, alsoWrite: readonly StorageOp[] = []): Promise<void> {
    assertKeyLength(rootKey);
    if ((await this.backend.get(KEYRING_PATH)) !== undefined) throw invalidRequest('Vault is already initialized');
    const root = Uint8Array.from(rootKey);
    const keyring = Keyring.create(this.now());
    await this.backend.batch([{ type: 'put', key: KEYRING_PATH, value: sealKeyring(root, keyring) }, ...alsoWrite]);
    this.state = newState(root, keyring, { config: DEFAULT_ROTATION, encryptions: 0 });
  }

  /** Decrypts the keyring with `rootKey`; a no-op when already unsealed. */
  async unseal(rootKey: Uint8Array): Promise<void> {
    if (!this.sealed) return;
    assertKeyLength(rootKey);
    const stored = await this.backend.get(KEYRING_PATH);
    if (stored === undefined) throw invalidRequest('Vault is not initialized');
    const root = Uint8Array.from(rootKey);
    let plain: Uint8Array;
    try {
      plain = decryptValue((term) => (term === DIRECT_TERM ? root : undefined), KEYRING_PATH, stored);
    } catch {
      root.fill(0);
      throw invalidRequest('invalid root key: the keyring cannot be decrypted');
    }
    let keyring: Keyring;
    try {
      keyring = Keyring.decode(plain);
    } finally {
      plain.fill(0);
    }
    let rotation: StoredRotationState;
    try {
      rotation = await readRotation(this.backend, keyring);
    } catch (err) {
      keyring.wipe();
      root.fill(0);
      throw err;
    }
    if (!this.sealed) {
      // Another unseal won the race while we read; keep its state, drop ours.
      keyring.wipe();
      root.fill(0);
      return;
    }
    this.state = newState(root, keyring, rotation);
    // An upgrade cut short by a seal or a restart resumes here (on HA, when the node becomes active).
    if (!this.options.upgradeOnlyWhenActive && keyring.upgradedTerm < keyring.activeTerm) this.upgrade.schedule();
  }

  /**
   * Re-reads the keyring from storage with the root key held since unseal. A standby that becomes
   * active calls it: the old active node may have rotated the key meanwhile. Resumes any
   * unfinished re-encryption, which only the active node runs.
   */
  async reloadKeyring(): Promise<void> {
    const s = this.unsealed();
    const stored = await this.backend.get(KEYRING_PATH);
    if (stored === undefined) throw invalidRequest('Vault is not initialized');
    const plain = decryptValue((term) => (term === DIRECT_TERM ? s.rootKey : undefined), KEYRING_PATH, stored);
    let keyring: Keyring;
    try {
      keyring = Keyring.decode(plain);
    } finally {
      plain.fill(0);
    }
    // The old active node may also have changed the rotation config and counted encryptions.
    const rotation = await readRotation(this.backend, keyring);
    if (this.state !== s) {
      keyring.wipe();
      return;
    }
    // The old keyring holds a subset of the same keys; operations in flight may still use it,
    // so it is dropped, not wiped.
    s.keyring = keyring;
    applyRotation(s, rotation.config);
    s.encryptions = s.persisted = rotation.encryptions;
    if (keyring.upgradedTerm < keyring.activeTerm) this.upgrade.schedule();
  }

  /** Forgets every key. In-flight upgrades stop at their next step. */
  seal(): void {
    const s = this.state;
    if (s === undefined) return;
    this.state = undefined;
    s.keyring.wipe();
    s.rootKey.fill(0);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.unsealed();
    const stored = await this.backend.get(key);
    if (stored === undefined) return undefined;
    const s = this.unsealed(); // it may have sealed while we read
    return decryptValue((term) => s.keyring.key(term), key, stored);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.write([{ type: 'put', key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.write([{ type: 'delete', key }]);
  }

  batch(ops: readonly StorageOp[]): Promise<void> {
    return this.write(ops);
  }

  async list(prefix: string): Promise<string[]> {
    this.unsealed();
    return this.backend.list(prefix);
  }

  async *keys(prefix: string): AsyncIterable<string> {
    this.unsealed();
    yield* this.backend.keys(prefix);
  }

  /** A prefix-scoped view for an engine or a subsystem. */
  view(prefix: string): StorageView {
    return new PrefixView(this, prefix);
  }

  /**
   * Adds a keyring term, persists the keyring, and starts re-encrypting older values in the
   * background (`sys/rotate`). New writes use the new term as soon as this resolves.
   */
  async rotate(): Promise<{ term: number; installTime: string }> {
    const result = await this.lock.run([KEYRING_PATH], async () => {
      const s = this.unsealed();
      const next = s.keyring.withNewTerm(this.now());
      await this.backend.put(KEYRING_PATH, sealKeyring(s.rootKey, next));
      if (this.state !== s) {
        next.wipe(); // sealed meanwhile: the new term is stored; the next unseal will load it
        throw sealedError();
      }
      s.keyring = next;
      s.encryptions = s.persisted = 0;
      return { term: next.activeTerm, installTime: next.active.installTime.toISOString() };
    });
    this.upgrade.schedule();
    return result;
  }

  /** Resolves when no re-encryption is running or scheduled (tests, `sys/rotate` callers). */
  upgradeDone(): Promise<void> {
    return this.upgrade.done();
  }

  /**
   * Encrypts a value that is never stored — a batch token carries its own entry — in the stored
   * format, under the active term. Its additional data is `core/detached/<context>`, a path the
   * barrier refuses to write: no stored value decrypts as a detached one, nor the reverse.
   * Older terms stay in the keyring, so detached values outlive `sys/rotate` like stored ones.
   */
  encryptDetached(context: string, plaintext: Uint8Array): Uint8Array {
    return this.encrypt(this.unsealed(), detachedPath(context), plaintext);
  }

  /** Decrypts what {@link encryptDetached} produced for `context`; throws on any mismatch. */
  decryptDetached(context: string, value: Uint8Array): Uint8Array {
    const s = this.unsealed();
    return decryptValue((term) => s.keyring.key(term), detachedPath(context), value);
  }

  /** The active term (`sys/key-status`). */
  keyStatus(): { term: number; install_time: string; encryptions: number } {
    const s = this.unsealed();
    const active = s.keyring.active;
    return { term: active.term, install_time: active.installTime.toISOString(), encryptions: s.encryptions };
  }

  /** The automatic rotation settings (`GET sys/rotate/config`). */
  rotationConfig(): KeyRotationConfig {
    return this.unsealed().rotation;
  }

  /** Checks and stores new automatic rotation settings (`POST sys/rotate/config`); 400 when out of range. */
  async setRotationConfig(config: KeyRotationConfig): Promise<void> {
    const s = this.unsealed();
    checkRotationConfig(config);
    await this.persistRotation(s, config);
    applyRotation(s, config);
  }

  /**
   * The periodic check, run on the active node: rotates when the active term is old enough (or
   * has encrypted enough, should a write not have queued it already), and otherwise stores the
   * encryption count if it moved. Resolves with the reason when it rotated.
   */
  async checkAutoRotate(): Promise<string | undefined> {
    const s = this.unsealed();
    const reason = rotationDue(s.rotation, s.encryptions, s.keyring.active.installTime, this.now());
    if (reason !== undefined) {
      if (s.rotating) return undefined;
      s.rotating = true;
      await this.autoRotate(s, reason);
      return reason;
    }
    if (s.encryptions !== s.persisted) await this.persistRotation(s, s.rotation);
    return undefined;
  }

  private write(ops: readonly StorageOp[]): Promise<void> {
    const run = async () => {
      this.unsealed();
      for (const op of ops) {
        assertStorageOp(op);
        if (isReservedPath(op.key)) throw invalidRequest(`cannot write the reserved storage path \`${op.key}\``);
      }
      await this.lock.run(
        ops.map((op) => op.key),
        async () => {
          // Encrypt only once the lock is held, with whatever term is active then.
          const s = this.unsealed();
          const encrypted = ops.map((op) =>
            op.type === 'put' ? { ...op, value: this.encrypt(s, op.key, op.value) } : op,
          );
          const only = encrypted[0];
          if (encrypted.length !== 1 || only === undefined) await this.backend.batch(encrypted);
          else if (only.type === 'put') await this.backend.put(only.key, only.value);
          else await this.backend.delete(only.key);
        },
      );
    };
    const pending = run();
    this.upgrade.track(pending);
    return pending;
  }

  private encrypt(s: Unsealed, key: string, plain: Uint8Array): Uint8Array {
    const active = s.keyring.active;
    // INVARIANT: the write path pays one compare for automatic rotation; the rotation itself is
    // queued, never run inside the write that crossed the limit.
    if (++s.encryptions > s.rotateAfter && !s.rotating) this.queueRotation(s);
    return encryptValue(active.key, active.term, key, plain);
  }

  private queueRotation(s: Unsealed): void {
    s.rotating = true;
    setImmediate(() => void this.autoRotate(s, 'reached max operations'));
  }

  /** Rotates (unless `s` was sealed meanwhile) and reports the outcome; never throws. */
  private async autoRotate(s: Unsealed, reason: string): Promise<void> {
    try {
      if (this.state !== s) return;
      const { term } = await this.rotate();
      this.options.onAutoRotate?.({ reason, term });
    } catch (err) {
      this.options.onAutoRotate?.({ reason, error: toVaultError(err) });
    } finally {
      s.rotating = false;
    }
  }

  private async persistRotation(s: Unsealed, config: KeyRotationConfig): Promise<void> {
    // The record's own write is one more encryption under the term it names.
    const count = s.encryptions + 1;
    await this.put(ROTATION_PATH, encodeRotation(config, s.keyring.activeTerm, count));
    s.persisted = count;
  }

  private unsealed(): Unsealed {
    if (this.state === undefined) throw sealedError();
    return this.state;
  }

  private async markUpgraded(term: number): Promise<void> {
    await this.lock.run([KEYRING_PATH], async () => {
      const s = this.unsealed();
      if (s.keyring.upgradedTerm >= term) return;
      const next = s.keyring.withUpgradedTerm(term);
      await this.backend.put(KEYRING_PATH, sealKeyring(s.rootKey, next));
      if (this.state === s) s.keyring = next;
    });
  }
}

function newState(rootKey: Uint8Array, keyring: Keyring, rotation: StoredRotationState): Unsealed {
  const s: Unsealed = {
    rootKey,
    keyring,
    encryptions: rotation.encryptions,
    persisted: rotation.encryptions,
    rotation: rotation.config,
    rotateAfter: Infinity,
    rotating: false,
  };
  applyRotation(s, rotation.config);
  return s;
}

function applyRotation(s: Unsealed, config: KeyRotationConfig): void {
  s.rotation = config;
  s.rotateAfter = config.enabled ? config.maxOperations : Infinity;
}

/** The keyring, encrypted under the root key with its own path as additional data. */
function sealKeyring(rootKey: Uint8Array, keyring: Keyring): Uint8Array {
  const plain = keyring.encode();
  try {
    return encryptValue(rootKey, DIRECT_TERM, KEYRING_PATH, plain);
  } finally {
    plain.fill(0);
  }
}

function detachedPath(context: string): string {
  if (context === '') throw new VaultError('internal', 'a detached value needs a context');
  return DETACHED_PREFIX + context;
}

function assertKeyLength(rootKey: Uint8Array): void {
  if (!(rootKey instanceof Uint8Array) || rootKey.length !== 32) {
    throw new VaultError('internal', 'the root key must be 32 bytes');
  }
}
