import { VaultError } from '../../errors.js';
import { definePath } from '../../framework/engine.js';
import { sshResource } from './cedar-resource.js';
import { roleFields, roleFromRequest, roleToResponse } from './role.js';
import type { SshContext } from './ssh-context.js';

/**
 * `roles/:name`: CA roles (https://developer.hashicorp.com/vault/api-docs/secret/ssh#create-role).
 * A write replaces the whole role, as Vault's does: omitted fields take their defaults.
 */
export const pathRoles = (ctx: SshContext) =>
  definePath({
    pattern: 'roles/:name',
    fields: roleFields,
    authz: (req) => ({
      action: req.operation === 'read' ? 'read' : req.operation === 'delete' ? 'delete' : 'configure',
      resource: sshResource(req.mount, req.data.name),
    }),
    operations: {
      read: {
        summary: 'Read a role.',
        async handle(req) {
          const role = await ctx.roles(req.storage).get(req.data.name);
          if (role === undefined) throw new VaultError('not_found', '');
          return { data: roleToResponse(role) };
        },
      },
      update: {
        summary: 'Create or replace a role.',
        async handle(req) {
          const role = roleFromRequest(req.data);
          await ctx.roles(req.storage).put(req.data.name, role);
          const warnings: string[] = [];
          // Vault warns the same way: SHA-1 signatures are refused by OpenSSH 8.2 and later.
          if (role.algorithm_signer === 'ssh-rsa') {
            warnings.push('`algorithm_signer` ssh-rsa signs with sha-1, which openssh 8.2 and later refuse by default');
          }
          if (role.allow_empty_principals) {
            warnings.push('`allow_empty_principals` lets this role issue certificates valid for every principal');
          }
          return warnings.length > 0 ? { warnings } : undefined;
        },
      },
      delete: {
        summary: 'Delete a role.',
        async handle(req) {
          await ctx.roles(req.storage).delete(req.data.name);
          return undefined;
        },
      },
    },
    help: {
      synopsis: 'Manage the roles that certificates are signed under.',
      description:
        'A CA role decides which principals, certificate types, extensions, critical options and TTLs ' +
        'sign/:role and issue/:role may grant. Only key_type=ca is supported (no OTP).',
    },
  });

/**
 * `roles` LIST (the pipeline appends `/`, which this template matches): role names, with their
 * key type in `key_info` as Vault's list returns.
 */
export const pathRoleList = (ctx: SshContext) =>
  definePath({
    pattern: 'roles',
    fields: {},
    authz: (req) => ({ action: 'list', resource: sshResource(req.mount) }),
    operations: {
      list: {
        summary: 'List role names.',
        async handle(req) {
          const keys = await ctx.roles(req.storage).list();
          const keyInfo = Object.fromEntries(keys.map((k) => [k, { key_type: 'ca' }]));
          return { data: { keys, key_info: keyInfo } };
        },
      },
    },
    help: { synopsis: 'List the roles.', description: 'Returns role names; an empty list is a 404, as in Vault.' },
  });
