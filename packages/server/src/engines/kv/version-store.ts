import { createHash } from 'node:crypto';
import type { StorageOp } from '../../storage/storage-backend.js';
import { encodeJson, type StorageView } from '../../storage/storage-view.js';
import { RecordCache } from '../../framework/record-cache.js';

/**
 * The storage layout of a KV v2 mount, inside the mount's (barrier-encrypted) view:
 *
 *   config                       KvConfig
 *   meta/<secret path>           KeyMetadata (one per secret; LIST on `metadata/` reads these keys)
 *   versions/<sha256(path)>/<n>  StoredVersion (the secret's data for version n)
 *
 * Keys reveal secret paths (as Vault's do) and version numbers, never values: every value is
 * encrypted by the barrier. Version data is keyed by a hash of the path so a key's length does
 * not grow with the path and `meta/` stays the only tree that mirrors the secret hierarchy.
 */
const CONFIG_KEY = 'config';
const META_PREFIX = 'meta/';
const VERSIONS_PREFIX = 'versions/';

/** Vault keeps 10 versions when neither the key nor the mount says otherwise. */
export const DEFAULT_MAX_VERSIONS = 10;

/** Mount-wide settings (`<mount>/config`). Durations are whole seconds; 0 = unset. */
export interface KvConfig {
  max_versions: number;
  cas_required: boolean;
  delete_version_after: number;
}

export interface VersionMeta {
  /** RFC 3339 with fractional seconds. */
  created_time: string;
  /** '' when the version is not (scheduled to be) deleted. */
  deletion_time: string;
  destroyed: boolean;
}

/** A secret's metadata: settings that apply to every version, and one entry per kept version. */
export interface KeyMetadata {
  created_time: string;
  updated_time: string;
  current_version: number;
  /** 0 until versions are pruned, then the oldest version number still kept. */
  oldest_version: number;
  max_versions: number;
  cas_required: boolean;
  delete_version_after: number;
  custom_metadata: Record<string, string> | null;
  versions: Record<string, VersionMeta>;
}

interface StoredVersion {
  data: Record<string, unknown>;
}

export const emptyConfig = (): KvConfig => ({ max_versions: 0, cas_required: false, delete_version_after: 0 });

export function newMetadata(now: string): KeyMetadata {
  return {
    created_time: now,
    updated_time: now,
    current_version: 0,
    oldest_version: 0,
    max_versions: 0,
    cas_required: false,
    delete_version_after: 0,
    custom_metadata: null,
    versions: {},
  };
}

/** Secrets whose metadata each mount keeps decoded in memory (≈ 1 KiB each with 10 versions). */
const METADATA_CACHE_ENTRIES = 4096;
/** path → its version-key prefix; a SHA-256 per request showed in the read profile. */
const PREFIX_MEMO_ENTRIES = 4096;
const prefixMemo = new Map<string, string>();

const versionPrefix = (path: string): string => {
  let prefix = prefixMemo.get(path);
  if (prefix === undefined) {
    prefix = `${VERSIONS_PREFIX}${createHash('sha256').update(path).digest('hex')}/`;
    if (prefixMemo.size >= PREFIX_MEMO_ENTRIES) prefixMemo.clear();
    prefixMemo.set(path, prefix);
  }
  return prefix;
};
const versionKey = (path: string, version: number) => `${versionPrefix(path)}${version}`;

/** JSON text of a record as encrypted into storage; `null` caches an absence. */
type KvRecordCache = RecordCache<string | null>;

/**
 * The decoded records of one mount's view (framework/record-cache.ts): each secret's metadata
 * and the mount config, as JSON text, so every caller parses an object of its own to mutate.
 * A hit saves a storage read, a decrypt and a decode on every KV read and write.
 *
 * Trade-off (why plaintext, and why only this): the metadata of a secret — version numbers,
 * times, `custom_metadata` — is needed on every request to the secret, while its data is not
 * cached at all. A heap dump of an unsealed server would show the metadata of recently used
 * secrets; it shows their tokens and data in flight already.
 * One per view: the engine keeps them and drops them on close (seal, unmount).
 */
export class KvRecordCaches {
  readonly metadata: KvRecordCache = new RecordCache(METADATA_CACHE_ENTRIES);
  readonly config: KvRecordCache = new RecordCache(1);

  clear(): void {
    this.metadata.clear();
    this.config.clear();
  }
}

const decoder = new TextDecoder();

/**
 * Reads and writes one mount's KV v2 records. Callers hold the path's lock around writes
 * (CONFIG_LOCK in path-config.ts for the config): the record caches rely on it.
 */
export class VersionStore {
  constructor(
    private readonly storage: StorageView,
    private readonly caches: KvRecordCaches = new KvRecordCaches(),
  ) {}

  async config(): Promise<KvConfig> {
    const json = await this.cachedRead(this.caches.config, CONFIG_KEY, CONFIG_KEY);
    return { ...emptyConfig(), ...(json === null ? undefined : (JSON.parse(json) as Partial<KvConfig>)) };
  }

  putConfig(config: KvConfig): Promise<void> {
    return this.cachedWrite(this.caches.config, CONFIG_KEY, JSON.stringify(config), (value) =>
      this.storage.put(CONFIG_KEY, value),
    );
  }

  /** A fresh object each call: callers may mutate it and write it back. */
  async metadata(path: string): Promise<KeyMetadata | undefined> {
    const json = await this.cachedRead(this.caches.metadata, path, META_PREFIX + path);
    return json === null ? undefined : (JSON.parse(json) as KeyMetadata);
  }

  /** Writes metadata alone (settings, deletion marks): no version data changes. */
  putMetadata(path: string, meta: KeyMetadata): Promise<void> {
    return this.cachedWrite(this.caches.metadata, path, JSON.stringify(meta), (value) =>
      this.storage.put(META_PREFIX + path, value),
    );
  }

  /** The data of one version, or undefined when it was destroyed or pruned meanwhile. */
  async versionData(path: string, version: number): Promise<Record<string, unknown> | undefined> {
    const stored = await this.storage.getJson<StoredVersion>(versionKey(path, version));
    return stored?.data;
  }

  /**
   * Adds version `meta.current_version + 1` with `data`, pruning versions beyond the key's
   * (or the mount's) `max_versions`. The version data, the updated metadata and the removal
   * of pruned versions are ONE batch, so a crash never leaves a version without metadata.
   * Mutates and returns `meta`.
   */
  async addVersion(
    path: string,
    meta: KeyMetadata,
    data: Record<string, unknown>,
    config: KvConfig,
    entry: VersionMeta,
  ): Promise<number> {
    const version = meta.current_version + 1;
    meta.current_version = version;
    meta.versions[String(version)] = entry;
    meta.updated_time = entry.created_time;

    const keep = meta.max_versions > 0 ? meta.max_versions : config.max_versions > 0 ? config.max_versions : DEFAULT_MAX_VERSIONS;
    const cutoff = version - keep; // versions <= cutoff are pruned
    const ops: StorageOp[] = [{ type: 'put', key: versionKey(path, version), value: encodeJson({ data }) }];
    if (cutoff >= 1) {
      for (const key of Object.keys(meta.versions)) {
        if (Number(key) <= cutoff) {
          delete meta.versions[key];
          ops.push({ type: 'delete', key: versionKey(path, Number(key)) });
        }
      }
      meta.oldest_version = Math.max(meta.oldest_version, cutoff + 1);
    }
    await this.cachedWrite(this.caches.metadata, path, JSON.stringify(meta), (value) =>
      this.storage.batch([...ops, { type: 'put', key: META_PREFIX + path, value }]),
    );
    return version;
  }

  /** Marks `versions` destroyed and removes their data, in one batch. Mutates `meta`. */
  async destroy(path: string, meta: KeyMetadata, versions: readonly number[]): Promise<void> {
    const ops: StorageOp[] = [];
    for (const n of new Set(versions)) {
      const entry = meta.versions[String(n)];
      if (entry === undefined || entry.destroyed) continue;
      entry.destroyed = true;
      ops.push({ type: 'delete', key: versionKey(path, n) });
    }
    if (ops.length === 0) return;
    await this.cachedWrite(this.caches.metadata, path, JSON.stringify(meta), (value) =>
      this.storage.batch([...ops, { type: 'put', key: META_PREFIX + path, value }]),
    );
  }

  /** Removes the metadata and every version of a secret, in one batch. */
  async deleteAll(path: string): Promise<void> {
    const ops: StorageOp[] = [];
    for await (const key of this.storage.keys(versionPrefix(path))) ops.push({ type: 'delete', key });
    ops.push({ type: 'delete', key: META_PREFIX + path });
    const cache = this.caches.metadata;
    cache.invalidate(path);
    await this.storage.batch(ops);
    cache.endWrite(path, null);
  }

  /** One level of secret names under `prefix` ('' or ending in '/'), folders ending in '/'. */
  list(prefix: string): Promise<string[]> {
    return this.storage.list(META_PREFIX + prefix);
  }

  /** The JSON text at `storageKey` (`null` when absent), from `cache` when it has it. */
  private async cachedRead(cache: KvRecordCache, key: string, storageKey: string): Promise<string | null> {
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const stamp = cache.stamp(key);
    const bytes = await this.storage.get(storageKey);
    const json = bytes === undefined ? null : decoder.decode(bytes);
    cache.fill(key, json, stamp);
    return json;
  }

  /**
   * Writes a record through `write` and, once it is durable, caches its text. The caller holds
   * the record's lock. INVARIANT: the cache never holds a record before it is committed; if the
   * write fails the entry stays invalid and the next read goes to storage.
   */
  private async cachedWrite(
    cache: KvRecordCache,
    key: string,
    json: string,
    write: (value: Uint8Array) => Promise<void>,
  ): Promise<void> {
    cache.invalidate(key);
    await write(encoder.encode(json));
    cache.endWrite(key, json);
  }
}

const encoder = new TextEncoder();
