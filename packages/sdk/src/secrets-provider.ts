import type { VaultClientOptions } from './client-options.js';
import { clientOptionsFromEnv, tlsFromFiles, type ReadTextFile } from './env-config.js';
import { EnvSecretsProvider } from './env-secrets-provider.js';
import type { SdkLogger } from './logger.js';
import { secretsConfigFromToml, type SecretsConfig, type SecretsProviderKind } from './secrets-config.js';
import { SopsSecretsProvider } from './sops-secrets-provider.js';
import { VaultSecretsProvider } from './vault-secrets-provider.js';
import { VaultClient } from './client.js';

/** A secret as the platform sees it: one value (ARCHITECTURE.md, "The platform's secrets model"). */
export interface SecretValue {
  /** The `value` field, or the whole data as JSON when the secret has other fields. */
  value: string;
  /** Everything stored at the path. */
  data: Record<string, unknown>;
  /** KV version; absent for providers without versions. */
  version?: number;
}

export interface SecretWriteResult {
  path: string;
  version: number;
}

/** One interface over secretum-vault, SOPS and environment variables. Paths are relative to the mount. */
export interface SecretsProvider {
  readonly kind: SecretsProviderKind;
  /** The value; {@link NotFoundError} when nothing is there. */
  get(path: string): Promise<string>;
  read(path: string): Promise<SecretValue>;
  /** Writes `value` as a new version. */
  set(path: string, value: string): Promise<SecretWriteResult>;
  /** Keys one level below `prefix`; folders end in `/`. */
  list(prefix: string): Promise<string[]>;
  /** A new random value as a new version; the old version is kept. */
  rotate(path: string, options?: { length?: number }): Promise<SecretWriteResult>;
  /** Writes version `version`'s data as a new version. */
  rollback(path: string, version: number): Promise<SecretWriteResult>;
  delete(path: string): Promise<void>;
}

export interface CreateSecretsProviderOptions {
  /** Environment for the defaults (`VAULT_*`, `SOPS_AGE_KEY_FILE`); default `process.env`. */
  env?: Record<string, string | undefined>;
  logger?: SdkLogger;
  fetch?: typeof fetch;
  readFile?: ReadTextFile;
  /** Merged last into the secretum-vault client's options. */
  client?: VaultClientOptions;
}

/**
 * The provider `[secrets]` names. `config` is either a resolved {@link SecretsConfig} or a parsed
 * platform TOML document (its `[secrets]` table is read). Without `[secrets]`: secretum-vault at
 * `$VAULT_ADDR` with `$VAULT_TOKEN`, mount `secret`.
 */
export function createSecretsProvider(config: SecretsConfig | Record<string, unknown> = {}, options: CreateSecretsProviderOptions = {}): SecretsProvider {
  const resolved = isResolved(config) ? config : secretsConfigFromToml(config);
  const env = options.env ?? process.env;
  switch (resolved.provider) {
    case 'sops':
      return new SopsSecretsProvider({ sops: resolved.sopsFile!, ...(resolved.ageKeyFile !== undefined && { ageKeyFile: resolved.ageKeyFile }) }, env);
    case 'env':
      return new EnvSecretsProvider(env, resolved.envPrefix ?? '');
    case 'secretum-vault':
      return new VaultSecretsProvider(new VaultClient(vaultClientOptions(resolved, options)), resolved.vaultMount ?? 'secret');
  }
}

/** The VaultClient options `[secrets]` and the environment give (TOML wins over the environment). */
export function vaultClientOptions(config: SecretsConfig, options: CreateSecretsProviderOptions = {}): VaultClientOptions {
  const fromEnv = clientOptionsFromEnv(options.env ?? process.env, options.readFile);
  const result: VaultClientOptions = { ...fromEnv };
  if (config.vaultAddr !== undefined) {
    delete result.address;
    delete result.addresses;
    if (Array.isArray(config.vaultAddr)) result.addresses = config.vaultAddr;
    else result.address = config.vaultAddr;
  }
  if (result.address === undefined && result.addresses === undefined) result.address = 'http://127.0.0.1:8200';
  if (config.vaultToken !== undefined) result.token = config.vaultToken;
  result.token ??= '';
  result.namespace = config.vaultNamespace ?? result.namespace ?? '';
  const tls = config.tls ? tlsFromFiles(config.tls, options.readFile) : undefined;
  if (tls) result.tls = { ...result.tls, ...tls };
  if (config.cache) result.cache = config.cache;
  if (config.fallback) result.fallback = config.fallback;
  if (options.logger) result.logger = options.logger;
  if (options.fetch) result.fetch = options.fetch;
  return { ...result, ...options.client };
}

function isResolved(config: SecretsConfig | Record<string, unknown>): config is SecretsConfig {
  return typeof config['provider'] === 'string' && !('secrets' in config);
}
