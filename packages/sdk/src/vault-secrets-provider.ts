import { randomBytes } from 'node:crypto';
import type { VaultClient } from './client.js';
import { NotFoundError } from './errors.js';
import type { KvV2Client } from './kv-client.js';
import { secretValue, trimPath } from './secret-value.js';
import type { SecretValue, SecretWriteResult, SecretsProvider } from './secrets-provider.js';

/** Random bytes in a rotated value (base64url: 43 characters). */
const DEFAULT_ROTATE_BYTES = 32;

/** The platform's secrets on a KV v2 mount: `<mount>/data/<path>` holds `{ "value": "…" }`. */
export class VaultSecretsProvider implements SecretsProvider {
  readonly kind = 'secretum-vault' as const;
  readonly kv: KvV2Client;

  constructor(
    readonly client: VaultClient,
    readonly mount = 'secret',
  ) {
    this.kv = client.kv(mount);
  }

  async get(path: string): Promise<string> {
    return (await this.read(path)).value;
  }

  async read(path: string): Promise<SecretValue> {
    const res = await this.kv.get(trimPath(path));
    if (res.data.data === null) {
      throw new NotFoundError(`\`${path}\` is deleted (404)`, { status: 404, path: this.kv.apiPath('data', path) });
    }
    const version = res.data.metadata.version;
    return secretValue(res.data.data, version > 0 ? version : undefined);
  }

  async set(path: string, value: string): Promise<SecretWriteResult> {
    const res = await this.kv.put(trimPath(path), { value });
    return { path: trimPath(path), version: res.data.version };
  }

  async list(prefix: string): Promise<string[]> {
    return this.kv.list(trimPath(prefix));
  }

  /** Needs an existing secret; check-and-set on its current version, so a concurrent write is not lost. */
  async rotate(path: string, options: { length?: number } = {}): Promise<SecretWriteResult> {
    const clean = trimPath(path);
    const metadata = await this.kv.readMetadata(clean);
    const value = randomBytes(options.length ?? DEFAULT_ROTATE_BYTES).toString('base64url');
    const res = await this.kv.put(clean, { value }, { cas: metadata.data.current_version });
    return { path: clean, version: res.data.version };
  }

  async rollback(path: string, version: number): Promise<SecretWriteResult> {
    const res = await this.kv.rollback(trimPath(path), version);
    return { path: trimPath(path), version: res.data.version };
  }

  /** Soft-deletes the latest version (recoverable with `kv.undelete`). */
  async delete(path: string): Promise<void> {
    await this.kv.delete(trimPath(path));
  }
}
