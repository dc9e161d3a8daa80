import type { SopsFallbackOptions } from './client-options.js';
import { NotFoundError, UnsupportedOperationError } from './errors.js';
import { secretValue } from './secret-value.js';
import type { SecretValue, SecretWriteResult, SecretsProvider } from './secrets-provider.js';
import { SopsFallback } from './sops-fallback.js';

/** `provider = "sops"`: reads a SOPS file (MAC verified), read-only. */
export class SopsSecretsProvider implements SecretsProvider {
  readonly kind = 'sops' as const;
  private readonly file: SopsFallback;

  constructor(options: SopsFallbackOptions, env: Record<string, string | undefined> = process.env) {
    this.file = new SopsFallback(options, env);
  }

  async get(path: string): Promise<string> {
    return (await this.read(path)).value;
  }

  async read(path: string): Promise<SecretValue> {
    const data = await this.file.read(path);
    if (data === undefined) throw new NotFoundError(`no secret at \`${path}\` in ${this.file.file} (404)`, { status: 404, path });
    return secretValue(data);
  }

  list(prefix: string): Promise<string[]> {
    return this.file.list(prefix);
  }

  set(path: string): Promise<SecretWriteResult> {
    return readOnly('set', path);
  }

  rotate(path: string): Promise<SecretWriteResult> {
    return readOnly('rotate', path);
  }

  rollback(path: string): Promise<SecretWriteResult> {
    return readOnly('rollback', path);
  }

  async delete(path: string): Promise<void> {
    await readOnly('delete', path);
  }
}

export async function readOnly(operation: string, path: string, provider = 'sops'): Promise<never> {
  throw new UnsupportedOperationError(`the ${provider} provider is read-only: cannot ${operation} \`${path}\` (405)`, { status: 405, path });
}
