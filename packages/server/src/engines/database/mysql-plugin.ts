import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { invalidRequest } from '../../errors.js';
import type { Logger } from '../../framework/engine.js';
import { type ConnectionSettings, type DatabasePlugin, type DbPool, toDbError } from './plugin.js';
import { doubleQuote, type QuoteContext, type SqlLexicon } from './sql-template.js';

/**
 * MySQL and MariaDB (`mysql-database-plugin` and its legacy/RDS/Aurora names,
 * https://developer.hashicorp.com/vault/api-docs/secret/databases/mysql-maria).
 *
 * Quoting: identifiers in backticks with the backtick doubled; literals (`'…'` or `"…"`) through
 * the driver's escape, which backslash-escapes quotes and backslashes. That escape is only sound
 * when the session reads backslash escapes, so every pooled connection removes
 * `NO_BACKSLASH_ESCAPES` from its `sql_mode` before it is used.
 */
const lexicon: SqlLexicon = {
  quotes: ["'", '"', '`'],
  literalQuotes: ["'", '"'],
  backslashEscapes: (q) => q !== '`',
  dollarQuotes: false,
  hashComments: true,
  escape(value: string, ctx: QuoteContext, kind) {
    if (ctx.kind === 'bare') return kind === 'identifier' ? `\`${doubleQuote(value, '`')}\`` : mysql.escape(value);
    if (ctx.quote === '`') return doubleQuote(value, '`');
    return mysql.escape(value).slice(1, -1);
  },
};

export const mysqlPlugin: DatabasePlugin = {
  names: ['mysql-database-plugin', 'mysql-legacy-database-plugin', 'mysql-rds-database-plugin', 'mysql-aurora-database-plugin'],
  lexicon,
  maxUsernameLength: 32,
  // Vault's default for MySQL.
  defaultUsernameTemplate:
    '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 10) (.RoleName | truncate 10) (random 20) (unix_time) | truncate 32 }}',
  // MySQL accounts have no expiry to move (Vault's MySQL plugin renews as a no-op).
  defaultRenewStatements: [],
  defaultRotationStatements: [`ALTER USER '{{name}}'@'%' IDENTIFIED BY '{{password}}'`],
  // Vault's default. Not `ALTER USER CURRENT_USER()`: MariaDB 10.11 accepts it and leaves the
  // password unchanged. An engine account with another host part needs root_rotation_statements.
  defaultRootRotationStatements: [`ALTER USER '{{username}}'@'%' IDENTIFIED BY '{{password}}'`],
  transactionalDdl: false,
  accountHost(statements) {
    for (const s of statements) {
      const m = /(['"`])\{\{\s*(?:name|username)\s*\}\}\1\s*@\s*(['"`])((?:(?!\2).)*)\2/.exec(s);
      if (m) return m[3];
    }
    return undefined;
  },
  open: (settings, log) => new MysqlPool(settings, log),
};

interface MysqlTarget {
  host?: string;
  port?: number;
  socketPath?: string;
  database?: string;
  user: string;
  password: string;
}

/**
 * Parses Vault's Go-driver DSN (`{{username}}:{{password}}@tcp(127.0.0.1:3306)/db?…`) or a
 * `mysql://` URL, then fills the placeholders into the parsed fields (so no value needs escaping).
 */
export function mysqlTarget(s: ConnectionSettings): MysqlTarget {
  const fill = (field: string) => field.split('{{username}}').join(s.username).split('{{password}}').join(s.password);
  const url = s.connectionUrl;
  if (/^mysql:\/\//i.test(url)) {
    const u = new URL(url.replace(/\{\{(username|password)\}\}/g, '__$1__'));
    const user = decodeURIComponent(u.username).replace(/__(username|password)__/g, '{{$1}}');
    const pass = decodeURIComponent(u.password).replace(/__(username|password)__/g, '{{$1}}');
    return {
      host: u.hostname,
      port: Number(u.port || 3306),
      database: decodeURIComponent(u.pathname.slice(1)) || undefined,
      user: user ? fill(user) : s.username,
      password: user ? fill(pass) : s.password,
    } as MysqlTarget;
  }
  const slash = url.lastIndexOf('/');
  if (slash < 0) throw invalidRequest('`connection_url` must be a dsn such as `{{username}}:{{password}}@tcp(host:3306)/`');
  const head = url.slice(0, slash);
  const at = head.lastIndexOf('@');
  const cred = at >= 0 ? head.slice(0, at) : '';
  const addr = head.slice(at + 1);
  const colon = cred.indexOf(':');
  const user = colon >= 0 ? cred.slice(0, colon) : cred;
  const pass = colon >= 0 ? cred.slice(colon + 1) : '';
  const m = /^(\w*)(?:\((.*)\))?$/.exec(addr);
  if (!m) throw invalidRequest('`connection_url` has an invalid address part');
  const database = url.slice(slash + 1).split('?')[0] || undefined;
  const target: MysqlTarget = { user: user ? fill(user) : s.username, password: user ? fill(pass) : s.password };
  if (database) target.database = database;
  if (m[1] === 'unix') target.socketPath = m[2]!;
  else {
    const [host, port] = (m[2] || '127.0.0.1:3306').split(/:(?=\d+$)/);
    target.host = host!;
    target.port = Number(port ?? 3306);
  }
  return target;
}

class MysqlPool implements DbPool {
  private readonly pool: mysqlPromise.Pool;
  private readonly secrets: string[];

  constructor(settings: ConnectionSettings, log: Logger) {
    const target = mysqlTarget(settings);
    this.secrets = [target.password, settings.password];
    this.pool = mysqlPromise.createPool({
      ...target,
      connectionLimit: Math.max(1, settings.maxOpenConnections),
      connectTimeout: 10_000,
      multipleStatements: false,
      maxIdle: Math.max(1, settings.maxOpenConnections),
      idleTimeout: 30_000,
    });
    this.pool.on('connection', (conn) => {
      // The event hands over the callback-style connection; this runs before any borrower's query.
      const core = conn as unknown as { query(sql: string, cb: (err: unknown) => void): unknown; on(e: string, f: (err: unknown) => void): unknown };
      core.on('error', (err) => log.warn('database connection lost', { error: toDbError(err, this.secrets).message }));
      core.query("SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '')", () => undefined);
    });
  }

  async verify(): Promise<void> {
    await this.run((c) => c.query('SELECT 1'));
  }

  /** DDL commits implicitly in MySQL: statements run one by one; the caller rolls back on failure. */
  async execute(statements: readonly string[]): Promise<void> {
    await this.run(async (c) => {
      for (const sql of statements) await c.query(sql);
    });
  }

  async userExists(username: string, host: string): Promise<boolean | undefined> {
    try {
      return await this.run(async (c) => {
        const [rows] = await c.query('SELECT 1 FROM mysql.user WHERE User = ? AND Host = ?', [username, host]);
        return (rows as unknown[]).length > 0;
      });
    } catch {
      return undefined;
    }
  }

  /** Drops the account, then ends its sessions (DROP USER leaves open sessions running). */
  async dropUser(username: string, host: string): Promise<void> {
    await this.run(async (c) => {
      await c.query(`DROP USER IF EXISTS ${mysql.escape(username)}@${mysql.escape(host)}`);
      const [rows] = await c.query('SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [username]).catch(() => [[]]);
      for (const { id } of rows as { id: number }[]) await c.query('KILL ?', [id]).catch(() => undefined);
    });
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  private async run<T>(work: (c: mysqlPromise.PoolConnection) => Promise<T>): Promise<T> {
    let conn: mysqlPromise.PoolConnection;
    try {
      conn = await this.pool.getConnection();
    } catch (err) {
      throw toDbError(err, this.secrets);
    }
    let fatal = false;
    try {
      return await work(conn);
    } catch (err) {
      fatal = (err as { fatal?: boolean }).fatal === true;
      throw toDbError(err, this.secrets);
    } finally {
      // A connection-level failure must not go back to the pool.
      if (fatal) conn.destroy();
      else conn.release();
    }
  }
}
