export { VaultClient } from './client.js';
export {
  DEFAULT_ADDRESS,
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_TIMEOUT_MS,
  type CacheOptions,
  type SopsFallbackOptions,
  type TlsOptions,
  type VaultClientOptions,
} from './client-options.js';
export * from './errors.js';
export { AuthClient, type TokenHolder } from './auth-client.js';
export {
  DatabaseClient,
  type DatabaseConnectionConfig,
  type DatabaseCredentials,
  type DatabaseRoleConfig,
} from './database-client.js';
export { clientOptionsFromEnv, tlsFromFiles, type ReadTextFile } from './env-config.js';
export { EnvSecretsProvider } from './env-secrets-provider.js';
export { KvCache } from './kv-cache.js';
export { KvV2Client, type KvReadSupport } from './kv-client.js';
export { LeaseClient, type LeaseLookup, type RenewedLease } from './lease-client.js';
export {
  LifetimeWatcher,
  type LifetimeWatcherOptions,
  type RenewingClient,
  type WatchedSecret,
  type WatcherDone,
  type WatcherDoneReason,
} from './lifetime-watcher.js';
export { defaultLogger, type SdkLogger } from './logger.js';
export type * from './kv-types.js';
export {
  SecretsConfigError,
  secretsConfigFromToml,
  type SecretsConfig,
  type SecretsProviderKind,
  type SecretsTlsFiles,
} from './secrets-config.js';
export {
  createSecretsProvider,
  vaultClientOptions,
  type CreateSecretsProviderOptions,
  type SecretValue,
  type SecretWriteResult,
  type SecretsProvider,
} from './secrets-provider.js';
export { SopsFallback } from './sops-fallback.js';
export { SopsSecretsProvider } from './sops-secrets-provider.js';
export { SshClient, type SshSignedKey, type SshSignRequest } from './ssh-client.js';
export { SysClient } from './sys-client.js';
export type * from './sys-types.js';
export { tlsFetch } from './tls-fetch.js';
export { TokenClient, type TokenLookupResponse } from './token-client.js';
export type * from './token-types.js';
export { TransitClient, type TransitEncryptOptions } from './transit-client.js';
export { encodePath, type Requester } from './transport.js';
export type * from './types.js';
export { VaultSecretsProvider } from './vault-secrets-provider.js';
