import type { Clock, EngineRequest, MountEntry } from '../../framework/engine.js';
import { invalidRequest, VaultError } from '../../errors.js';
import { KeyedMutex } from '../../framework/keyed-mutex.js';
import { PerViewCaches } from '../../framework/per-view-caches.js';
import { KvRecordCaches, VersionStore } from './version-store.js';

/** What every KV v2 path group shares: one clock, one lock table and the record caches per mount. */
export interface KvContext {
  readonly clock: Clock;
  readonly locks: KeyedMutex;
  /** The store over the view the router handed this request. */
  store(req: EngineRequest<unknown>): VersionStore;
  /** Now, as Vault writes times: RFC 3339 with fractional seconds, UTC. */
  nowIso(): string;
  /** Drops every cached record (the engine closes: seal or unmount). */
  close(): void;
}

export function createKvContext(clock: Clock): KvContext {
  const caches = new PerViewCaches(
    () => new KvRecordCaches(),
    (c) => c.clear(),
  );
  return {
    clock,
    locks: new KeyedMutex(),
    store: (req) => new VersionStore(req.storage, caches.of(req.storage)),
    nowIso: () => new Date(clock.now()).toISOString(),
    close: () => caches.close(),
  };
}

/**
 * The Cedar resource for a secret: `<mount>/<secret path>` with the API segment (`data/`,
 * `metadata/`, …) removed, so every KV v2 endpoint of one secret names the same resource
 * (ARCHITECTURE.md, "Cedar model"). The mount root itself is `<mount>`.
 */
export function secretResource(mount: MountEntry, path: string): string {
  const base = mount.path.endsWith('/') ? mount.path.slice(0, -1) : mount.path;
  const name = path.endsWith('/') ? path.slice(0, -1) : path;
  return name === '' ? base : `${base}/${name}`;
}

/** A secret path a write can create: not empty, not a folder. */
export function writablePath(path: string): string {
  if (path === '') throw invalidRequest('missing path');
  if (path.endsWith('/')) throw invalidRequest(`invalid secret path \`${path}\`: a secret name cannot end with \`/\``);
  return path;
}

/** A LIST prefix: '' for the mount root, otherwise ending in '/'. */
export const listPrefix = (path: string): string => (path === '' || path.endsWith('/') ? path : `${path}/`);

/**
 * "No such secret": a 404 whose body is `{"errors":[]}`, as Vault answers a read of a missing
 * KV path and an empty LIST. The empty message is the signal; the HTTP layer renders `''` as `[]`.
 */
export const noSecret = (): VaultError => new VaultError('not_found', '');
