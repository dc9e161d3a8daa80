import type { StorageConfig } from '../config/server-config.js';
import { VaultError } from '../errors.js';
import { InmemBackend } from './inmem-backend.js';
import type { StorageBackend } from './storage-backend.js';

/**
 * Builds the backend named by the `[storage]` section. Backends with native or heavy
 * dependencies load with `await import()` only when chosen, so a server on `inmem` (or the
 * SDK/CLI packages that never start a server) never loads better-sqlite3's native addon or pg.
 *
 * Settings, with Vault's names where Vault has one:
 * - sqlite: `path` (`:memory:` for dev mode), `cache_size_kib` (optional).
 * - postgres: `connection_url` (required), `table` (default `secretum_kv`), `ha_enabled`,
 *   `ha_table` (default `<table>_ha_lock`), `max_parallel` (pool size, default 10).
 * - etcd: `address` (comma-separated client URLs, default `http://127.0.0.1:2379`), `path`
 *   (key prefix, default `secretum/`), `ha_enabled`, `max_txn_ops` (etcd's limit, default 128).
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
      const cache = positiveInt(config, 'cache_size_kib');
      const { SqliteBackend } = await import('./sqlite-backend.js');
      return SqliteBackend.open(path, cache === undefined ? {} : { cacheSizeKiB: cache });
    }
    case 'postgres': {
      const url = config['connection_url'];
      if (typeof url !== 'string' || url === '') {
        throw new VaultError('internal', 'storage `postgres` needs `connection_url`, e.g. "postgres://user@host:5432/db"');
      }
      const maxConnections = positiveInt(config, 'max_parallel');
      const { PostgresBackend } = await import('./postgres-backend.js');
      return PostgresBackend.open({
        connectionUrl: url,
        haEnabled: bool(config, 'ha_enabled'),
        ...optionalString(config, 'table', 'table'),
        ...optionalString(config, 'ha_table', 'haTable'),
        ...(maxConnections !== undefined && { maxConnections }),
      });
    }
    case 'etcd': {
      const address = config['address'] ?? 'http://127.0.0.1:2379';
      if (typeof address !== 'string' || address.trim() === '') {
        throw new VaultError('internal', 'storage `address` must list etcd client URLs, comma-separated');
      }
      const maxTxnOps = positiveInt(config, 'max_txn_ops');
      const { EtcdBackend } = await import('./etcd-backend.js');
      return new EtcdBackend({
        endpoints: address.split(',').map((a) => a.trim()).filter((a) => a !== ''),
        haEnabled: bool(config, 'ha_enabled'),
        ...optionalString(config, 'path', 'path'),
        ...(maxTxnOps !== undefined && { maxTxnOps }),
      });
    }
    default: {
      // Exhaustiveness: a new StorageConfig type must be handled above.
      const unknownType: never = config.type;
      throw new VaultError('internal', `unknown storage type \`${String(unknownType)}\``);
    }
  }
}

function positiveInt(config: StorageConfig, key: string): number | undefined {
  const value = config[key];
  if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value <= 0)) {
    throw new VaultError('internal', `storage \`${key}\` must be a positive integer`);
  }
  return value;
}

/** TOML booleans, or Vault's string form (`ha_enabled = "true"`). */
function bool(config: StorageConfig, key: string): boolean {
  const value = config[key];
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  throw new VaultError('internal', `storage \`${key}\` must be true or false`);
}

function optionalString<K extends string>(config: StorageConfig, key: string, as: K): Partial<Record<K, string>> {
  const value = config[key];
  if (value === undefined) return {};
  if (typeof value !== 'string' || value === '') throw new VaultError('internal', `storage \`${key}\` must be a non-empty string`);
  return { [as]: value } as Partial<Record<K, string>>;
}
