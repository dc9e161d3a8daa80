import { invalidRequest, VaultError } from '../../errors.js';
import type { Clock, EngineRequest, LeaseHandlers, Logger, SecretLease } from '../../framework/engine.js';
import type { PasswordSource } from '../../password-policies/password-policy-store.js';
import { type Connections, databaseFailure } from './connections.js';
import { formatExpiration } from './plugin.js';
import { roleAllowed } from './records.js';
import { renderStatements } from './sql-template.js';

/** Vault's system default and maximum lease TTL (768h), as the pipeline applies it. */
const SYSTEM_TTL = 768 * 3600;

/** The secret type of dynamic credentials (a key of the engine's `leases`). */
export const CREDS = 'creds';

/**
 * What a lease keeps to renew and revoke its user. The statements are captured at issue time,
 * so editing or deleting the role later does not change how existing users are dropped.
 * Never holds the password.
 */
interface CredsInternal {
  db_name: string;
  username: string;
  role: string;
  /** MySQL account host (`'name'@'host'`); '%' by default. */
  host: string;
  revocation_statements: string[];
  renew_statements: string[];
}

/**
 * Issues a user for role `roleName` (`GET creds/:name`). Its password comes from the role's
 * `credential_config.password_policy`, else the connection's `password_policy`, else the
 * default policy, as in Vault.
 */
export async function issueCredentials(
  conns: Connections,
  passwords: PasswordSource,
  clock: Clock,
  req: EngineRequest<{ name: string; ttl?: number | undefined }>,
) {
  const roleName = req.data.name;
  const role = await conns.records.role(roleName);
  if (!role) throw invalidRequest(`unknown role: \`${roleName}\``);
  const config = await conns.config(role.db_name);
  if (!roleAllowed(config.allowed_roles, roleName)) {
    throw invalidRequest(`\`${roleName}\` is not an allowed role for database \`${role.db_name}\``);
  }
  let conn;
  try {
    conn = await conns.get(role.db_name);
  } catch (err) {
    throw databaseFailure('unable to connect to the database', err);
  }
  const { plugin, pool } = conn;

  // The same TTL the pipeline will give the lease, so VALID UNTIL matches the lease's expiry.
  const { default_lease_ttl, max_lease_ttl } = req.mount.config;
  const maxTtl = Math.min(max_lease_ttl || SYSTEM_TTL, role.max_ttl || Infinity);
  // An optional requested `ttl` (our extension) may shorten the lease, never lengthen it past max;
  // it is what the Cedar context sees, so a policy can cap credential lifetimes.
  const ttl = Math.min(req.data.ttl || role.default_ttl || default_lease_ttl || SYSTEM_TTL, maxTtl);

  const now = clock.now();
  const template = conns.usernameTemplate(config, plugin);
  const username = template.render({ RoleName: roleName, DisplayName: req.auth?.displayName || 'token' }, now).slice(0, plugin.maxUsernameLength);
  if (username === '') throw invalidRequest('`username_template` produced an empty username');
  const password = await passwords.generate(role.password_policy || config.password_policy);
  const values = { name: username, username, password, expiration: formatExpiration(now + ttl * 1000) };
  const statements = renderStatements(role.creation_statements, values, plugin.lexicon);
  const host = plugin.accountHost(role.creation_statements) ?? '%';

  await conns.ddl.run(role.db_name, async () => {
    try {
      await pool.execute(statements);
    } catch (err) {
      // PostgreSQL rolled the transaction back; MySQL committed each statement, so undo it.
      const rollback = renderStatements(role.rollback_statements, values, plugin.lexicon);
      if (rollback.length > 0) await pool.execute(rollback).catch(() => undefined);
      if (!plugin.transactionalDdl || rollback.length > 0) await pool.dropUser(username, host).catch(() => undefined);
      throw databaseFailure('unable to create the database user', err);
    }
  });

  const internal: CredsInternal = {
    db_name: role.db_name,
    username,
    role: roleName,
    host,
    revocation_statements: role.revocation_statements,
    renew_statements: role.renew_statements,
  };
  const secret: SecretLease = { ttl, maxTtl, renewable: true, type: CREDS, internal: { ...internal } };
  return { data: { username, password }, secret };
}

/** Lease handlers for `creds`: the expiration manager calls them (with retries) at expiry and on renew. */
export function credsLeaseHandlers(conns: Connections, clock: Clock, log: Logger): LeaseHandlers {
  const parse = (raw: Record<string, unknown>): CredsInternal => {
    const i = raw as Partial<CredsInternal>;
    if (typeof i.db_name !== 'string' || typeof i.username !== 'string') throw new VaultError('internal', 'malformed database lease');
    return { revocation_statements: [], renew_statements: [], host: '%', role: '', ...i } as CredsInternal;
  };
  return {
    async revoke(raw) {
      const i = parse(raw);
      await conns.ddl.run(i.db_name, async () => {
        const { plugin, pool } = await conns.get(i.db_name);
        if (i.revocation_statements.length === 0) return pool.dropUser(i.username, i.host);
        // Custom statements may not be idempotent: a user already gone is revoked.
        if ((await pool.userExists(i.username, i.host)) === false) return;
        await pool.execute(renderStatements(i.revocation_statements, { name: i.username, username: i.username }, plugin.lexicon));
      });
      log.debug('database user revoked', { db: i.db_name, role: i.role });
    },
    async renew(raw, { ttl }) {
      const i = parse(raw);
      await conns.ddl.run(i.db_name, async () => {
        const { plugin, pool } = await conns.get(i.db_name);
        const templates = i.renew_statements.length > 0 ? i.renew_statements : plugin.defaultRenewStatements;
        if (templates.length === 0) return;
        const expiration = formatExpiration(clock.now() + ttl * 1000);
        await pool.execute(renderStatements(templates, { name: i.username, username: i.username, expiration }, plugin.lexicon));
      });
    },
  };
}
