import { AuthClient } from './auth-client.js';
import {
  DEFAULT_ADDRESS,
  DEFAULT_CACHE_MAX_BYTES,
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_TIMEOUT_MS,
  type VaultClientOptions,
} from './client-options.js';
import { DatabaseClient } from './database-client.js';
import { NotFoundError } from './errors.js';
import { KvCache } from './kv-cache.js';
import { KvV2Client, type KvReadSupport } from './kv-client.js';
import { LeaseClient } from './lease-client.js';
import { LifetimeWatcher, type LifetimeWatcherOptions, type WatchedSecret } from './lifetime-watcher.js';
import { defaultLogger, type SdkLogger } from './logger.js';
import { SopsFallback } from './sops-fallback.js';
import { SshClient } from './ssh-client.js';
import { SysClient } from './sys-client.js';
import { tlsFetch } from './tls-fetch.js';
import { TokenClient } from './token-client.js';
import { TransitClient } from './transit-client.js';
import { requireBody, send, type Requester, type TransportSettings } from './transport.js';
import type { HttpMethod, ListData, RequestOptions, VaultResponse } from './types.js';

/**
 * A client for SecretumVault or any server speaking Vault's `/v1` HTTP API.
 *
 * ```ts
 * const vault = new VaultClient({ token: process.env.VAULT_TOKEN });
 * await vault.kv().put('app/db', { password: 's3cret' });
 * const secret = await vault.kv().get('app/db');
 * ```
 */
export class VaultClient implements Requester {
  readonly namespace: string | undefined;
  /** The `sys/*` endpoints. */
  readonly sys: SysClient;
  /** The token auth method. */
  readonly token: TokenClient;
  /** Logins: token, userpass, AppRole, TLS certificate. */
  readonly auth: AuthClient;
  /** Dynamic-secret leases (`sys/leases/*`). */
  readonly lease: LeaseClient;
  readonly logger: SdkLogger;
  /** The KV read cache, when enabled (its `hits` and `misses` are public). */
  readonly cache: KvCache | undefined;
  private readonly settings: TransportSettings;
  private readonly kvSupport: KvReadSupport;

  constructor(options: VaultClientOptions = {}) {
    const addresses = options.addresses?.length ? options.addresses : [options.address ?? process.env['VAULT_ADDR'] ?? DEFAULT_ADDRESS];
    this.namespace = options.namespace ?? (process.env['VAULT_NAMESPACE'] || undefined);
    this.logger = options.logger ?? defaultLogger;
    this.settings = {
      addresses,
      current: 0,
      token: options.token ?? (process.env['VAULT_TOKEN'] || undefined),
      namespace: this.namespace,
      fetch: options.fetch ?? (options.tls ? tlsFetch(options.tls) : globalThis.fetch),
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      listMethod: options.listMethod ?? 'GET',
    };
    const cache = options.cache;
    this.cache =
      cache && cache.enabled !== false
        ? new KvCache((cache.ttl ?? DEFAULT_CACHE_TTL_SECONDS) * 1000, cache.maxSize ?? DEFAULT_CACHE_MAX_BYTES)
        : undefined;
    this.kvSupport = {
      cache: this.cache,
      fallback: options.fallback ? new SopsFallback(options.fallback) : undefined,
      logger: this.logger,
    };
    this.sys = new SysClient(this);
    this.token = new TokenClient(this);
    this.auth = new AuthClient(this);
    this.lease = new LeaseClient(this);
  }

  /** The server the next request goes to first: the one that answered last. */
  get address(): string {
    return this.settings.addresses[this.settings.current]!;
  }

  /** Every configured server, in order of preference. */
  get addresses(): readonly string[] {
    return this.settings.addresses;
  }

  /** The token sent as `X-Vault-Token`. */
  get clientToken(): string | undefined {
    return this.settings.token;
  }

  setToken(token: string | undefined): void {
    this.settings.token = token;
  }

  /**
   * Sends one request to `/v1/<path>`. Resolves to the parsed body, or `undefined` on 204;
   * rejects with a {@link VaultError} for status ≥ 400 and for connection failures.
   */
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T | undefined> {
    return send<T>(this.settings, method, path, options);
  }

  /** A KV version 2 mount; reads share the client's cache and SOPS fallback. */
  kv(mount = 'secret'): KvV2Client {
    return new KvV2Client(this, mount, this.kvSupport);
  }

  /** A database secrets engine mount. */
  database(mount = 'database'): DatabaseClient {
    return new DatabaseClient(this, mount);
  }

  /** An SSH secrets engine mount (CA signing). */
  ssh(mount = 'ssh'): SshClient {
    return new SshClient(this, mount);
  }

  /** A transit engine mount. */
  transit(mount = 'transit'): TransitClient {
    return new TransitClient(this, mount);
  }

  /** Starts a {@link LifetimeWatcher} renewing this client's token or a lease; warnings go to the client's logger. */
  watch(secret: WatchedSecret, options: LifetimeWatcherOptions = {}): LifetimeWatcher {
    return new LifetimeWatcher(this, secret, { logger: this.logger, ...options }).start();
  }

  /** Throws {@link NotFoundError} when nothing is at `path` (Vault's 404). */
  async read<D = Record<string, unknown>>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<VaultResponse<D>> {
    return requireBody(await this.request<VaultResponse<D>>('GET', path, options), path);
  }

  /** `undefined` when the server answers 204. */
  write<D = Record<string, unknown>>(path: string, data: Record<string, unknown> = {}, options: RequestOptions = {}): Promise<VaultResponse<D> | undefined> {
    return this.request<VaultResponse<D>>('POST', path, { ...options, body: data });
  }

  /** Keys below `path`; `[]` when there are none (Vault answers an empty list with 404). */
  async list(path: string): Promise<string[]> {
    try {
      const body = await this.request<VaultResponse<ListData>>('LIST', path);
      return body?.data?.keys ?? [];
    } catch (err) {
      if (err instanceof NotFoundError) return [];
      throw err;
    }
  }

  async delete(path: string): Promise<void> {
    await this.request('DELETE', path);
  }

  /**
   * Unwraps a response-wrapping token. With no argument the client's own token is the wrapping
   * token; otherwise the wrapping token is sent as the caller when the client has none, or in the
   * body when it has a different one (never both: spec §2.7).
   */
  async unwrap<D = Record<string, unknown>>(wrappingToken?: string): Promise<VaultResponse<D> | undefined> {
    if (wrappingToken === undefined || wrappingToken === this.settings.token) {
      return this.request<VaultResponse<D>>('POST', 'sys/wrapping/unwrap');
    }
    if (!this.settings.token) {
      return this.request<VaultResponse<D>>('POST', 'sys/wrapping/unwrap', { token: wrappingToken });
    }
    return this.request<VaultResponse<D>>('POST', 'sys/wrapping/unwrap', { body: { token: wrappingToken } });
  }
}
