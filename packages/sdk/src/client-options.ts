import type { SdkLogger } from './logger.js';

/**
 * TLS settings for an `https://` server: a private CA and, for TLS-certificate auth (mTLS), the
 * client's certificate and key. PEM text, not file names ({@link clientOptionsFromEnv} reads the
 * files named by `VAULT_CACERT`, `VAULT_CLIENT_CERT` and `VAULT_CLIENT_KEY`).
 */
export interface TlsOptions {
  /** PEM CA certificate(s) trusted for the server, in place of the system store. */
  caCert?: string;
  /** PEM client certificate (chain), presented to a server that asks for one. */
  clientCert?: string;
  /** PEM private key of `clientCert`. */
  clientKey?: string;
  /** SNI and certificate name check, when it differs from the address's host. */
  serverName?: string;
  /** Skips certificate verification (`VAULT_SKIP_VERIFY`). Tests only. */
  insecureSkipVerify?: boolean;
}

/** `[secrets.cache]`: KV v2 reads served from memory. */
export interface CacheOptions {
  /** Default true when the object is given. */
  enabled?: boolean;
  /** Seconds an entry lives; default 60. */
  ttl?: number;
  /** Bytes of cached values (JSON length) before the least recently used go; default 1 MiB. */
  maxSize?: number;
}

/** A read-only SOPS file answering KV reads when the server cannot (the graceful-degradation path). */
export interface SopsFallbackOptions {
  /** The SOPS file (YAML, JSON, INI, dotenv or binary), laid out as `secrets migrate` flattens it. */
  sops: string;
  /** age identity file; default `$SOPS_AGE_KEY_FILE`, else the identities in `$SOPS_AGE_KEY`. */
  ageKeyFile?: string;
  /** Prefix the file's keys sit under (as `migrate --prefix`); default none. */
  prefix?: string;
}

/** Constructor options of {@link VaultClient}. */
export interface VaultClientOptions {
  /** Default `process.env.VAULT_ADDR ?? 'http://127.0.0.1:8200'`. */
  address?: string;
  /**
   * Several servers of one cluster, tried in order. A connection error, a timeout or a 503 (sealed
   * or standby) moves to the next; the client then stays on the one that answered. Overrides `address`.
   */
  addresses?: string[];
  /** Default `process.env.VAULT_TOKEN`. */
  token?: string;
  /** Default `process.env.VAULT_NAMESPACE`; sent as `X-Vault-Namespace`. */
  namespace?: string;
  /** Injected fetch (tests, proxies); default the global one, or a `node:https` one when `tls` is set. */
  fetch?: typeof fetch;
  /** CA and client certificate for `https://` servers. */
  tls?: TlsOptions;
  /** Per-request timeout in milliseconds; default 60 000 (Vault's client default). */
  timeoutMs?: number;
  /**
   * How LIST is sent. `'GET'` (default) sends `GET …?list=true`, which every Vault-compatible
   * server accepts. `'LIST'` sends the real verb: Node's fetch (undici) can send it, but Node's own
   * HTTP parser cannot receive it, so a Node server (SecretumVault included) answers it on a side
   * path that closes the connection, costing a reconnect per list.
   */
  listMethod?: 'GET' | 'LIST';
  /** KV v2 read cache; off unless given. */
  cache?: CacheOptions;
  /** Answer KV reads from a SOPS file when the server is unavailable or sealed. */
  fallback?: { sops: string; ageKeyFile?: string; prefix?: string };
  /** Warnings (fallback in use, renewal failures); default `process.emitWarning`. */
  logger?: SdkLogger;
}

export const DEFAULT_ADDRESS = 'http://127.0.0.1:8200';
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_CACHE_TTL_SECONDS = 60;
export const DEFAULT_CACHE_MAX_BYTES = 1024 * 1024;
