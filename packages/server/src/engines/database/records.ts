import type { StorageView } from '../../storage/storage-view.js';
import { deepFreeze, RecordCache } from '../../framework/record-cache.js';

/** A connection (`config/:name`), stored at `config/<name>`. The password never leaves the engine. */
export interface DbConfig {
  plugin_name: string;
  plugin_version: string;
  connection_url: string;
  username: string;
  password: string;
  allowed_roles: string[];
  max_open_connections: number;
  verify_connection: boolean;
  /** A named password policy (`sys/policies/password/<name>`); '' for the default policy. */
  password_policy: string;
  username_template: string;
  root_rotation_statements: string[];
  /**
   * Set while `rotate-root` runs: the new password is stored before the database changes, so a
   * crash between the two cannot lose the only copy of the engine's password.
   */
  pending_password?: string;
}

/** A dynamic role (`roles/:name`), stored at `role/<name>`. TTLs in seconds. */
export interface RoleRecord {
  db_name: string;
  creation_statements: string[];
  revocation_statements: string[];
  rollback_statements: string[];
  renew_statements: string[];
  default_ttl: number;
  max_ttl: number;
  /** `credential_config.password_policy`; overrides the connection's. Absent in older records. */
  password_policy?: string;
}

/** A static role (`static-roles/:name`), stored at `static-role/<name>`. Times in Unix ms. */
export interface StaticRoleRecord {
  username: string;
  db_name: string;
  rotation_period: number;
  rotation_schedule: string;
  rotation_window: number;
  rotation_statements: string[];
  password: string;
  last_vault_rotation: number;
  next_rotation: number;
  /** `credential_config.password_policy`; overrides the connection's. Absent in older records. */
  password_policy?: string;
  /** Written before a rotation reaches the database (see DbConfig.pending_password). */
  pending_password?: string;
}

/**
 * Typed access to the engine's three record kinds in the mount's view. Connections and roles,
 * read on every credential, are served from a {@link RecordCache}: the objects returned are
 * frozen and shared, so callers copy before changing one. Static roles are read as stored.
 */
export class Records {
  /**
   * Trade-off: a config holds the engine's database password, so the decoded record stays in
   * the heap while the mount is unsealed — it is there already, in the open pool's settings.
   */
  private readonly cache = new RecordCache<Readonly<DbConfig | RoleRecord> | null>(1024);

  constructor(private readonly storage: StorageView) {}

  config = (name: string) => this.cached(`config/${name}`) as Promise<Readonly<DbConfig> | undefined>;
  putConfig = (name: string, c: DbConfig) => this.write(`config/${name}`, () => this.storage.putJson(`config/${name}`, c));
  deleteConfig = (name: string) => this.write(`config/${name}`, () => this.storage.delete(`config/${name}`));
  configs = () => this.storage.list('config/');

  role = (name: string) => this.cached(`role/${name}`) as Promise<Readonly<RoleRecord> | undefined>;
  putRole = (name: string, r: RoleRecord) => this.write(`role/${name}`, () => this.storage.putJson(`role/${name}`, r));
  deleteRole = (name: string) => this.write(`role/${name}`, () => this.storage.delete(`role/${name}`));
  roles = () => this.storage.list('role/');

  staticRole = (name: string) => this.storage.getJson<StaticRoleRecord>(`static-role/${name}`);
  putStaticRole = (name: string, r: StaticRoleRecord) => this.storage.putJson(`static-role/${name}`, r);
  deleteStaticRole = (name: string) => this.storage.delete(`static-role/${name}`);
  staticRoles = () => this.storage.list('static-role/');

  /** Forgets every cached record (engine close: seal, unmount). */
  clear(): void {
    this.cache.clear();
  }

  private async cached(key: string): Promise<Readonly<DbConfig | RoleRecord> | undefined> {
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    const stamp = this.cache.stamp(key);
    const stored = await this.storage.getJson<DbConfig | RoleRecord>(key);
    const frozen = stored === undefined ? null : deepFreeze(stored);
    this.cache.fill(key, frozen, stamp);
    return frozen ?? undefined;
  }

  /** A write bracketed by invalidations, so no reader keeps what storage held before it. */
  private write(key: string, put: () => Promise<void>): Promise<void> {
    return this.cache.invalidating(key, put);
  }
}

/** Vault's `allowed_roles`: exact names, `*` for any, and `*` globs (`app-*`). */
export function roleAllowed(allowed: readonly string[], role: string): boolean {
  return allowed.some((pattern) => {
    if (pattern === '*' || pattern === role) return true;
    if (!pattern.includes('*')) return false;
    const re = new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return re.test(role);
  });
}
