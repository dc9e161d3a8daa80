import { invalidRequest, VaultError } from '../../errors.js';
import type { Logger } from '../../framework/engine.js';
import { KeyedMutex } from '../../framework/keyed-mutex.js';
import { mysqlPlugin } from './mysql-plugin.js';
import type { DatabasePlugin, DbPool } from './plugin.js';
import { postgresPlugin } from './postgres-plugin.js';
import type { DbConfig, Records } from './records.js';
import { UsernameTemplate } from './username-template.js';

const PLUGINS: readonly DatabasePlugin[] = [postgresPlugin, mysqlPlugin];

/** The plugin for a `plugin_name`, or a 400. */
export function pluginFor(name: string): DatabasePlugin {
  const plugin = PLUGINS.find((p) => p.names.includes(name));
  if (!plugin) {
    throw invalidRequest(`unsupported \`plugin_name\` \`${name}\`: use one of ${PLUGINS.flatMap((p) => p.names).join(', ')}`);
  }
  return plugin;
}

export interface OpenConnection {
  readonly config: Readonly<DbConfig>;
  readonly plugin: DatabasePlugin;
  readonly pool: DbPool;
}

/**
 * One pool per configured database, opened on first use and closed on reset, reconfiguration,
 * deletion, unmount and seal; and one DDL queue per database.
 *
 * INVARIANT: every statement that creates, alters or drops database users runs inside
 * `ddl.run(<db name>, …)`. PostgreSQL answers concurrent role DDL on one database with "tuple
 * concurrently updated" and deadlocks (BENCHMARKING.md, design consequence 3), so users of one
 * database are changed one at a time; different databases proceed in parallel.
 */
export class Connections {
  readonly ddl = new KeyedMutex();
  private readonly open = new Map<string, Promise<OpenConnection>>();
  /** Parsed username templates by the (frozen, cached) config they belong to. */
  private readonly templates = new WeakMap<Readonly<DbConfig>, UsernameTemplate>();

  constructor(
    readonly records: Records,
    private readonly log: Logger,
  ) {}

  /** The stored config (frozen), or a 400 naming it (Vault: "unknown database"). */
  async config(name: string): Promise<Readonly<DbConfig>> {
    const config = await this.records.config(name);
    if (!config) throw invalidRequest(`unknown database \`${name}\``);
    return config;
  }

  /** The open pool for `name`, opening it on first use. */
  get(name: string): Promise<OpenConnection> {
    let conn = this.open.get(name);
    if (!conn) {
      conn = this.config(name).then((config) => connect(config, this.log));
      this.open.set(name, conn);
      // A failed open is not cached: the next call tries again.
      conn.catch(() => this.open.get(name) === conn && this.open.delete(name));
    }
    return conn;
  }

  /** Installs an already verified connection, closing the one it replaces. */
  async replace(name: string, conn: OpenConnection | undefined): Promise<void> {
    const previous = this.open.get(name);
    if (conn) this.open.set(name, Promise.resolve(conn));
    else this.open.delete(name);
    await closeQuietly(previous);
  }

  /**
   * The config's username template (else the plugin's default), parsed once per config object:
   * a rewritten config is a new object from the record cache, so it is parsed again.
   */
  usernameTemplate(config: Readonly<DbConfig>, plugin: DatabasePlugin): UsernameTemplate {
    let template = this.templates.get(config);
    if (!template) {
      template = UsernameTemplate.parse(config.username_template || plugin.defaultUsernameTemplate);
      this.templates.set(config, template);
    }
    return template;
  }

  /** Closes every pool and forgets the cached records (seal, unmount). */
  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    this.records.clear();
    await Promise.all(all.map(closeQuietly));
  }
}

export function connect(config: Readonly<DbConfig>, log: Logger): OpenConnection {
  const plugin = pluginFor(config.plugin_name);
  const pool = plugin.open(
    {
      connectionUrl: config.connection_url,
      username: config.username,
      password: config.password,
      maxOpenConnections: config.max_open_connections,
    },
    log,
  );
  return { config, plugin, pool };
}

async function closeQuietly(conn: Promise<OpenConnection> | undefined): Promise<void> {
  if (!conn) return;
  try {
    await (await conn).pool.close();
  } catch {
    // Nothing to close: the open failed.
  }
}

/** A database error as a client-facing error: 500 with the (scrubbed) driver message, as Vault answers. */
export const databaseFailure = (what: string, err: unknown): VaultError =>
  err instanceof VaultError ? err : new VaultError('internal', `${what}: ${err instanceof Error ? err.message : String(err)}`);
