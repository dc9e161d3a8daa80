import { invalidRequest } from '../../errors.js';
import { definePath, type EngineRequest, type EngineResponse, type PathSpec } from '../../framework/engine.js';
import { isPlainObject } from '../../framework/fields.js';
import { cidrsWithin, validateCidrs } from '../cidr.js';
import { notFound, roleName, roleResource, type AppRoleContext } from './approle-context.js';
import { readRole, type RoleEntry } from './role-entry.js';
import type { SecretIdEntry } from './secret-id-store.js';

const secretId = { type: 'string', description: 'The secret id.', sensitive: true } as const;
const accessor = { type: 'string', description: 'Accessor of the secret id.', required: true } as const;

const issueFields = {
  role_name: roleName,
  metadata: { type: 'any', description: 'JSON string (or object) of string pairs, added to the metadata of tokens from this secret id.' },
  cidr_list: { type: 'strings', description: 'Client addresses allowed to log in with this secret id; within the role\'s.' },
  token_bound_cidrs: { type: 'strings', description: 'Client addresses allowed to log in and use tokens from this secret id.' },
  num_uses: { type: 'int', description: 'Uses of this secret id; 0 = the role\'s `secret_id_num_uses`.' },
  ttl: { type: 'duration', description: 'Lifetime of this secret id; 0 = the role\'s `secret_id_ttl`.' },
} as const;

const NEVER = '0001-01-01T00:00:00Z';
const iso = (ms: number) => new Date(ms).toISOString();

/** Vault's secret id lookup shape. */
export function secretIdData(entry: SecretIdEntry): Record<string, unknown> {
  return {
    cidr_list: [...entry.cidrList],
    token_bound_cidrs: [...entry.tokenBoundCidrs],
    creation_time: iso(entry.creationTime),
    expiration_time: entry.expirationTime === 0 ? NEVER : iso(entry.expirationTime),
    last_updated_time: iso(entry.lastUpdatedTime),
    metadata: { ...entry.metadata },
    secret_id_accessor: entry.accessor,
    secret_id_num_uses: entry.numUses,
    secret_id_ttl: entry.ttl,
  };
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === '') return {};
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw invalidRequest('field `metadata` must be a JSON object of string values');
    }
  }
  if (!isPlainObject(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw invalidRequest('field `metadata` must be a JSON object of string values');
  }
  return value as Record<string, string>;
}

async function requireRole(req: EngineRequest<{ role_name: string }>): Promise<RoleEntry> {
  const role = await readRole(req.storage, req.data.role_name);
  if (!role) throw invalidRequest(`role \`${req.data.role_name}\` does not exist`);
  return role;
}

/** Issues a secret id (generated, or the caller's for `custom-secret-id`) within the role's limits. */
async function issue(ctx: AppRoleContext, req: EngineRequest<{ role_name: string; metadata?: unknown; cidr_list?: string[] | undefined; token_bound_cidrs?: string[] | undefined; num_uses?: number | undefined; ttl?: number | undefined }>, custom?: string): Promise<EngineResponse> {
  const role = await requireRole(req);
  if (!role.bindSecretId) throw invalidRequest('bind_secret_id is not set on the role');
  const d = req.data;
  const numUses = d.num_uses ?? 0;
  if (numUses < 0) throw invalidRequest('`num_uses` cannot be negative');
  if (role.secretIdNumUses > 0 && numUses > role.secretIdNumUses) {
    throw invalidRequest('`num_uses` cannot be higher than the role\'s `secret_id_num_uses`');
  }
  const ttl = d.ttl ?? 0;
  if (role.secretIdTtl > 0 && ttl > role.secretIdTtl) throw invalidRequest('`ttl` cannot be longer than the role\'s `secret_id_ttl`');
  const cidrList = validateCidrs('cidr_list', d.cidr_list ?? []);
  if (role.secretIdBoundCidrs.length > 0 && !cidrsWithin(cidrList, role.secretIdBoundCidrs)) {
    throw invalidRequest('`cidr_list` must be within the role\'s `secret_id_bound_cidrs`');
  }
  const tokenBoundCidrs = validateCidrs('token_bound_cidrs', d.token_bound_cidrs ?? []);
  if (role.token.boundCidrs.length > 0 && !cidrsWithin(tokenBoundCidrs, role.token.boundCidrs)) {
    throw invalidRequest('`token_bound_cidrs` must be within the role\'s `token_bound_cidrs`');
  }
  const created = await ctx.secretIds.create(role, {
    ...(custom !== undefined && { secretId: custom }),
    numUses: numUses || role.secretIdNumUses,
    ttl: ttl || role.secretIdTtl,
    metadata: parseMetadata(d.metadata),
    cidrList,
    tokenBoundCidrs,
  });
  return {
    data: {
      secret_id: created.secretId,
      secret_id_accessor: created.entry.accessor,
      secret_id_ttl: created.entry.ttl,
      secret_id_num_uses: created.entry.numUses,
    },
  };
}

/** Secret id paths of `auth/<mount>/role/:role_name` (https://developer.hashicorp.com/vault/api-docs/auth/approle). */
export function secretIdPaths(ctx: AppRoleContext): PathSpec[] {
  const generate = definePath({
    pattern: 'role/:role_name/secret-id',
    fields: issueFields,
    help: { synopsis: 'Generate a secret id for a role, or list the accessors of its secret ids.' },
    authz: (req) => ({ action: req.operation, resource: roleResource(req, '/secret-id') }),
    operations: {
      update: { summary: 'Generate a secret id.', handle: (req) => issue(ctx, req) },
      list: {
        summary: 'List secret id accessors.',
        handle: async (req) => {
          const role = await readRole(req.storage, req.data.role_name);
          const keys = role ? await ctx.secretIds.accessors(role.name) : [];
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    },
  });

  const custom = definePath({
    pattern: 'role/:role_name/custom-secret-id',
    fields: { ...issueFields, secret_id: { ...secretId, required: true } },
    help: { synopsis: 'Register a secret id chosen by the caller.' },
    authz: (req) => ({ action: req.operation, resource: roleResource(req, '/secret-id') }),
    operations: {
      update: {
        summary: 'Register a custom secret id.',
        handle: (req) => {
          if (req.data.secret_id === '') throw invalidRequest('missing secret_id');
          return issue(ctx, req, req.data.secret_id);
        },
      },
    },
  });

  const lookup = definePath({
    pattern: 'role/:role_name/secret-id/lookup',
    fields: { role_name: roleName, secret_id: { ...secretId, required: true } },
    help: { synopsis: 'Read the properties of a secret id (204 when it does not exist).' },
    authz: (req) => ({ action: req.operation, resource: roleResource(req, '/secret-id') }),
    operations: {
      update: {
        summary: 'Look a secret id up.',
        handle: async (req) => {
          const role = await requireRole(req);
          const entry = await ctx.secretIds.lookup(role.name, req.data.secret_id);
          return entry ? { data: secretIdData(entry) } : undefined;
        },
      },
    },
  });

  const destroy = definePath({
    pattern: 'role/:role_name/secret-id/destroy',
    fields: { role_name: roleName, secret_id: { ...secretId, required: true } },
    help: { synopsis: 'Destroy a secret id.' },
    authz: (req) => ({ action: req.operation === 'update' ? 'delete' : req.operation, resource: roleResource(req, '/secret-id') }),
    operations: {
      update: { summary: 'Destroy a secret id.', handle: (req) => destroySecretId(ctx, req) },
      delete: { summary: 'Destroy a secret id.', handle: (req) => destroySecretId(ctx, req) },
    },
  });

  const accessorLookup = definePath({
    pattern: 'role/:role_name/secret-id-accessor/lookup',
    fields: { role_name: roleName, secret_id_accessor: accessor },
    help: { synopsis: 'Read the properties of a secret id by its accessor.' },
    authz: (req) => ({ action: 'read', resource: roleResource(req, '/secret-id') }),
    operations: {
      update: {
        summary: 'Look a secret id up by accessor.',
        handle: async (req) => {
          const role = await requireRole(req);
          const found = await ctx.secretIds.byAccessor(role.name, req.data.secret_id_accessor);
          if (!found) throw notFound();
          return { data: secretIdData(found.entry) };
        },
      },
    },
  });

  const accessorDestroy = definePath({
    pattern: 'role/:role_name/secret-id-accessor/destroy',
    fields: { role_name: roleName, secret_id_accessor: accessor },
    help: { synopsis: 'Destroy a secret id by its accessor.' },
    authz: (req) => ({ action: 'delete', resource: roleResource(req, '/secret-id') }),
    operations: {
      update: { summary: 'Destroy a secret id by accessor.', handle: (req) => destroyByAccessor(ctx, req) },
      delete: { summary: 'Destroy a secret id by accessor.', handle: (req) => destroyByAccessor(ctx, req) },
    },
  });

  const tidy = definePath({
    pattern: 'tidy/secret-id',
    fields: {},
    help: { synopsis: 'Remove expired secret ids and dangling accessors.' },
    authz: (req) => ({ action: 'update', resource: `${req.mount.path}tidy/secret-id` }),
    operations: {
      update: {
        summary: 'Tidy secret ids.',
        handle: async () => {
          const removed = await ctx.secretIds.tidy();
          // Vault answers 202 and tidies in the background; ours is done when it answers.
          return { status: 202, data: null, warnings: [`tidy operation completed: ${removed} expired secret ids removed`] };
        },
      },
    },
  });

  return [generate, custom, lookup, destroy, accessorLookup, accessorDestroy, tidy];
}

async function destroySecretId(ctx: AppRoleContext, req: EngineRequest<{ role_name: string; secret_id: string }>) {
  const role = await requireRole(req);
  await ctx.secretIds.destroy(role.name, req.data.secret_id);
  return undefined;
}

async function destroyByAccessor(ctx: AppRoleContext, req: EngineRequest<{ role_name: string; secret_id_accessor: string }>) {
  const role = await requireRole(req);
  if (!(await ctx.secretIds.destroyByAccessor(role.name, req.data.secret_id_accessor))) throw notFound();
  return undefined;
}
