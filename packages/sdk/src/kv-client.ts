import { NotFoundError } from './errors.js';
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

/** A KV version 2 mount (spec/vault-api.md §2.10). Paths are relative to the mount. */
export class KvV2Client {
  readonly mount: string;

  constructor(
    private readonly client: Requester,
    mount = 'secret',
  ) {
    this.mount = mount.replace(/^\/+|\/+$/g, '');
  }

  /** `:mount/<kind>/:path`, the API path used in requests and messages. */
  apiPath(kind: 'data' | 'metadata' | 'delete' | 'undelete' | 'destroy', path: string): string {
    return `${this.mount}/${kind}/${path.replace(/^\/+/, '')}`;
  }

  /** Throws {@link NotFoundError} when absent; for a deleted version the error's `body` holds the envelope. */
  async get<T = Record<string, unknown>>(path: string, options: KvReadOptions = {}): Promise<KvReadResponse<T>> {
    const p = this.apiPath('data', path);
    return present(await this.client.request<KvReadResponse<T>>('GET', p, { query: { version: options.version } }), p);
  }

  async put(path: string, data: Record<string, unknown>, options: KvWriteOptions = {}): Promise<KvWriteResponse> {
    const p = this.apiPath('data', path);
    return present(await this.client.request<KvWriteResponse>('POST', p, { body: writeBody(data, options) }), p);
  }

  /** HTTP PATCH with `application/merge-patch+json`: merges `data` onto the latest version. */
  async patch(path: string, data: Record<string, unknown>, options: KvWriteOptions = {}): Promise<KvWriteResponse> {
    const p = this.apiPath('data', path);
    return present(await this.client.request<KvWriteResponse>('PATCH', p, { body: writeBody(data, options) }), p);
  }

  /** Keys below `path` (folders end in `/`); `[]` when there are none. */
  async list(path = ''): Promise<string[]> {
    try {
      const body = await this.client.request<VaultResponse<ListData>>('LIST', this.apiPath('metadata', path));
      return body?.data?.keys ?? [];
    } catch (err) {
      if (err instanceof NotFoundError) return [];
      throw err;
    }
  }

  /** Soft-deletes the latest version. */
  async delete(path: string): Promise<void> {
    await this.client.request('DELETE', this.apiPath('data', path));
  }

  async deleteVersions(path: string, versions: number[]): Promise<void> {
    await this.client.request('POST', this.apiPath('delete', path), { body: { versions } });
  }

  async undelete(path: string, versions: number[]): Promise<void> {
    await this.client.request('POST', this.apiPath('undelete', path), { body: { versions } });
  }

  /** Permanently removes the versions' data. */
  async destroy(path: string, versions: number[]): Promise<void> {
    await this.client.request('PUT', this.apiPath('destroy', path), { body: { versions } });
  }

  async readMetadata(path: string): Promise<KvMetadataResponse> {
    const p = this.apiPath('metadata', path);
    return present(await this.client.request<KvMetadataResponse>('GET', p), p);
  }

  async writeMetadata(path: string, metadata: KvMetadataWrite): Promise<void> {
    await this.client.request('POST', this.apiPath('metadata', path), { body: metadata });
  }

  /** Deletes every version and the metadata. */
  async deleteMetadata(path: string): Promise<void> {
    await this.client.request('DELETE', this.apiPath('metadata', path));
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
