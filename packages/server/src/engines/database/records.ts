import type { StorageView } from '../../storage/storage-view.js';

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
  /** Written before a rotation reaches the database (see DbConfig.pending_password). */
  pending_password?: string;
}

/** Typed access to the engine's three record kinds in the mount's view. */
export class Records {
  constructor(private readonly storage: StorageView) {}

  config = (name: string) => this.storage.getJson<DbConfig>(`config/${name}`);
  putConfig = (name: string, c: DbConfig) => this.storage.putJson(`config/${name}`, c);
  deleteConfig = (name: string) => this.storage.delete(`config/${name}`);
  configs = () => this.storage.list('config/');

  role = (name: string) => this.storage.getJson<RoleRecord>(`role/${name}`);
  putRole = (name: string, r: RoleRecord) => this.storage.putJson(`role/${name}`, r);
  deleteRole = (name: string) => this.storage.delete(`role/${name}`);
  roles = () => this.storage.list('role/');

  staticRole = (name: string) => this.storage.getJson<StaticRoleRecord>(`static-role/${name}`);
  putStaticRole = (name: string, r: StaticRoleRecord) => this.storage.putJson(`static-role/${name}`, r);
  deleteStaticRole = (name: string) => this.storage.delete(`static-role/${name}`);
  staticRoles = () => this.storage.list('static-role/');
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
