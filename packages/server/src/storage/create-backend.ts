import type { StorageConfig } from '../config/server-config.js';
import { VaultError } from '../errors.js';
import { InmemBackend } from './inmem-backend.js';
import type { StorageBackend } from './storage-backend.js';

/**
 * Builds the backend named by the `[storage]` section. Backends with native or heavy
 * dependencies load with `await import()` only when chosen, so a server on `inmem` (or the
 * SDK/CLI packages that never start a server) never loads better-sqlite3's native addon.
 *
 * Settings: `path` (sqlite; `:memory:` for dev mode), `cache_size_kib` (sqlite, optional).
 */
export async function createBackend(config: StorageConfig): Promise<StorageBackend> {
  switch (config.type) {
    case 'inmem':
      return new InmemBackend();
    case 'sqlite': {
      const path = config.path;
      if (typeof path !== 'string' || path === '') {
        throw new VaultError('internal', 'storage `sqlite` needs `path`: the database file, or ":memory:"');
      }
      const cache = config['cache_size_kib'];
      if (cache !== undefined && (typeof cache !== 'number' || !Number.isInteger(cache) || cache <= 0)) {
        throw new VaultError('internal', 'storage `cache_size_kib` must be a positive integer');
      }
      const { SqliteBackend } = await import('./sqlite-backend.js');
      return SqliteBackend.open(path, cache === undefined ? {} : { cacheSizeKiB: cache });
    }
    case 'postgres':
    case 'etcd':
      throw new VaultError('internal', `storage type \`${config.type}\` is not yet supported`);
    default: {
      // Exhaustiveness: a new StorageConfig type must be handled above.
      const unknownType: never = config.type;
      throw new VaultError('internal', `unknown storage type \`${String(unknownType)}\``);
    }
  }
}
