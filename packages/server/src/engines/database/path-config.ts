import { invalidRequest, VaultError } from '../../errors.js';
import { definePath, type Logger } from '../../framework/engine.js';
import type { PasswordSource } from '../../password-policies/password-policy-store.js';
import type { FieldValues } from '../../framework/fields.js';
import { configResource } from './cedar-resource.js';
import { connect, type Connections, databaseFailure, type OpenConnection, pluginFor } from './connections.js';
import type { DbConfig } from './records.js';
import { renderStatements } from './sql-template.js';
import { statementList, statementsField } from './statements-field.js';
import { UsernameTemplate } from './username-template.js';

/**
 * `config/:name`, `config` (LIST), `reset/:name` and `rotate-root/:name`
 * (https://developer.hashicorp.com/vault/api-docs/secret/databases#configure-connection).
 * A write updates the fields it names and keeps the rest, as Vault's does. The password is
 * never returned.
 */
const configFields = {
  name: { type: 'string', description: 'Name of the connection.', required: true },
  plugin_name: { type: 'string', description: 'postgresql-database-plugin or mysql-database-plugin.' },
  plugin_version: { type: 'string', description: 'Accepted and returned; there is one built-in version.' },
  verify_connection: { type: 'bool', description: 'Connect before saving (default true).', default: true },
  allowed_roles: { type: 'strings', description: 'Roles that may use this connection; `*` for any, globs allowed.' },
  root_rotation_statements: statementsField('Statements rotate-root runs; `{{username}}`, `{{password}}`.'),
  password_policy: { type: 'string', description: 'Named password policy (`sys/policies/password/<name>`) for the passwords this connection sets; empty for the default policy.' },
  connection_url: { type: 'string', description: 'URL or DSN with `{{username}}`/`{{password}}`.', sensitive: true },
  username: { type: 'string', description: 'The engine\'s database user.' },
  password: { type: 'string', description: 'The engine\'s database password; never returned.', sensitive: true },
  max_open_connections: { type: 'int', description: 'Pool size (default 4).' },
  max_idle_connections: { type: 'int', description: 'Accepted for compatibility; the pool keeps up to max_open_connections.' },
  max_connection_lifetime: { type: 'duration', description: 'Accepted for compatibility; idle connections close after 30s.' },
  username_template: { type: 'string', description: 'Template for generated usernames.' },
} as const;

type ConfigValues = FieldValues<typeof configFields>;

async function writeConfig(conns: Connections, log: Logger, d: ConfigValues, raw: Readonly<Record<string, unknown>>): Promise<undefined> {
  const existing = await conns.records.config(d.name);
  const pluginName = d.plugin_name ?? existing?.plugin_name;
  if (!pluginName) throw invalidRequest('`plugin_name` must be provided');
  pluginFor(pluginName);
  const config: DbConfig = {
    plugin_name: pluginName,
    plugin_version: d.plugin_version ?? existing?.plugin_version ?? '',
    connection_url: d.connection_url ?? existing?.connection_url ?? '',
    username: d.username ?? existing?.username ?? '',
    password: d.password ?? existing?.password ?? '',
    allowed_roles: d.allowed_roles ?? existing?.allowed_roles ?? [],
    max_open_connections: d.max_open_connections ?? existing?.max_open_connections ?? 4,
    verify_connection: d.verify_connection,
    // Not looked up here: like Vault, an unknown name fails when a password is generated.
    password_policy: d.password_policy ?? existing?.password_policy ?? '',
    username_template: d.username_template ?? existing?.username_template ?? '',
    root_rotation_statements:
      statementList(raw['root_rotation_statements'], 'root_rotation_statements') ?? existing?.root_rotation_statements ?? [],
  };
  if (config.connection_url === '') throw invalidRequest('`connection_url` must be provided');
  if (config.max_open_connections < 1) throw invalidRequest('`max_open_connections` must be at least 1');
  if (config.username_template) UsernameTemplate.parse(config.username_template);
  // Building the pool checks the URL's shape; it connects only when verified.
  const conn = connect(config, log);
  if (config.verify_connection) {
    try {
      await conn.pool.verify();
    } catch (err) {
      await conn.pool.close();
      throw invalidRequest(`error creating database object: error verifying connection: ${(err as Error).message}`);
    }
  }
  await conns.records.putConfig(d.name, config);
  if (config.verify_connection) await conns.replace(d.name, conn);
  else {
    await conn.pool.close();
    await conns.replace(d.name, undefined);
  }
  return undefined;
}

export function pathConfig(conns: Connections, log: Logger) {
  const write = {
    summary: 'Configure a database connection.',
    handle: (req: { data: ConfigValues; raw: Readonly<Record<string, unknown>> }) => writeConfig(conns, log, req.data, req.raw),
  };
  return definePath({
    pattern: 'config/:name',
    fields: configFields,
    authz: (req) => ({
      action: req.operation === 'read' ? 'read' : req.operation === 'delete' ? 'delete' : 'configure',
      resource: configResource(req.mount, req.data.name),
    }),
    exists: async (req) => (await conns.records.config(req.data.name)) !== undefined,
    operations: {
      read: {
        summary: 'Read a connection (without its password).',
        async handle(req) {
          const c = await conns.records.config(req.data.name);
          if (!c) throw new VaultError('not_found', '');
          return { data: configToResponse(c) };
        },
      },
      create: write,
      update: write,
      delete: {
        summary: 'Delete a connection and close its pool.',
        async handle(req) {
          await conns.records.deleteConfig(req.data.name);
          await conns.replace(req.data.name, undefined);
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Configure connection details to a database.',
      description: 'PostgreSQL URLs (`postgresql://{{username}}:{{password}}@host:5432/db`) or MySQL DSNs (`{{username}}:{{password}}@tcp(host:3306)/`).',
    },
  });
}

/** Vault's read shape: `connection_details` without the password; a literal URL password is masked. */
export function configToResponse(c: DbConfig) {
  return {
    plugin_name: c.plugin_name,
    plugin_version: c.plugin_version,
    connection_details: {
      connection_url: maskUrlPassword(c.connection_url),
      username: c.username,
      max_open_connections: c.max_open_connections,
      ...(c.username_template && { username_template: c.username_template }),
    },
    allowed_roles: c.allowed_roles,
    root_credentials_rotate_statements: c.root_rotation_statements,
    password_policy: c.password_policy,
    verify_connection: c.verify_connection,
  };
}

function maskUrlPassword(url: string): string {
  // user:secret@  →  user:*****@ unless the secret is the {{password}} placeholder.
  return url.replace(/^([a-z]+:\/\/)?([^:@/]*):([^@]*)@/i, (m, scheme: string | undefined, user: string, pw: string) =>
    pw === '{{password}}' ? m : `${scheme ?? ''}${user}:*****@`,
  );
}

export function pathConfigList(conns: Connections) {
  return definePath({
    pattern: 'config',
    fields: {},
    authz: (req) => ({ action: 'list', resource: configResource(req.mount) }),
    operations: {
      list: { summary: 'List connections.', handle: async () => ({ data: { keys: await conns.records.configs() } }) },
    },
    help: { synopsis: 'List the configured connections.' },
  });
}

export function pathReset(conns: Connections) {
  return definePath({
    pattern: 'reset/:name',
    fields: { name: { type: 'string', description: 'Name of the connection.', required: true } },
    authz: (req) => ({ action: 'configure', resource: configResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: 'Close and reopen the connection pool.',
        async handle(req) {
          await conns.config(req.data.name);
          await conns.replace(req.data.name, undefined);
          try {
            await (await conns.get(req.data.name)).pool.verify();
          } catch (err) {
            throw databaseFailure('unable to reopen the connection', err);
          }
          return undefined;
        },
      },
    },
    help: { synopsis: 'Reset a connection: close its pool and open a new one.' },
  });
}

export function pathRotateRoot(conns: Connections, passwords: PasswordSource) {
  return definePath({
    pattern: 'rotate-root/:name',
    fields: { name: { type: 'string', description: 'Name of the connection.', required: true } },
    authz: (req) => ({ action: 'rotate', resource: configResource(req.mount, req.data.name) }),
    operations: {
      update: {
        summary: "Rotate the engine's own database password.",
        async handle(req) {
          const name = req.data.name;
          await conns.ddl.run(name, async () => {
            const config = await conns.config(name);
            if (!config.username) throw invalidRequest('unable to rotate root credentials: no username in configuration');
            let conn: OpenConnection;
            try {
              conn = await conns.get(name);
            } catch (err) {
              throw databaseFailure('unable to rotate root credentials', err);
            }
            const password = await passwords.generate(config.password_policy);
            const templates = config.root_rotation_statements.length > 0 ? config.root_rotation_statements : conn.plugin.defaultRootRotationStatements;
            const statements = renderStatements(templates, { name: config.username, username: config.username, password }, conn.plugin.lexicon);
            // INVARIANT: the new password is in storage before the database accepts it.
            await conns.records.putConfig(name, { ...config, pending_password: password });
            try {
              await conn.pool.execute(statements);
            } catch (err) {
              await conns.records.putConfig(name, config);
              throw databaseFailure('unable to rotate root credentials', err);
            }
            const { pending_password: _done, ...rest } = { ...config, password, pending_password: '' };
            await conns.records.putConfig(name, rest);
            await conns.replace(name, undefined);
          });
          return undefined;
        },
      },
    },
    help: { synopsis: "Rotate the engine's database password; the new one is never readable." },
  });
}
