import { invalidRequest } from '../../errors.js';
import type { StorageView } from '../../storage/storage-view.js';
import { authorizedKeyLine, loadStoredKeyPair, type SshKeyPair } from './ssh-keys.js';

/**
 * The mount's CA key pair, stored behind the barrier under one key. The private key is kept as
 * PKCS#8 PEM and never leaves the engine; the public key is kept as the authorized_keys line
 * served by `config/ca` and `public_key`.
 */

const CA_KEY = 'config/ca_bundle';

interface StoredCa {
  /** authorized_keys line, with a trailing newline as Vault serves it. */
  public_key: string;
  /** PKCS#8 PEM. */
  private_key: string;
}

/** Reads, writes and deletes the mount's CA key pair. */
/**
 * The parsed key pair of each mount's stored PEM. Parsing derives the public key in JavaScript
 * (~4 ms for Ed25519 in sshpk), which dominated every `sign`. The stored PEM is still read on
 * each call, so a replaced or deleted CA is seen at once. Keyed by the mount's storage view,
 * which is rebuilt on every unseal: nothing parsed outlives a seal or an unmount.
 */
const parsedByMount = new WeakMap<StorageView, { pem: string; pair: SshKeyPair }>();

export class CaStore {
  constructor(private readonly storage: StorageView) {}

  /** The public key line, or undefined when no CA is configured. */
  async publicKey(): Promise<string | undefined> {
    return (await this.storage.getJson<StoredCa>(CA_KEY))?.public_key;
  }

  /** The CA key pair for signing; a 400 when none is configured, as Vault answers. */
  async signer(): Promise<SshKeyPair> {
    const stored = await this.storage.getJson<StoredCa>(CA_KEY);
    if (stored === undefined) throw invalidRequest('no ca key pair configured: write to `config/ca` first');
    const cached = parsedByMount.get(this.storage);
    if (cached?.pem === stored.private_key) return cached.pair;
    const pair = loadStoredKeyPair(stored.private_key);
    parsedByMount.set(this.storage, { pem: stored.private_key, pair });
    return pair;
  }

  /** Replaces the CA and returns its public key line. */
  async save(pair: SshKeyPair): Promise<string> {
    const publicKey = `${authorizedKeyLine(pair.publicKey)}\n`;
    await this.storage.putJson(CA_KEY, { public_key: publicKey, private_key: pair.privateKeyPem } satisfies StoredCa);
    return publicKey;
  }

  async delete(): Promise<void> {
    parsedByMount.delete(this.storage);
    await this.storage.delete(CA_KEY);
  }
}
