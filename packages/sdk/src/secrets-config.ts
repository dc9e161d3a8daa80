import type { CacheOptions, SopsFallbackOptions } from './client-options.js';

/** The providers the platform's `[secrets]` section names. */
export type SecretsProviderKind = 'secretum-vault' | 'sops' | 'env';

/** File names, as `[secrets.tls]` gives them (read when the client is built). */
export interface SecretsTlsFiles {
  caCert?: string;
  clientCert?: string;
  clientKey?: string;
  serverName?: string;
  insecureSkipVerify?: boolean;
}

/** The platform's `[secrets]` section, resolved; {@link secretsConfigFromToml} builds it from parsed TOML. */
export interface SecretsConfig {
  provider: SecretsProviderKind;
  /** secretum-vault: one or more addresses; default `$VAULT_ADDR`. */
  vaultAddr?: string | string[];
  /** secretum-vault: default `$VAULT_TOKEN`. */
  vaultToken?: string;
  vaultNamespace?: string;
  /** KV v2 mount the platform's paths live in; default `secret`. */
  vaultMount?: string;
  tls?: SecretsTlsFiles;
  cache?: CacheOptions;
  /** secretum-vault: answer reads from a SOPS file when the server is unavailable. */
  fallback?: SopsFallbackOptions;
  /** sops: the SOPS file the provider reads. */
  sopsFile?: string;
  /** sops: age identities; default `$SOPS_AGE_KEY_FILE` / `$SOPS_AGE_KEY`. */
  ageKeyFile?: string;
  /** env: prefix of the variable names (`APP_` → `APP_DATABASE_PROD_PASSWORD`). */
  envPrefix?: string;
}

/** A `[secrets]` setting with the wrong type or value; names the key and what was expected. */
export class SecretsConfigError extends Error {
  readonly code = 'secrets_config' as const;
  constructor(message: string) {
    super(message);
    this.name = 'SecretsConfigError';
  }
}

const PROVIDERS: readonly SecretsProviderKind[] = ['secretum-vault', 'sops', 'env'];

/**
 * Reads the `[secrets]` table of an already-parsed platform TOML document (the SDK has no TOML
 * parser: parse with smol-toml or any other and pass the object). A document without `[secrets]`
 * gives the default: secretum-vault at `$VAULT_ADDR`, mount `secret`.
 *
 * ```toml
 * [secrets]
 * provider = "secretum-vault"          # or "sops" | "env"
 * vault_addr = ["https://vault-1:8200", "https://vault-2:8200"]   # or one string
 * vault_namespace = "platform"
 * vault_mount = "secret"
 * [secrets.tls]
 * ca_cert = "/etc/ssl/vault-ca.pem"
 * client_cert = "/etc/ssl/me.pem"
 * client_key = "/etc/ssl/me.key"
 * [secrets.cache]
 * enabled = true
 * ttl = "5m"                           # or seconds
 * max_size = "10MB"                    # or bytes
 * [secrets.fallback]
 * sops = "config/secrets.yaml"
 * age_key_file = "/etc/age/keys.txt"
 * ```
 */
export function secretsConfigFromToml(document: Record<string, unknown>, where = '[secrets]'): SecretsConfig {
  const raw = document['secrets'];
  if (raw === undefined) return { provider: 'secretum-vault', vaultMount: 'secret' };
  const t = table(raw, where);
  const provider = (optString(t, 'provider', where) ?? 'secretum-vault') as SecretsProviderKind;
  if (!PROVIDERS.includes(provider)) {
    throw new SecretsConfigError(`${where}: \`provider\` must be one of ${PROVIDERS.map((p) => `"${p}"`).join(', ')}, got \`${provider}\``);
  }
  const config: SecretsConfig = { provider, vaultMount: optString(t, 'vault_mount', where) ?? 'secret' };
  const addr = t['vault_addr'];
  if (addr !== undefined) {
    if (typeof addr === 'string') config.vaultAddr = addr;
    else if (Array.isArray(addr) && addr.length > 0 && addr.every((a) => typeof a === 'string')) config.vaultAddr = addr as string[];
    else throw new SecretsConfigError(`${where}: \`vault_addr\` must be a string or a non-empty list of strings`);
  }
  assign(config, 'vaultToken', optString(t, 'vault_token', where));
  assign(config, 'vaultNamespace', optString(t, 'vault_namespace', where));
  assign(config, 'sopsFile', optString(t, 'sops_file', where));
  assign(config, 'ageKeyFile', optString(t, 'age_key_file', where));
  assign(config, 'envPrefix', optString(t, 'env_prefix', where));
  if (t['tls'] !== undefined) {
    const w = `${where.replace(/\]$/, '')}.tls]`;
    const tls = table(t['tls'], w);
    const files: SecretsTlsFiles = {};
    assign(files, 'caCert', optString(tls, 'ca_cert', w));
    assign(files, 'clientCert', optString(tls, 'client_cert', w));
    assign(files, 'clientKey', optString(tls, 'client_key', w));
    assign(files, 'serverName', optString(tls, 'server_name', w));
    assign(files, 'insecureSkipVerify', optBool(tls, 'skip_verify', w));
    config.tls = files;
  }
  if (t['cache'] !== undefined) {
    const w = `${where.replace(/\]$/, '')}.cache]`;
    const cache = table(t['cache'], w);
    config.cache = { enabled: optBool(cache, 'enabled', w) ?? true };
    assign(config.cache, 'ttl', optAmount(cache, 'ttl', w, DURATION_UNITS, 'a number of seconds or a duration like "5m"'));
    assign(config.cache, 'maxSize', optAmount(cache, 'max_size', w, SIZE_UNITS, 'a number of bytes or a size like "10MB"'));
  }
  if (t['fallback'] !== undefined) {
    const w = `${where.replace(/\]$/, '')}.fallback]`;
    const fb = table(t['fallback'], w);
    const sops = optString(fb, 'sops', w);
    if (sops === undefined) throw new SecretsConfigError(`${w}: \`sops\` (the SOPS file) is required`);
    config.fallback = { sops };
    assign(config.fallback, 'ageKeyFile', optString(fb, 'age_key_file', w));
    assign(config.fallback, 'prefix', optString(fb, 'prefix', w));
  }
  if (provider === 'sops' && config.sopsFile === undefined) {
    throw new SecretsConfigError(`${where}: provider "sops" needs \`sops_file\``);
  }
  return config;
}

const DURATION_UNITS: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86_400 };
const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, kb: 1000, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

function optAmount(t: Record<string, unknown>, key: string, where: string, units: Record<string, number>, expected: string): number | undefined {
  const v = t[key];
  if (v === undefined) return undefined;
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  const match = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v) : null;
  const factor = match ? units[match[2]!.toLowerCase()] : undefined;
  if (!match || factor === undefined) throw new SecretsConfigError(`${where}: \`${key}\` must be ${expected}`);
  return Number(match[1]) * factor;
}

function table(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SecretsConfigError(`${where} must be a table`);
  return v as Record<string, unknown>;
}

function optString(t: Record<string, unknown>, key: string, where: string): string | undefined {
  const v = t[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new SecretsConfigError(`${where}: \`${key}\` must be a non-empty string`);
  return v;
}

function optBool(t: Record<string, unknown>, key: string, where: string): boolean | undefined {
  const v = t[key];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') throw new SecretsConfigError(`${where}: \`${key}\` must be true or false`);
  return v;
}

function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
