import { randomUUID } from 'node:crypto';
import { invalidRequest } from '../../errors.js';
import { definePath, type PathSpec } from '../../framework/engine.js';
import type { FieldValues } from '../../framework/fields.js';
import type { StorageOp } from '../../storage/storage-backend.js';
import { encodeJson, type StorageView } from '../../storage/storage-view.js';
import { validateCidrs } from '../cidr.js';
import { applyTokenFields, defaultTokenSettings, tokenFields, tokenSettingsData } from '../token-fields.js';
import { notFound, roleName, roleResource, type AppRoleContext } from './approle-context.js';
import { readRole, roleByRoleId, roleIdKey, roleKey, type Hasher, type RoleEntry } from './role-entry.js';

const roleFields = {
  role_name: roleName,
  role_id: { type: 'string', description: 'A custom role id (a UUID is generated otherwise).' },
  bind_secret_id: { type: 'bool', description: 'Require a secret id at login (default true).' },
  secret_id_bound_cidrs: { type: 'strings', description: 'Client addresses allowed to log in with this role.' },
  bound_cidr_list: { type: 'strings', description: 'Deprecated: use `secret_id_bound_cidrs`.' },
  secret_id_num_uses: { type: 'int', description: 'Default and maximum uses of a secret id; 0 = unlimited.' },
  secret_id_ttl: { type: 'duration', description: 'Default and maximum lifetime of a secret id; 0 = no expiry.' },
  local_secret_ids: { type: 'bool', description: 'Accepted for compatibility; secret ids are never replicated.' },
  ...tokenFields,
} as const;

/** Vault's role names: word characters, `-`, `.` and `@`. */
const ROLE_NAME = /^[\w.@-]+$/;

export function roleData(role: RoleEntry): Record<string, unknown> {
  return {
    bind_secret_id: role.bindSecretId,
    secret_id_bound_cidrs: [...role.secretIdBoundCidrs],
    secret_id_num_uses: role.secretIdNumUses,
    secret_id_ttl: role.secretIdTtl,
    local_secret_ids: role.localSecretIds,
    ...tokenSettingsData(role.token),
    period: role.token.period,
  };
}

async function writeRole(ctx: AppRoleContext, storage: StorageView, d: FieldValues<typeof roleFields>): Promise<undefined> {
  if (!ROLE_NAME.test(d.role_name)) throw invalidRequest(`invalid role name \`${d.role_name}\``);
  const current = await readRole(storage, d.role_name);
  const role: RoleEntry = current ?? {
    name: d.role_name,
    roleId: '',
    bindSecretId: true,
    secretIdBoundCidrs: [],
    secretIdNumUses: 0,
    secretIdTtl: 0,
    localSecretIds: false,
    token: defaultTokenSettings(),
  };
  if (d.bind_secret_id !== undefined) role.bindSecretId = d.bind_secret_id;
  const cidrs = d.secret_id_bound_cidrs ?? d.bound_cidr_list;
  if (cidrs !== undefined) role.secretIdBoundCidrs = validateCidrs('secret_id_bound_cidrs', cidrs);
  if (d.secret_id_num_uses !== undefined) {
    if (d.secret_id_num_uses < 0) throw invalidRequest('`secret_id_num_uses` cannot be negative');
    role.secretIdNumUses = d.secret_id_num_uses;
  }
  if (d.secret_id_ttl !== undefined) role.secretIdTtl = d.secret_id_ttl;
  if (d.local_secret_ids !== undefined && !current) role.localSecretIds = d.local_secret_ids;
  role.token = applyTokenFields(role.token, d);
  // Vault refuses a role anyone could log in with knowing only its role id.
  if (!role.bindSecretId && role.secretIdBoundCidrs.length === 0 && role.token.boundCidrs.length === 0) {
    throw invalidRequest('at least one constraint should be enabled on the role: `bind_secret_id`, `secret_id_bound_cidrs` or `token_bound_cidrs`');
  }
  const roleId = d.role_id !== undefined && d.role_id !== '' ? d.role_id : current ? current.roleId : randomUUID();
  await setRoleId(ctx.hasher, storage, role, roleId);
  return undefined;
}

/** Writes the role with `roleId`, moving the role-id index; 400 if another role has that id. */
export async function setRoleId(hasher: Hasher, storage: StorageView, role: RoleEntry, roleId: string): Promise<void> {
  const holder = await roleByRoleId(storage, hasher, roleId);
  if (holder && holder.name !== role.name) throw invalidRequest('role_id already in use');
  const ops: StorageOp[] = [];
  if (role.roleId !== '' && role.roleId !== roleId) ops.push({ type: 'delete', key: roleIdKey(hasher, role.roleId) });
  const next = { ...role, roleId };
  ops.push({ type: 'put', key: roleKey(role.name), value: encodeJson(next) });
  ops.push({ type: 'put', key: roleIdKey(hasher, roleId), value: encodeJson({ name: role.name }) });
  await storage.batch(ops);
}

/** `auth/<mount>/role*` (https://developer.hashicorp.com/vault/api-docs/auth/approle). */
export function rolePaths(ctx: AppRoleContext): PathSpec[] {
  const role = definePath({
    pattern: 'role/:role_name',
    fields: roleFields,
    help: { synopsis: 'Create, read, update or delete an AppRole role.' },
    authz: (req) => ({ action: req.operation, resource: roleResource(req) }),
    exists: async (req) => (await readRole(req.storage, req.data.role_name)) !== undefined,
    operations: {
      read: {
        summary: 'Read a role.',
        handle: async (req) => {
          const found = await readRole(req.storage, req.data.role_name);
          if (!found) throw notFound();
          return { data: roleData(found) };
        },
      },
      create: { summary: 'Create a role.', handle: (req) => ctx.roles.run('', () => writeRole(ctx, req.storage, req.data)) },
      update: { summary: 'Update a role.', handle: (req) => ctx.roles.run('', () => writeRole(ctx, req.storage, req.data)) },
      delete: {
        summary: 'Delete a role and all its secret ids.',
        handle: async (req) => {
          const found = await ctx.roles.run('', () => readRole(req.storage, req.data.role_name));
          if (!found) return undefined;
          await ctx.secretIds.destroyAll(found.name);
          await req.storage.batch([
            { type: 'delete', key: roleKey(found.name) },
            { type: 'delete', key: roleIdKey(ctx.hasher, found.roleId) },
          ]);
          return undefined;
        },
      },
    },
  });

  const list = definePath({
    pattern: 'role',
    fields: {},
    help: { synopsis: 'List roles.' },
    authz: (req) => ({ action: 'list', resource: `${req.mount.path}role` }),
    operations: {
      list: {
        summary: 'List roles.',
        handle: async (req) => {
          const keys = (await req.storage.list('role/')).filter((k) => !k.endsWith('/'));
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    },
  });

  const roleId = definePath({
    pattern: 'role/:role_name/role-id',
    fields: { role_name: roleName, role_id: { type: 'string', description: 'The new role id.' } },
    help: { synopsis: "Read or set a role's role id." },
    authz: (req) => ({ action: req.operation, resource: roleResource(req, '/role-id') }),
    operations: {
      read: {
        summary: "Read a role's role id.",
        handle: async (req) => {
          const found = await readRole(req.storage, req.data.role_name);
          if (!found) throw notFound();
          return { data: { role_id: found.roleId } };
        },
      },
      update: {
        summary: 'Set a custom role id.',
        handle: async (req) => {
          if (!req.data.role_id) throw invalidRequest('missing role_id');
          const roleId = req.data.role_id;
          return ctx.roles.run('', async () => {
            const found = await readRole(req.storage, req.data.role_name);
            if (!found) throw invalidRequest(`role \`${req.data.role_name}\` does not exist`);
            await setRoleId(ctx.hasher, req.storage, found, roleId);
            return undefined;
          });
        },
      },
    },
  });

  return [role, list, roleId];
}
