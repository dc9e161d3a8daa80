import type { Clock } from '../../framework/engine.js';
import { PerViewCaches } from '../../framework/per-view-caches.js';
import type { StorageView } from '../../storage/storage-view.js';
import { CaStore, type LoadedCa } from './ca-store.js';
import { ParsedCache } from './parsed-cache.js';
import { RoleStore, type SshRole } from './role.js';

/** Roles kept parsed per mount; beyond this the least recently filled are read from storage again. */
const ROLE_CACHE_ENTRIES = 1024;

/** What every SSH path shares for the life of the engine: the clock and the parsed-record caches. */
export interface SshContext {
  readonly clock: Clock;
  /** The CA store over the view the router handed this request. */
  ca(storage: StorageView): CaStore;
  /** The role store over the view the router handed this request. */
  roles(storage: StorageView): RoleStore;
  /** Drops every cached record (the engine closes: seal or unmount). */
  close(): void;
}

interface MountCaches {
  readonly ca: ParsedCache<LoadedCa>;
  readonly roles: ParsedCache<Readonly<SshRole>>;
}

export function createSshContext(clock: Clock): SshContext {
  const caches = new PerViewCaches<MountCaches>(
    () => ({ ca: new ParsedCache(1), roles: new ParsedCache(ROLE_CACHE_ENTRIES) }),
    (c) => {
      c.ca.clear();
      c.roles.clear();
    },
  );
  return {
    clock,
    ca: (storage) => new CaStore(storage, caches.of(storage).ca),
    roles: (storage) => new RoleStore(storage, caches.of(storage).roles),
    close: () => caches.close(),
  };
}
