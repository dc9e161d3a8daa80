import { VaultError } from '../errors.js';
import { EtcdGateway, prefixEnd, type EtcdTxnOp } from './etcd-gateway.js';
import { EtcdHaLock } from './etcd-ha-lock.js';
import type { HaLockTiming } from './lease-keeper.js';
import { SerialCommit } from './serial-commit.js';
import { childrenOf, type HaLock, type StorageBackend, type StorageOp } from './storage-backend.js';
import { assertStorageKey, assertStorageOp } from './storage-key.js';

export interface EtcdOptions {
  /** Client URLs of the cluster members, e.g. `http://10.0.0.1:2379`; tried in turn. */
  readonly endpoints: readonly string[];
  /** Root of everything this vault writes. Default `secretum/`: data under `secretum/kv/`. */
  readonly path?: string;
  /** Offer a leader lock (key `<path>leader`). Default false. */
  readonly haEnabled?: boolean;
  readonly haTiming?: Partial<HaLockTiming>;
  /** etcd's `--max-txn-ops` (default 128): the most distinct keys one transaction may write. */
  readonly maxTxnOps?: number;
}

/** Keys fetched per range request by `list` and `keys`. */
const PAGE = 1000;

/**
 * etcd storage. Data keys live under `<path>kv/`, the leader key at `<path>leader`, so a LIST of
 * the root never sees the lock. etcd sorts keys by bytes, which for UTF-8 is code point order.
 *
 * - `list` is a keys-only range over the prefix, grouped into one level on the client.
 * - Writes go through {@link SerialCommit}: each group is one transaction (atomic, applied after
 *   raft commit and WAL fsync on a majority: durable on acknowledge), groups in issue order.
 *   etcd rejects a transaction that names a key twice, so a group keeps each key's last write.
 */
export class EtcdBackend implements StorageBackend {
  readonly type = 'etcd';
  readonly haLock?: HaLock;
  private readonly etcd: EtcdGateway;
  private readonly base: string;
  private readonly writes: SerialCommit<readonly StorageOp[]>;
  private closed = false;

  constructor(options: EtcdOptions) {
    const root = options.path ?? 'secretum/';
    if (root !== '' && !root.endsWith('/')) throw new VaultError('internal', 'storage `path` for etcd must end with `/`');
    this.base = `${root}kv/`;
    this.etcd = new EtcdGateway(options.endpoints.map((e) => e.replace(/\/+$/, '')));
    if (options.haEnabled) this.haLock = new EtcdHaLock(this.etcd, Buffer.from(`${root}leader`), options.haTiming);
    this.writes = new SerialCommit((groups) => this.commit(groups), {
      keysOf: (ops) => ops.map((op) => op.key),
      sizeOf: (ops) => ops.length,
      maxGroupSize: options.maxTxnOps ?? 128,
    });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    assertStorageKey(key);
    await this.writes.settledFor(key);
    const { kvs } = await this.etcd.range(this.encode(key));
    const kv = kvs[0];
    return kv === undefined ? undefined : new Uint8Array(kv.value);
  }

  put(key: string, value: Uint8Array): Promise<void> {
    return this.batch([{ type: 'put', key, value }]);
  }

  delete(key: string): Promise<void> {
    return this.batch([{ type: 'delete', key }]);
  }

  async batch(ops: readonly StorageOp[]): Promise<void> {
    if (this.closed) throw new VaultError('internal', 'storage `etcd` is closed');
    for (const op of ops) assertStorageOp(op);
    const copy = ops.map((op): StorageOp => (op.type === 'put' ? { type: 'put', key: op.key, value: Buffer.from(op.value) } : op));
    return this.writes.enqueue(copy);
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of this.keys(prefix)) keys.push(key);
    return childrenOf(prefix, keys);
  }

  async *keys(prefix: string): AsyncIterable<string> {
    await this.writes.settledForPrefix(prefix);
    const start = this.encode(prefix);
    const end = prefixEnd(start);
    let from = start;
    for (;;) {
      const { kvs, more } = await this.etcd.range(from, end, { limit: PAGE, keysOnly: true });
      for (const kv of kvs) yield kv.key.toString('utf8').slice(this.base.length);
      if (!more || kvs.length === 0) return;
      from = Buffer.concat([kvs.at(-1)!.key, Buffer.from([0])]);
    }
  }

  /**
   * Waits for queued writes and stops keeping the lock's lease alive without revoking it (as a
   * crash would: another node takes over when it expires; call `haLock.release()` first for a
   * prompt hand-over).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writes.drain();
    (this.haLock as EtcdHaLock | undefined)?.abandon();
  }

  private async commit(groups: readonly (readonly StorageOp[])[]): Promise<void> {
    const final = new Map<string, Buffer | undefined>();
    for (const ops of groups) for (const op of ops) final.set(op.key, op.type === 'put' ? (op.value as Buffer) : undefined);
    const txn: EtcdTxnOp[] = [];
    for (const [key, value] of final) {
      txn.push(value === undefined ? { deleteKey: this.encode(key) } : { put: { key: this.encode(key), value } });
    }
    await this.etcd.txn(txn);
  }

  private encode(key: string): Buffer {
    return Buffer.from(this.base + key, 'utf8');
  }
}
