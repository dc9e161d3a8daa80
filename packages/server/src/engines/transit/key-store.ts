import type { Clock, MountEntry } from '../../framework/engine.js';
import type { StorageView } from '../../storage/storage-view.js';
import { invalidRequest, notFound } from '../../errors.js';
import { KeyedMutex } from '../../framework/keyed-mutex.js';
import { PerViewCaches } from '../../framework/per-view-caches.js';
import { KeyCache } from './key-cache.js';
import type { KeyRecord } from './key-record.js';
import { generateVersion, HMAC_KEY_SIZE, KEY_TYPE_INFO, type KeyType } from './key-types.js';

/**
 * Keys in the mount's storage view (encrypted by the barrier): `policy/<name>` holds a key and
 * all its versions; `config/keys` and `config/cache` hold mount-wide settings. Storage keys name
 * keys, never material.
 *
 * INVARIANT: every write of a key (and every read-modify-write) runs under `locks.run(name)`,
 * so concurrent rotate/config/upsert calls on one key never lose an update, and the record
 * cache (key-cache.ts) sees each write bracketed by its begin and end.
 */
export interface CreateOptions {
  type: KeyType;
  derived?: boolean | undefined;
  exportable?: boolean | undefined;
  allowPlaintextBackup?: boolean | undefined;
  autoRotatePeriod?: number | undefined;
  keySize?: number | undefined;
}

/** Mount-wide key settings (`config/keys`). */
export interface KeysConfig {
  disable_upsert: boolean;
}

const policyPath = (name: string) => `policy/${name}`;

/** Shortest `auto_rotate_period` Vault allows (other than 0 = off). */
export const MIN_AUTO_ROTATE_SECONDS = 3600;

export function checkAutoRotatePeriod(seconds: number): void {
  if (seconds !== 0 && seconds < MIN_AUTO_ROTATE_SECONDS) {
    throw invalidRequest('auto rotate period must be 0 to disable or at least an hour');
  }
}

/** Keys whose decoded records each mount keeps in memory (key-cache.ts). */
const KEY_CACHE_ENTRIES = 1024;

export class KeyStore {
  readonly locks = new KeyedMutex();
  // `periodic` (auto-rotation) is handed the mount's view too, so it shares the requests' cache.
  private readonly caches = new PerViewCaches(
    () => new KeyCache(KEY_CACHE_ENTRIES),
    (cache) => cache.close(),
  );

  constructor(readonly clock: Clock) {}

  /**
   * The key as last committed, from the mount's cache when it has it. The record is frozen and
   * shared by every reader: to change a key, use {@link update} (or {@link load} + {@link put}
   * under `locks.run(name)`).
   */
  async get(storage: StorageView, name: string): Promise<KeyRecord | undefined> {
    const cache = this.cacheOf(storage);
    const cached = cache.get(name);
    if (cached !== undefined) return cached ?? undefined;
    const stamp = cache.stamp(name);
    const record = await this.load(storage, name);
    cache.fill(name, record ?? null, stamp);
    return record;
  }

  /** The key, or 400 `encryption key not found` as Vault answers on data paths. */
  async require(storage: StorageView, name: string, what = 'encryption key'): Promise<KeyRecord> {
    const record = await this.get(storage, name);
    if (record === undefined) throw invalidRequest(`${what} not found`);
    return record;
  }

  /** A fresh copy from storage that the caller may change; for writers under `locks.run(name)`. */
  load(storage: StorageView, name: string): Promise<KeyRecord | undefined> {
    return storage.getJson<KeyRecord>(policyPath(name));
  }

  /** Writes the key. INVARIANT: the caller holds `locks.run(record.name)` (the cache relies on it). */
  put(storage: StorageView, record: KeyRecord): Promise<void> {
    return this.cachedWrite(storage, record.name, record, () => storage.putJson(policyPath(record.name), record));
  }

  list(storage: StorageView): Promise<string[]> {
    return storage.list('policy/');
  }

  /** Deletes the key. INVARIANT: the caller holds `locks.run(name)`. */
  delete(storage: StorageView, name: string): Promise<void> {
    return this.cachedWrite(storage, name, null, () => storage.delete(policyPath(name)));
  }

  /** Runs `change` on the stored key under the key's lock; 404 when there is no such key. */
  async update(storage: StorageView, name: string, change: (record: KeyRecord) => Promise<void> | void): Promise<KeyRecord> {
    return this.locks.run(name, async () => {
      const record = await this.load(storage, name);
      if (record === undefined) throw notFound();
      await change(record);
      await this.put(storage, record);
      return record;
    });
  }

  /** Drops every cached record and caches none again (the engine closes: seal or unmount). */
  close(): void {
    this.caches.close();
  }

  private cacheOf(storage: StorageView): KeyCache {
    return this.caches.of(storage);
  }

  /** Brackets a storage write of `policy/<name>` for the cache (see key-cache.ts, "Coherence"). */
  private async cachedWrite(storage: StorageView, name: string, record: KeyRecord | null, write: () => Promise<void>) {
    const cache = this.cacheOf(storage);
    cache.beginWrite(name);
    try {
      await write();
    } catch (err) {
      cache.abortWrite(name);
      throw err;
    }
    cache.endWrite(name, record);
  }

  /** Creates the key unless it exists; returns it and whether it was created. */
  async upsert(storage: StorageView, name: string, opts: CreateOptions): Promise<{ record: KeyRecord; created: boolean }> {
    validateCreate(opts);
    return this.locks.run(name, async () => {
      const existing = await this.get(storage, name);
      if (existing) return { record: existing, created: false };
      const record: KeyRecord = {
        name,
        type: opts.type,
        derived: opts.derived ?? false,
        exportable: opts.exportable ?? false,
        allowPlaintextBackup: opts.allowPlaintextBackup ?? false,
        deletionAllowed: false,
        autoRotatePeriod: opts.autoRotatePeriod ?? 0,
        ...(opts.type === 'hmac' && { keySize: opts.keySize || HMAC_KEY_SIZE.default }),
        latestVersion: 1,
        minDecryptionVersion: 1,
        minEncryptionVersion: 0,
        minAvailableVersion: 0,
        versions: { '1': await generateVersion(opts.type, this.clock.now(), opts.keySize || undefined) },
      };
      await this.put(storage, record);
      return { record, created: true };
    });
  }

  /** Adds a version (`keys/:name/rotate`, auto-rotation). */
  rotate(storage: StorageView, name: string): Promise<KeyRecord> {
    return this.update(storage, name, async (record) => {
      await addVersion(record, this.clock);
    });
  }

  async keysConfig(storage: StorageView): Promise<KeysConfig> {
    return (await storage.getJson<KeysConfig>('config/keys')) ?? { disable_upsert: false };
  }
}

/** Appends a new version to `record` (in memory; the caller persists it). */
export async function addVersion(record: KeyRecord, clock: Clock): Promise<void> {
  const next = record.latestVersion + 1;
  record.versions[String(next)] = await generateVersion(record.type, clock.now(), record.keySize);
  record.latestVersion = next;
}

function validateCreate(opts: CreateOptions): void {
  const info = KEY_TYPE_INFO[opts.type];
  if (opts.derived && !info.derivation) {
    throw invalidRequest(`key derivation is not supported for key type \`${opts.type}\``);
  }
  if (opts.keySize !== undefined && opts.keySize !== 0) {
    if (opts.type !== 'hmac') throw invalidRequest(`key_size is not valid for algorithm \`${opts.type}\``);
    if (opts.keySize < HMAC_KEY_SIZE.min || opts.keySize > HMAC_KEY_SIZE.max) {
      throw invalidRequest(`invalid key_size \`${opts.keySize}\`: must be between ${HMAC_KEY_SIZE.min} and ${HMAC_KEY_SIZE.max}`);
    }
  }
  checkAutoRotatePeriod(opts.autoRotatePeriod ?? 0);
}

/** `<mount>`: the Cedar resource of mount-wide paths (`random`, `hash`, `keys` list). */
export const mountResource = (mount: MountEntry): string => mount.path.replace(/\/$/, '');

/** `<mount>/<key name>`: the Cedar resource of every path about one key. */
export const keyResource = (mount: MountEntry, name: string): string => `${mountResource(mount)}/${name}`;
