import { invalidRequest } from '../../errors.js';
import type { StorageView } from '../../storage/storage-view.js';
import type { ParsedCache } from './parsed-cache.js';
import { authorizedKeyLine, loadStoredKeyPair, wireBlob, type SshKeyPair } from './ssh-keys.js';

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

/** The CA as signing needs it, parsed once per mount and kept in the engine's cache. */
export interface LoadedCa {
  readonly pair: SshKeyPair;
  /** The public key's SSH wire blob (RFC 4253 §6.6), embedded in every certificate. */
  readonly publicBlob: Buffer;
  /** authorized_keys line with a trailing newline, as stored and served. */
  readonly publicKeyLine: string;
}

const loaded = (pair: SshKeyPair, publicKeyLine: string): LoadedCa => ({ pair, publicBlob: wireBlob(pair.publicKey), publicKeyLine });

/**
 * Reads, writes and deletes the mount's CA key pair through the mount's parsed cache. Parsing
 * the stored PEM derives the public key in JavaScript (≈ 4 ms for Ed25519 in sshpk); with the
 * cache it happens once per unseal instead of on every `sign` (BENCHMARKS.md, issue 7).
 */
export class CaStore {
  constructor(
    private readonly storage: StorageView,
    private readonly cache: ParsedCache<LoadedCa>,
  ) {}

  /** The public key line, or undefined when no CA is configured. */
  async publicKey(): Promise<string | undefined> {
    return (await this.load())?.publicKeyLine;
  }

  /** The CA for signing; a 400 when none is configured, as Vault answers. */
  async signer(): Promise<LoadedCa> {
    const ca = await this.load();
    if (ca === undefined) throw invalidRequest('no ca key pair configured: write to `config/ca` first');
    return ca;
  }

  /** Replaces the CA and returns its public key line. */
  save(pair: SshKeyPair): Promise<string> {
    const publicKey = `${authorizedKeyLine(pair.publicKey)}\n`;
    return this.cache.write(CA_KEY, async () => {
      await this.storage.putJson(CA_KEY, { public_key: publicKey, private_key: pair.privateKeyPem } satisfies StoredCa);
      return { value: loaded(pair, publicKey), result: publicKey };
    });
  }

  delete(): Promise<void> {
    return this.cache.write(CA_KEY, async () => {
      await this.storage.delete(CA_KEY);
      return { value: undefined, result: undefined };
    });
  }

  private load(): Promise<LoadedCa | undefined> {
    return this.cache.read(CA_KEY, async () => {
      const stored = await this.storage.getJson<StoredCa>(CA_KEY);
      return stored === undefined ? undefined : loaded(loadStoredKeyPair(stored.private_key), stored.public_key);
    });
  }
}
