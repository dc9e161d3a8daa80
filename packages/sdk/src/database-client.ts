import { requireBody, type Requester } from './transport.js';
import type { VaultResponse } from './types.js';

/** Dynamic database credentials with their lease (`GET database/creds/:role`). */
export interface DatabaseCredentials {
  username: string;
  password: string;
  lease_id: string;
  /** Seconds. */
  lease_duration: number;
  renewable: boolean;
}

/** `POST database/config/:name` (Vault's database engine). */
export interface DatabaseConnectionConfig {
  plugin_name: string;
  connection_url: string;
  allowed_roles?: string[] | string;
  username?: string;
  password?: string;
  verify_connection?: boolean;
  [option: string]: unknown;
}

/** `POST database/roles/:name`. */
export interface DatabaseRoleConfig {
  db_name: string;
  creation_statements: string[] | string;
  revocation_statements?: string[] | string;
  default_ttl?: string | number;
  max_ttl?: string | number;
}

/** A database secrets engine mount (default `database/`). */
export class DatabaseClient {
  readonly mount: string;

  constructor(
    private readonly client: Requester,
    mount = 'database',
  ) {
    this.mount = mount.replace(/^\/+|\/+$/g, '');
  }

  /** New credentials for `role`; revoke or renew them through `client.lease` with `lease_id`. */
  async creds(role: string): Promise<DatabaseCredentials> {
    const path = `${this.mount}/creds/${role}`;
    const res = requireBody(await this.client.request<VaultResponse<{ username: string; password: string }>>('GET', path), path);
    return {
      username: res.data.username,
      password: res.data.password,
      lease_id: res.lease_id,
      lease_duration: res.lease_duration,
      renewable: res.renewable,
    };
  }

  async configureConnection(name: string, config: DatabaseConnectionConfig): Promise<void> {
    await this.client.request('POST', `${this.mount}/config/${name}`, { body: config });
  }

  async writeRole(name: string, role: DatabaseRoleConfig): Promise<void> {
    await this.client.request('POST', `${this.mount}/roles/${name}`, { body: role });
  }

  async rotateRoot(connection: string): Promise<void> {
    await this.client.request('POST', `${this.mount}/rotate-root/${connection}`);
  }
}
