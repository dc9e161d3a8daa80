import { VaultError } from '../errors.js';

/**
 * A minimal etcd v3 client over the HTTP/JSON gateway that etcd (3.4+) serves on its client
 * port (`/v3/kv/range`, `/v3/kv/txn`, `/v3/lease/*`), using Node's fetch. The `etcd3` npm package
 * (gRPC) is not installed; the gateway needs no dependency and covers everything we use.
 *
 * Keys and values travel base64-encoded; int64 fields arrive as strings; proto3 JSON omits
 * fields holding their default (an empty value, `succeeded: false`, `more: false`).
 * https://etcd.io/docs/v3.5/dev-guide/api_grpc_gateway/
 */
export interface EtcdKv {
  readonly key: Buffer;
  readonly value: Buffer;
  readonly createRevision: string;
  readonly lease: string;
}

export type EtcdTxnOp =
  | { readonly put: { readonly key: Buffer; readonly value: Buffer; readonly lease?: string } }
  | { readonly deleteKey: Buffer };

interface RawKv {
  key: string;
  value?: string;
  create_revision?: string;
  lease?: string;
}

export class EtcdGateway {
  /** Index of the endpoint that answered last; tried first next time. */
  private current = 0;

  constructor(
    private readonly endpoints: readonly string[],
    private readonly timeoutMs = 10_000,
  ) {
    if (endpoints.length === 0) throw new VaultError('internal', 'storage `etcd` needs at least one endpoint in `address`');
  }

  /** Keys in `[key, rangeEnd)` (or just `key`), sorted by key bytes. */
  async range(
    key: Buffer,
    rangeEnd?: Buffer,
    options: { limit?: number; keysOnly?: boolean } = {},
  ): Promise<{ kvs: EtcdKv[]; more: boolean }> {
    const res = await this.call<{ kvs?: RawKv[]; more?: boolean }>('/v3/kv/range', {
      key: b64(key),
      ...(rangeEnd && { range_end: b64(rangeEnd) }),
      ...(options.limit !== undefined && { limit: String(options.limit) }),
      ...(options.keysOnly && { keys_only: true }),
    });
    return { kvs: (res.kvs ?? []).map(decodeKv), more: res.more === true };
  }

  /**
   * One transaction. Without `ifCreateRevision0` the operations always apply, atomically; with
   * it they apply only if that key does not exist (the leader-election compare).
   */
  async txn(ops: readonly EtcdTxnOp[], ifCreateRevision0?: Buffer): Promise<boolean> {
    const res = await this.call<{ succeeded?: boolean }>('/v3/kv/txn', {
      ...(ifCreateRevision0 && {
        compare: [{ key: b64(ifCreateRevision0), target: 'CREATE', result: 'EQUAL', create_revision: '0' }],
      }),
      success: ops.map((op) =>
        'put' in op
          ? { request_put: { key: b64(op.put.key), value: b64(op.put.value), ...(op.put.lease && { lease: op.put.lease }) } }
          : { request_delete_range: { key: b64(op.deleteKey) } },
      ),
    });
    // A txn without compares always succeeds (and omits the field only when it is false).
    return ifCreateRevision0 === undefined || res.succeeded === true;
  }

  async grantLease(ttlSeconds: number): Promise<string> {
    const res = await this.call<{ ID?: string; error?: string }>('/v3/lease/grant', { TTL: String(ttlSeconds) });
    if (!res.ID) throw new VaultError('internal', `etcd: lease grant failed: ${res.error ?? 'no lease id'}`);
    return res.ID;
  }

  /** Refreshes a lease; false when it has already expired (etcd answers without a TTL). */
  async keepAlive(id: string, timeoutMs?: number): Promise<boolean> {
    const res = await this.call<{ result?: { TTL?: string } }>('/v3/lease/keepalive', { ID: id }, timeoutMs);
    return Number(res.result?.TTL ?? '0') > 0;
  }

  async revokeLease(id: string): Promise<void> {
    await this.call('/v3/lease/revoke', { ID: id });
  }

  /** POSTs to the gateway, moving on to the next endpoint when one cannot be reached. */
  private async call<T>(path: string, body: unknown, timeoutMs = this.timeoutMs): Promise<T> {
    let lastError: unknown;
    for (let i = 0; i < this.endpoints.length; i++) {
      const index = (this.current + i) % this.endpoints.length;
      let res: Response;
      try {
        res = await fetch(this.endpoints[index] + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        lastError = err;
        continue;
      }
      this.current = index;
      const text = await res.text();
      const json = (text === '' ? {} : JSON.parse(text)) as T & { error?: string; message?: string };
      if (!res.ok) {
        throw new VaultError('internal', `etcd: ${json.message ?? json.error ?? `status ${res.status}`}`);
      }
      return json;
    }
    const cause = lastError instanceof Error ? (lastError.cause instanceof Error ? lastError.cause.message : lastError.message) : String(lastError);
    throw new VaultError('internal', `etcd: no endpoint reachable: ${cause}`);
  }
}

const b64 = (bytes: Buffer) => bytes.toString('base64');

function decodeKv(raw: RawKv): EtcdKv {
  return {
    key: Buffer.from(raw.key, 'base64'),
    value: Buffer.from(raw.value ?? '', 'base64'),
    createRevision: raw.create_revision ?? '0',
    lease: raw.lease ?? '0',
  };
}

/** The smallest key after every key starting with `prefix` (etcd's `WithPrefix` range end). */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]); // every key: etcd reads `\0` as "to the end"
}
