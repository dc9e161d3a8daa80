import pg from 'pg';
import { invalidRequest } from '../../errors.js';
import type { Logger } from '../../framework/engine.js';
import { type ConnectionSettings, type DatabasePlugin, type DbPool, toDbError } from './plugin.js';
import { doubleQuote, type QuoteContext, type SqlLexicon } from './sql-template.js';

/**
 * PostgreSQL (`postgresql-database-plugin`,
 * https://developer.hashicorp.com/vault/api-docs/secret/databases/postgresql).
 *
 * Quoting: identifiers in `"…"` with `"` doubled; literals in `'…'` with `'` doubled. Backslashes
 * are plain characters in standard strings, and every pooled connection sets
 * `standard_conforming_strings = on` so that holds whatever the server default; in `E'…'`
 * strings backslashes are doubled as well.
 */
const lexicon: SqlLexicon = {
  quotes: ["'", '"'],
  literalQuotes: ["'"],
  backslashEscapes: (q, prefix) => q === "'" && prefix.endsWith('e'),
  dollarQuotes: true,
  hashComments: false,
  escape(value: string, ctx: QuoteContext, kind) {
    if (ctx.kind === 'bare') return kind === 'identifier' ? quoteIdent(value) : quoteLiteral(value);
    const v = ctx.backslashEscapes ? value.replace(/\\/g, '\\\\') : value;
    return doubleQuote(v, ctx.quote);
  },
};

export const quoteIdent = (s: string): string => `"${doubleQuote(s, '"')}"`;
export const quoteLiteral = (s: string): string => `'${doubleQuote(s, "'")}'`;

/** A session setting (custom, dotted: any user may set it) that carries a dropped role's oid. */
const OID_SETTING = 'secretum.revoked_role_oid';

export const postgresPlugin: DatabasePlugin = {
  names: ['postgresql-database-plugin'],
  lexicon,
  maxUsernameLength: 63,
  // Vault's default for PostgreSQL.
  defaultUsernameTemplate:
    '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}',
  defaultRenewStatements: [`ALTER ROLE "{{name}}" VALID UNTIL '{{expiration}}'`],
  defaultRotationStatements: [`ALTER ROLE "{{name}}" WITH PASSWORD '{{password}}'`],
  defaultRootRotationStatements: [`ALTER ROLE "{{username}}" WITH PASSWORD '{{password}}'`],
  transactionalDdl: true,
  accountHost: () => undefined,
  open: (settings, log) => new PostgresPool(settings, log),
};

/** Fills `{{username}}`/`{{password}}` into a `postgres://` URL, percent-encoded. */
export function pgConnectionString(s: ConnectionSettings): string {
  const url = s.connectionUrl;
  if (!/^postgres(ql)?:\/\//i.test(url)) {
    throw invalidRequest('`connection_url` must be a postgres:// or postgresql:// URL');
  }
  if (url.includes('{{username}}') || url.includes('{{password}}')) {
    return url
      .split('{{username}}')
      .join(encodeURIComponent(s.username))
      .split('{{password}}')
      .join(encodeURIComponent(s.password));
  }
  if (s.username === '') return url;
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(s.username);
  parsed.password = encodeURIComponent(s.password);
  return parsed.toString();
}

class PostgresPool implements DbPool {
  private readonly pool: pg.Pool;
  private readonly secrets: string[];

  constructor(
    settings: ConnectionSettings,
    private readonly log: Logger,
  ) {
    this.secrets = [settings.password, pgConnectionString(settings)];
    this.pool = new pg.Pool({
      connectionString: pgConnectionString(settings),
      max: Math.max(1, settings.maxOpenConnections),
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that dies (database restarted) must not crash the server.
    this.pool.on('error', (err) => log.warn('database connection lost', { error: toDbError(err, this.secrets).message }));
    this.pool.on('connect', (client) => {
      // Queued before any query of the borrower: literal escaping relies on it.
      client.query('SET standard_conforming_strings = on').catch(() => undefined);
    });
  }

  async verify(): Promise<void> {
    await this.withClient((c) => c.query('SELECT 1'));
  }

  async execute(statements: readonly string[]): Promise<void> {
    if (statements.length === 0) return;
    await this.withClient(async (c) => {
      // One simple-protocol round trip: the statements were split and escaped by sql-template,
      // so joining them again with `;` cannot change their meaning.
      try {
        await c.query(['BEGIN', ...statements, 'COMMIT'].join(';\n'));
      } catch (err) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
  }

  async userExists(username: string): Promise<boolean> {
    return this.withClient(async (c) => ((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [username])).rowCount ?? 0) > 0);
  }

  /**
   * Hands what the role owns to the engine's user, drops its privileges and the role, then ends
   * its sessions: one round trip and one commit. REASSIGN/DROP OWNED and terminating other
   * sessions need membership in the role (a superuser has it); an engine user with only
   * CREATEROLE falls back to revoking, as Vault's default revocation does, the privileges on
   * every schema the role can use and on the database.
   */
  async dropUser(username: string): Promise<void> {
    const id = quoteIdent(username);
    await this.withClient(async (c) => {
      try {
        // A simple-protocol query string: everything before the COMMIT is one implicit
        // transaction; the session search after it is its own. Sessions are ended after the
        // drop commits, so no new login can slip in between. Once the role is gone,
        // pg_stat_activity shows its sessions with `usename` NULL (it joins pg_authid), so the
        // role's oid is kept in a session setting and the sessions are found by `usesysid`.
        // `pg_stat_get_activity` is read directly: the view's joins cost ~0.8 ms per call here.
        await c.query(
          `SELECT set_config('${OID_SETTING}', coalesce((SELECT oid::text FROM pg_roles WHERE rolname = ${quoteLiteral(username)}), '0'), false); ` +
            `REASSIGN OWNED BY ${id} TO CURRENT_USER; DROP OWNED BY ${id}; DROP ROLE IF EXISTS ${id}; COMMIT; ` +
            `SELECT pg_terminate_backend(pid) FROM pg_stat_get_activity(NULL) ` +
            `WHERE usesysid = current_setting('${OID_SETTING}')::oid AND pid <> pg_backend_pid()`,
        );
        return;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === '42704') return; // undefined_object: the role is already gone
        if (code !== '42501') throw err;
      }
      // Not a member of the role. If the drop committed and only ending its sessions was refused,
      // the role is gone (ALTER ROLE answers 42704): its open sessions cannot be ended by us.
      try {
        await c.query(`ALTER ROLE ${id} NOLOGIN`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42704') throw err;
        this.log.warn('database user dropped; its open sessions could not be ended (engine user lacks pg_signal_backend)', {});
        return;
      }
      await c
        .query('SELECT pg_terminate_backend(pid) FROM pg_stat_get_activity(NULL) WHERE usesysid = (SELECT oid FROM pg_roles WHERE rolname = $1) AND pid <> pg_backend_pid()', [username])
        .catch(() => undefined);
      const schemas = await c.query<{ s: string }>(
        `SELECT DISTINCT table_schema AS s FROM information_schema.role_table_grants WHERE grantee = $1
         UNION SELECT nspname FROM pg_namespace WHERE has_schema_privilege($1, oid, 'USAGE')
           AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
        [username],
      );
      const db = (await c.query<{ d: string }>('SELECT current_database() AS d')).rows[0]!.d;
      const revokes = schemas.rows.flatMap(({ s }) => [
        `REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA ${quoteIdent(s)} FROM ${id}`,
        `REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA ${quoteIdent(s)} FROM ${id}`,
        `REVOKE ALL PRIVILEGES ON ALL FUNCTIONS IN SCHEMA ${quoteIdent(s)} FROM ${id}`,
        `REVOKE USAGE ON SCHEMA ${quoteIdent(s)} FROM ${id}`,
      ]);
      await c.query([...revokes, `REVOKE ALL PRIVILEGES ON DATABASE ${quoteIdent(db)} FROM ${id}`, `DROP ROLE IF EXISTS ${id}`].join('; '));
    });
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  private async withClient<T>(work: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw toDbError(err, this.secrets);
    }
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (err) {
      // A connection-level failure must not go back to the pool.
      if (!(err as { code?: string }).code || /^(08|57P)/.test((err as { code: string }).code)) broken = err as Error;
      throw toDbError(err, this.secrets);
    } finally {
      client.release(broken);
    }
  }
}
