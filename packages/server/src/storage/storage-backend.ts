/**
 * The physical storage contract. Backends store opaque bytes under string keys and know nothing
 * of what is above them: the barrier encrypts every value before it reaches a backend.
 *
 * Keys are `/`-separated paths with no leading slash. `list(prefix)` returns one level, as
 * Vault's LIST does: the immediate children of `prefix`, folders with a trailing `/`, sorted.
 *
 * INVARIANT: a promise returned by `put`, `delete` or `batch` resolves only after the write is
 * durable (survives `kill -9` and, for backends that promise it, power loss).
 */
export interface StorageBackend {
  readonly type: string;
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  list(prefix: string): Promise<string[]>;
  /** Applies every operation or none. */
  batch(ops: readonly StorageOp[]): Promise<void>;
  /** Every key under `prefix` at any depth, for background jobs (re-encryption, tidy). */
  keys(prefix: string): AsyncIterable<string>;
  close(): Promise<void>;
  /** Present on backends that can coordinate several nodes (PostgreSQL, etcd). */
  readonly haLock?: HaLock;
}

export type StorageOp =
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array }
  | { readonly type: 'delete'; readonly key: string };

/**
 * Leader election for HA backends: the node holding the lock is the active node, the others
 * are standbys. Named here so PostgreSQL and etcd backends can follow without a contract change.
 */
export interface HaLock {
  /** Resolves when this node holds the lock; `lost` fires if it is lost later. */
  acquire(nodeId: string, advertise: string, signal: AbortSignal): Promise<{ lost: AbortSignal }>;
  /** The advertised address of the current holder, if any. */
  leader(): Promise<{ nodeId: string; advertise: string } | undefined>;
  release(): Promise<void>;
}

/** Immediate children of `prefix` among `keys`, Vault-style: folders end in `/`. */
export function childrenOf(prefix: string, keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    if (rest === '') continue;
    const slash = rest.indexOf('/');
    out.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  return [...out].sort();
}
