import { NotFoundError, SealedError, UnavailableError } from './errors.js';
import type { KvCache } from './kv-cache.js';
import type {
  KvMetadataResponse,
  KvMetadataWrite,
  KvReadOptions,
  KvReadResponse,
  KvWriteOptions,
  KvWriteResponse,
} from './kv-types.js';
import { requireBody as present, type Requester } from './transport.js';
import type { ListData, VaultResponse } from './types.js';
import type { SdkLogger } from './logger.js';
import type { SopsFallback } from './sops-fallback.js';

/** What a client shares with its KV mounts: the read cache and the SOPS fallback, when configured. */
export interface KvReadSupport {
  cache?: KvCache | undefined;
  fallback?: SopsFallback | undefined;
  logger?: SdkLogger | undefined;
}

/** A KV version 2 mount (spec/vault-api.md §2.10). Paths are relative to the mount. */
export class KvV2Client {
  readonly mount: string;

  constructor(
    private readonly client: Requester,
    mount = 'secret',
    private readonly support: KvReadSupport = {},
  ) {
    this.mount = mount.replace(/^\/+|\/+$/g, '');
  }

  /** `:mount/<kind>/:path`, the API path used in requests and messages. */
  apiPath(kind: 'data' | 'metadata' | 'delete' | 'undelete' | 'destroy', path: string): string {
    return `${this.mount}/${kind}/${path.replace(/^\/+/, '')}`;
  }

  /**
   * Throws {@link NotFoundError} when absent; for a deleted version the error's `body` holds the
   * envelope. Served from the client's cache when enabled; answered from the SOPS fallback (with a
   * warning) when the server is unavailable or sealed and the fallback holds the path.
   */
  async get<T = Record<string, unknown>>(path: string, options: KvReadOptions = {}): Promise<KvReadResponse<T>> {
    const p = this.apiPath('data', path);
    const cache = this.support.cache;
    const cached = cache?.get<KvReadResponse<T>>(this.secretKey(path), options.version);
    if (cached !== undefined) return cached;
    try {
      const body = present(await this.client.request<KvReadResponse<T>>('GET', p, { query: { version: options.version } }), p);
      cache?.set(this.secretKey(path), options.version, body);
      return body;
    } catch (err) {
      const fromSops = await this.fallbackRead(err, path, options);
      if (fromSops === undefined) throw err;
      return fromSops as KvReadResponse<T>;
    }
  }

  private async fallbackRead(err: unknown, path: string, options: KvReadOptions): Promise<KvReadResponse | undefined> {
    const fallback = this.support.fallback;
    if (fallback === undefined || !(err instanceof UnavailableError || err instanceof SealedError)) return undefined;
    if (options.version !== undefined && options.version !== 0) return undefined; // the file has no versions
    let data: Record<string, string> | undefined;
    try {
      data = await fallback.read(path);
    } catch (loadErr) {
      this.support.logger?.warn(`sops fallback unusable: ${loadErr instanceof Error ? loadErr.message : String(loadErr)}`, { file: fallback.file });
      return undefined;
    }
    if (data === undefined) return undefined;
    const warning = `vault unavailable (${err.message}); \`${path}\` served read-only from sops file ${fallback.file}`;
    this.support.logger?.warn(warning, { path, file: fallback.file });
    return {
      request_id: '',
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: { data, metadata: { created_time: '', custom_metadata: null, deletion_time: '', destroyed: false, version: 0 } },
      wrap_info: null,
      warnings: [warning],
      auth: null,
    };
  }

  private secretKey(path: string): string {
    return `${this.mount}/${path.replace(/^\/+|\/+$/g, '')}`;
  }

  /** Runs a write, then forgets cached reads of `path`, even when the write failed half-way. */
  private async writing<R>(path: string, write: () => Promise<R>): Promise<R> {
    try {
      return await write();
    } finally {
      this.invalidate(path);
    }
  }

  /** Forgets cached reads of `path` (writes through this client call it themselves). */
  invalidate(path: string): void {
    this.support.cache?.invalidate(this.secretKey(path));
  }

  async put(path: string, data: Record<string, unknown>, options: KvWriteOptions = {}): Promise<KvWriteResponse> {
    const p = this.apiPath('data', path);
    return this.writing(path, async () => present(await this.client.request<KvWriteResponse>('POST', p, { body: writeBody(data, options) }), p));
  }

  /** HTTP PATCH with `application/merge-patch+json`: merges `data` onto the latest version. */
  async patch(path: string, data: Record<string, unknown>, options: KvWriteOptions = {}): Promise<KvWriteResponse> {
    const p = this.apiPath('data', path);
    return this.writing(path, async () => present(await this.client.request<KvWriteResponse>('PATCH', p, { body: writeBody(data, options) }), p));
  }

  /** Keys below `path` (folders end in `/`); `[]` when there are none. */
  async list(path = ''): Promise<string[]> {
    try {
      const body = await this.client.request<VaultResponse<ListData>>('LIST', this.apiPath('metadata', path));
      return body?.data?.keys ?? [];
    } catch (err) {
      if (err instanceof NotFoundError) return [];
      const fallback = this.support.fallback;
      if (fallback !== undefined && (err instanceof UnavailableError || err instanceof SealedError)) {
        const keys = await fallback.list(path).catch(() => undefined);
        if (keys !== undefined) {
          this.support.logger?.warn(`vault unavailable (${err.message}); list of \`${path}\` served from sops file ${fallback.file}`);
          return keys;
        }
      }
      throw err;
    }
  }

  /** Soft-deletes the latest version. */
  async delete(path: string): Promise<void> {
    await this.writing(path, () => this.client.request('DELETE', this.apiPath('data', path)));
  }

  async deleteVersions(path: string, versions: number[]): Promise<void> {
    await this.writing(path, () => this.client.request('POST', this.apiPath('delete', path), { body: { versions } }));
  }

  async undelete(path: string, versions: number[]): Promise<void> {
    await this.writing(path, () => this.client.request('POST', this.apiPath('undelete', path), { body: { versions } }));
  }

  /** Permanently removes the versions' data. */
  async destroy(path: string, versions: number[]): Promise<void> {
    await this.writing(path, () => this.client.request('PUT', this.apiPath('destroy', path), { body: { versions } }));
  }

  async readMetadata(path: string): Promise<KvMetadataResponse> {
    const p = this.apiPath('metadata', path);
    return present(await this.client.request<KvMetadataResponse>('GET', p), p);
  }

  async writeMetadata(path: string, metadata: KvMetadataWrite): Promise<void> {
    await this.writing(path, () => this.client.request('POST', this.apiPath('metadata', path), { body: metadata }));
  }

  /** Deletes every version and the metadata. */
  async deleteMetadata(path: string): Promise<void> {
    await this.writing(path, () => this.client.request('DELETE', this.apiPath('metadata', path)));
  }

  /**
   * Writes the data of `version` as a new version. Check-and-set against the current version,
   * so a write that lands in between makes the rollback fail rather than be overwritten.
   */
  async rollback(path: string, version: number): Promise<KvWriteResponse> {
    const old = await this.get(path, { version });
    if (old.data.data === null) {
      throw new NotFoundError(`version ${version} of \`${path}\` is deleted or destroyed (404)`, {
        status: 404,
        path: this.apiPath('data', path),
        body: old,
      });
    }
    const metadata = await this.readMetadata(path);
    return this.put(path, old.data.data, { cas: metadata.data.current_version });
  }
}

function writeBody(data: Record<string, unknown>, options: KvWriteOptions): Record<string, unknown> {
  return options.cas === undefined ? { data } : { options: { cas: options.cas }, data };
}
