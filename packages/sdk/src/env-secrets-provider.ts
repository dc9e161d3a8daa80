import { NotFoundError } from './errors.js';
import { secretValue, trimPath } from './secret-value.js';
import type { SecretValue, SecretWriteResult, SecretsProvider } from './secrets-provider.js';
import { readOnly } from './sops-secrets-provider.js';

/**
 * `provider = "env"`: each secret is an environment variable, read-only. `database/prod/password`
 * is `<prefix>DATABASE_PROD_PASSWORD`: upper case, every character other than A–Z and 0–9 → `_`.
 */
export class EnvSecretsProvider implements SecretsProvider {
  readonly kind = 'env' as const;

  constructor(
    private readonly env: Record<string, string | undefined>,
    private readonly prefix = '',
  ) {}

  /** The variable that holds `path`. */
  variableName(path: string): string {
    return this.prefix + trimPath(path).toUpperCase().replace(/[^A-Z0-9]/g, '_');
  }

  async get(path: string): Promise<string> {
    return (await this.read(path)).value;
  }

  async read(path: string): Promise<SecretValue> {
    const value = this.env[this.variableName(path)];
    if (value === undefined) throw new NotFoundError(`no environment variable \`${this.variableName(path)}\` (404)`, { status: 404, path });
    return secretValue({ value });
  }

  /** Variables below `prefix`, as the rest of their names (lower case, `_` kept): the mapping is one way. */
  async list(prefix: string): Promise<string[]> {
    const stem = trimPath(prefix) === '' ? this.prefix : `${this.variableName(prefix)}_`;
    return Object.keys(this.env)
      .filter((name) => name.startsWith(stem) && name.length > stem.length && this.env[name] !== undefined)
      .map((name) => name.slice(stem.length).toLowerCase())
      .sort();
  }

  set(path: string): Promise<SecretWriteResult> {
    return readOnly('set', path, 'env');
  }

  rotate(path: string): Promise<SecretWriteResult> {
    return readOnly('rotate', path, 'env');
  }

  rollback(path: string): Promise<SecretWriteResult> {
    return readOnly('rollback', path, 'env');
  }

  async delete(path: string): Promise<void> {
    await readOnly('delete', path, 'env');
  }
}
