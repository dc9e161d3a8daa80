import type { Logger } from '../../framework/engine.js';
import type { SqlLexicon } from './sql-template.js';

/**
 * A database plugin: what differs between PostgreSQL and MySQL/MariaDB. The engine's paths work
 * only through this interface, as Vault's do through its database plugin interface
 * (https://developer.hashicorp.com/vault/docs/secrets/databases/custom).
 */
export interface DatabasePlugin {
  /** Accepted `plugin_name` values. */
  readonly names: readonly string[];
  readonly lexicon: SqlLexicon;
  /** PostgreSQL's NAMEDATALEN-1 (63), MySQL's 32 (MariaDB 80, but Vault truncates to 32). */
  readonly maxUsernameLength: number;
  readonly defaultUsernameTemplate: string;
  /** Run when a role has no renew statements (spec "Contract details"). */
  readonly defaultRenewStatements: readonly string[];
  /** Static-role password rotation when the role has no rotation statements. */
  readonly defaultRotationStatements: readonly string[];
  /** `rotate-root` when the config has no root rotation statements. */
  readonly defaultRootRotationStatements: readonly string[];
  /** Whether creation statements run in one transaction (DDL is transactional in PostgreSQL). */
  readonly transactionalDdl: boolean;
  /** The account host named in creation statements (`'{{name}}'@'10.%'`); MySQL only. */
  accountHost(creationStatements: readonly string[]): string | undefined;
  open(settings: ConnectionSettings, log: Logger): DbPool;
}

export interface ConnectionSettings {
  /** With `{{username}}`/`{{password}}` placeholders, as stored. */
  readonly connectionUrl: string;
  readonly username: string;
  readonly password: string;
  readonly maxOpenConnections: number;
}

/** A connection pool to one configured database. Errors it throws carry no credentials. */
export interface DbPool {
  /** Opens a connection and runs a trivial query. */
  verify(): Promise<void>;
  /** Runs `statements` in order; in one transaction when the dialect allows. */
  execute(statements: readonly string[]): Promise<void>;
  /** Whether the account exists, or undefined when it cannot be told (missing privileges). */
  userExists(username: string, host: string): Promise<boolean | undefined>;
  /**
   * The default revocation: ends the user's sessions, removes its privileges and drops it.
   * Succeeds when the user is already gone, so a retry after a partial failure succeeds.
   */
  dropUser(username: string, host: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Removes every credential from a driver message: drivers may echo a connection string or a
 * statement back, and messages reach logs, lease records and clients.
 */
export function scrub(message: string, secrets: readonly string[]): string {
  let out = message.split('\n')[0]!;
  for (const s of secrets) {
    if (s.length >= 4) {
      out = out.split(s).join('[redacted]');
      out = out.split(encodeURIComponent(s)).join('[redacted]');
    }
  }
  return out.slice(0, 500);
}

/** Thrown by pools: a driver error whose message has been scrubbed. */
export class DbError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'DbError';
  }
}

export function toDbError(err: unknown, secrets: readonly string[]): DbError {
  if (err instanceof DbError) return err;
  const e = err as { message?: unknown; code?: unknown };
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(err);
  return new DbError(scrub(message, secrets), typeof e?.code === 'string' ? e.code : undefined);
}

/** Vault's `{{expiration}}` format (Go layout `2006-01-02 15:04:05-0700`), in UTC. */
export function formatExpiration(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')}+0000`;
}
