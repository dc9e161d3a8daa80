import { createHash } from 'node:crypto';
import type { StorageOp } from '../../storage/storage-backend.js';
import { encodeJson, type StorageView } from '../../storage/storage-view.js';
import { deepFreeze, RecordCache } from '../../framework/record-cache.js';

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

/**
 * Versions whose data each mount keeps decoded in memory, and the largest stored version kept
 * (bigger ones are read from storage each time): at most ≈ 4 MiB of JSON per mount.
 */
const VERSION_CACHE_ENTRIES = 1024;
const VERSION_CACHE_MAX_BYTES = 4096;

/**
 * A record as encrypted into storage: its JSON text, from which each writer parses an object of
 * its own to mutate, and a frozen decoded view shared by readers (made on first read).
 */
interface CachedRecord {
  readonly json: string;
  view?: unknown;
}

/** `null` caches an absence. */
type KvRecordCache = RecordCache<CachedRecord | null>;

/**
 * The decoded records of one mount's view (framework/record-cache.ts): each secret's metadata,
 * the mount config and the data of recently read versions. A hit saves a storage read, an
 * AES-GCM decrypt and a decode on every KV read (≈ 20 µs of a read's ≈ 80 µs, BENCHMARKS.md).
 *
 * Trade-off (why plaintext): the barrier's keyring lives in the same heap, so whoever can read
 * this process's memory can decrypt every record in storage anyway; the cache adds no reader.
 * It is bounded, never written anywhere, and dropped on seal and unmount. Version data is
 * immutable once written (a version is only ever deleted), so a cached version stays right
 * until its key is deleted, and every deletion invalidates it.
 * One per view: the engine keeps them and drops them on close (seal, unmount).
 */
export class KvRecordCaches {
  readonly metadata: KvRecordCache = new RecordCache(METADATA_CACHE_ENTRIES);
  readonly config: KvRecordCache = new RecordCache(1);
  /** `<version>/<path>` → the version's data, deep-frozen. */
  readonly versions = new RecordCache<Readonly<Record<string, unknown>>>(VERSION_CACHE_ENTRIES);

  clear(): void {
    this.metadata.clear();
    this.config.clear();
    this.versions.clear();
  }
}

const versionSlot = (path: string, version: number | string) => `${version}/${path}`;

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
    const record = await this.cachedRead(this.caches.config, CONFIG_KEY, CONFIG_KEY);
    return { ...emptyConfig(), ...(record === null ? undefined : (JSON.parse(record.json) as Partial<KvConfig>)) };
  }

  putConfig(config: KvConfig): Promise<void> {
    return this.cachedWrite(this.caches.config, CONFIG_KEY, JSON.stringify(config), (value) =>
      this.storage.put(CONFIG_KEY, value),
    );
  }

  /** A fresh object each call: callers may mutate it and write it back. */
  async metadata(path: string): Promise<KeyMetadata | undefined> {
    const record = await this.cachedRead(this.caches.metadata, path, META_PREFIX + path);
    return record === null ? undefined : (JSON.parse(record.json) as KeyMetadata);
  }

  /** The same metadata, deep-frozen and shared by every reader until the secret changes. */
  async metadataView(path: string): Promise<Readonly<KeyMetadata> | undefined> {
    const record = await this.cachedRead(this.caches.metadata, path, META_PREFIX + path);
    if (record === null) return undefined;
    record.view ??= deepFreeze(JSON.parse(record.json) as KeyMetadata);
    return record.view as Readonly<KeyMetadata>;
  }

  /** Writes metadata alone (settings, deletion marks): no version data changes. */
  putMetadata(path: string, meta: KeyMetadata): Promise<void> {
    return this.cachedWrite(this.caches.metadata, path, JSON.stringify(meta), (value) =>
      this.storage.put(META_PREFIX + path, value),
    );
  }

  /**
   * The data of one version, deep-frozen (callers copy what they change), or undefined when it
   * was destroyed or pruned meanwhile. Absences are not cached: a version number is reused
   * only after its secret was deleted, so only data that exists is worth keeping.
   */
  async versionData(path: string, version: number): Promise<Readonly<Record<string, unknown>> | undefined> {
    const cache = this.caches.versions;
    const slot = versionSlot(path, version);
    const cached = cache.get(slot);
    if (cached !== undefined) return cached;
    const stamp = cache.stamp(slot);
    const bytes = await this.storage.get(versionKey(path, version));
    if (bytes === undefined) return undefined;
    const data = deepFreeze((JSON.parse(decoder.decode(bytes)) as StoredVersion).data);
    if (bytes.byteLength <= VERSION_CACHE_MAX_BYTES) cache.fill(slot, data, stamp);
    return data;
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
    const pruned: string[] = [];
    if (cutoff >= 1) {
      for (const key of Object.keys(meta.versions)) {
        if (Number(key) <= cutoff) {
          delete meta.versions[key];
          pruned.push(key);
          ops.push({ type: 'delete', key: versionKey(path, Number(key)) });
        }
      }
      meta.oldest_version = Math.max(meta.oldest_version, cutoff + 1);
    }
    await this.forgettingVersions(path, pruned, () =>
      this.cachedWrite(this.caches.metadata, path, JSON.stringify(meta), (value) =>
        this.storage.batch([...ops, { type: 'put', key: META_PREFIX + path, value }]),
      ),
    );
    return version;
  }

  /** Marks `versions` destroyed and removes their data, in one batch. Mutates `meta`. */
  async destroy(path: string, meta: KeyMetadata, versions: readonly number[]): Promise<void> {
    const ops: StorageOp[] = [];
    const destroyed: number[] = [];
    for (const n of new Set(versions)) {
      const entry = meta.versions[String(n)];
      if (entry === undefined || entry.destroyed) continue;
      entry.destroyed = true;
      destroyed.push(n);
      ops.push({ type: 'delete', key: versionKey(path, n) });
    }
    if (ops.length === 0) return;
    await this.forgettingVersions(path, destroyed, () =>
      this.cachedWrite(this.caches.metadata, path, JSON.stringify(meta), (value) =>
        this.storage.batch([...ops, { type: 'put', key: META_PREFIX + path, value }]),
      ),
    );
  }

  /** Removes the metadata and every version of a secret, in one batch. */
  async deleteAll(path: string): Promise<void> {
    const ops: StorageOp[] = [];
    const prefix = versionPrefix(path);
    const versions: string[] = [];
    for await (const key of this.storage.keys(prefix)) {
      ops.push({ type: 'delete', key });
      versions.push(key.slice(prefix.length));
    }
    ops.push({ type: 'delete', key: META_PREFIX + path });
    const cache = this.caches.metadata;
    cache.invalidate(path);
    await this.forgettingVersions(path, versions, () => this.storage.batch(ops));
    cache.endWrite(path, null);
  }

  /** One level of secret names under `prefix` ('' or ending in '/'), folders ending in '/'. */
  list(prefix: string): Promise<string[]> {
    return this.storage.list(META_PREFIX + prefix);
  }

  /**
   * Runs a write that deletes `versions` of `path` between two invalidations of their cached
   * data (the second also when it fails), so no reader that raced the write keeps deleted data.
   */
  private async forgettingVersions<R>(path: string, versions: readonly (number | string)[], write: () => Promise<R>): Promise<R> {
    const forget = () => {
      for (const n of versions) this.caches.versions.invalidate(versionSlot(path, n));
    };
    forget();
    try {
      return await write();
    } finally {
      forget();
    }
  }

  /** The record at `storageKey` (`null` when absent), from `cache` when it has it. */
  private async cachedRead(cache: KvRecordCache, key: string, storageKey: string): Promise<CachedRecord | null> {
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const stamp = cache.stamp(key);
    const bytes = await this.storage.get(storageKey);
    const record = bytes === undefined ? null : { json: decoder.decode(bytes) };
    cache.fill(key, record, stamp);
    return record;
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
    cache.endWrite(key, { json });
  }
}

const encoder = new TextEncoder();
