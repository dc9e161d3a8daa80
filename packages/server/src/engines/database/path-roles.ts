import { invalidRequest, VaultError } from '../../errors.js';
import { definePath } from '../../framework/engine.js';
import { roleResource } from './cedar-resource.js';
import { credentialConfigField, credentialConfigResponse, passwordPolicyFrom } from './credential-config.js';
import type { Records, RoleRecord } from './records.js';
import { statementList, statementsField } from './statements-field.js';

/**
 * `roles/:name` and `roles` (LIST): dynamic roles
 * (https://developer.hashicorp.com/vault/api-docs/secret/databases#create-role). A write updates
 * the fields it names and keeps the rest, as Vault's does. Statements are checked when
 * credentials are issued, against the connection's dialect.
 */
export function pathRoles(records: Records) {
  return definePath({
    pattern: 'roles/:name',
    fields: {
      name: { type: 'string', description: 'Name of the role.', required: true },
      db_name: { type: 'string', description: 'The connection this role uses.' },
      creation_statements: statementsField('Statements that create the user: `{{name}}`, `{{password}}`, `{{expiration}}`.'),
      revocation_statements: statementsField('Statements that drop the user (default: end sessions, revoke, drop).'),
      rollback_statements: statementsField('Statements run when creation fails halfway.'),
      renew_statements: statementsField('Statements run on renewal (PostgreSQL default: ALTER ROLE … VALID UNTIL).'),
      default_ttl: { type: 'duration', description: 'Lease TTL (default: the mount\'s).' },
      max_ttl: { type: 'duration', description: 'Longest lease (default: the mount\'s).' },
      credential_type: { type: 'string', description: 'Only `password` is supported.', allowed: ['password'] },
      credential_config: credentialConfigField,
    },
    authz: (req) => ({
      action: req.operation === 'read' ? 'read' : req.operation === 'delete' ? 'delete' : 'configure',
      resource: roleResource(req.mount, req.data.name),
    }),
    exists: async (req) => (await records.role(req.data.name)) !== undefined,
    operations: {
      read: {
        summary: 'Read a role.',
        async handle(req) {
          const role = await records.role(req.data.name);
          if (!role) throw new VaultError('not_found', '');
          const { password_policy, ...shown } = role;
          return { data: { ...shown, credential_type: 'password', ...credentialConfigResponse(password_policy) } };
        },
      },
      update: {
        summary: 'Create or update a role.',
        async handle(req) {
          const d = req.data;
          const existing = await records.role(d.name);
          const list = (field: keyof RoleRecord & `${string}_statements`) => statementList(req.raw[field], field) ?? existing?.[field] ?? [];
          const role: RoleRecord = {
            db_name: d.db_name ?? existing?.db_name ?? '',
            creation_statements: list('creation_statements'),
            revocation_statements: list('revocation_statements'),
            rollback_statements: list('rollback_statements'),
            renew_statements: list('renew_statements'),
            default_ttl: d.default_ttl ?? existing?.default_ttl ?? 0,
            max_ttl: d.max_ttl ?? existing?.max_ttl ?? 0,
            password_policy: passwordPolicyFrom(req.raw['credential_config']) ?? existing?.password_policy ?? '',
          };
          if (role.db_name === '') throw invalidRequest('`db_name` must be provided');
          if (role.creation_statements.length === 0) throw invalidRequest('`creation_statements` must be provided');
          if (role.max_ttl > 0 && role.default_ttl > role.max_ttl) throw invalidRequest('`default_ttl` cannot be greater than `max_ttl`');
          await records.putRole(d.name, role);
          return undefined;
        },
      },
      delete: {
        summary: 'Delete a role (its outstanding credentials stay leased and are revoked at expiry).',
        async handle(req) {
          await records.deleteRole(req.data.name);
          return undefined;
        },
      },
    },
    help: { synopsis: 'Manage the roles that dynamic credentials are created under.' },
  });
}

export function pathRoleList(records: Records) {
  return definePath({
    pattern: 'roles',
    fields: {},
    authz: (req) => ({ action: 'list', resource: roleResource(req.mount) }),
    operations: { list: { summary: 'List roles.', handle: async () => ({ data: { keys: await records.roles() } }) } },
    help: { synopsis: 'List the dynamic roles.' },
  });
}
