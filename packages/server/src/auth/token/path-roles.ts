import { VaultError, invalidRequest } from '../../errors.js';
import { definePath, type PathSpec } from '../../framework/engine.js';
import type { FieldValues } from '../../framework/fields.js';
import type { StorageView } from '../../storage/storage-view.js';
import { parseTokenTypeSetting } from '../../framework/token-type.js';
import { sanitizePolicies } from './token-entry.js';
import { tokenResource } from './path-common.js';
import { newRole, readRole, roleData, roleKey, type TokenRole } from './token-role.js';

const roleFields = {
  role_name: { type: 'string', description: 'Name of the role.', required: true },
  allowed_policies: { type: 'strings', description: 'Policies tokens from this role may have, instead of a subset of the caller\'s.' },
  disallowed_policies: { type: 'strings', description: 'Policies tokens from this role may not have; `default` here stops it being added.' },
  orphan: { type: 'bool', description: 'Tokens from this role have no parent.' },
  renewable: { type: 'bool', description: 'Tokens from this role may be renewed (default true).' },
  path_suffix: { type: 'string', description: 'Appended to the creation path of tokens from this role.' },
  token_explicit_max_ttl: { type: 'duration', description: 'Hard lifetime limit of tokens from this role.' },
  explicit_max_ttl: { type: 'duration', description: 'Deprecated name of `token_explicit_max_ttl`.' },
  token_period: { type: 'duration', description: 'Makes tokens from this role periodic.' },
  period: { type: 'duration', description: 'Deprecated name of `token_period`.' },
  token_no_default_policy: { type: 'bool', description: 'Do not add the `default` policy.' },
  token_num_uses: { type: 'int', description: 'Use limit of tokens from this role (0 = unlimited).' },
  token_type: { type: 'string', description: '`service`, `batch`, `default-service` (the default) or `default-batch`.' },
} as const;

const rolePath = definePath({
  pattern: 'roles/:role_name',
  fields: roleFields,
  help: {
    synopsis: 'Create, read, update or delete a token role.',
    description: 'Roles let `auth/token/create/:role_name` issue tokens with settings the caller could not choose directly.',
  },
  authz: (req) => ({
    action: req.operation === 'read' ? 'read' : req.operation === 'delete' ? 'delete' : 'update',
    resource: tokenResource(req, `roles/${req.data.role_name}`),
  }),
  exists: async (req) => (await readRole(req.storage, req.data.role_name)) !== undefined,
  operations: {
    read: {
      summary: 'Read a token role.',
      handle: async (req) => {
        const role = await readRole(req.storage, req.data.role_name);
        if (!role) throw new VaultError('not_found', '');
        return { data: roleData(role) };
      },
    },
    create: { summary: 'Create a token role.', handle: (req) => writeRole(req.storage, req.data) },
    update: { summary: 'Update a token role.', handle: (req) => writeRole(req.storage, req.data) },
    delete: {
      summary: 'Delete a token role.',
      handle: async (req) => {
        await req.storage.delete(roleKey(req.data.role_name));
        return undefined;
      },
    },
  },
});

async function writeRole(storage: StorageView, d: FieldValues<typeof roleFields>): Promise<undefined> {
  if (d.role_name === '') throw invalidRequest('role name cannot be empty');
  const role: TokenRole = (await readRole(storage, d.role_name)) ?? newRole(d.role_name);
  if (d.allowed_policies !== undefined) role.allowedPolicies = sanitizePolicies(d.allowed_policies, false);
  if (d.disallowed_policies !== undefined) role.disallowedPolicies = sanitizePolicies(d.disallowed_policies, false);
  if (d.orphan !== undefined) role.orphan = d.orphan;
  if (d.renewable !== undefined) role.renewable = d.renewable;
  if (d.path_suffix !== undefined) {
    if (d.path_suffix.includes('..')) throw invalidRequest('`path_suffix` cannot contain `..`');
    role.pathSuffix = d.path_suffix.replace(/^\/+|\/+$/g, '');
  }
  const explicitMax = d.token_explicit_max_ttl ?? d.explicit_max_ttl;
  if (explicitMax !== undefined) role.explicitMaxTtl = explicitMax;
  const period = d.token_period ?? d.period;
  if (period !== undefined) role.period = period;
  if (d.token_no_default_policy !== undefined) role.noDefaultPolicy = d.token_no_default_policy;
  if (d.token_num_uses !== undefined) {
    if (d.token_num_uses < 0) throw invalidRequest('`token_num_uses` cannot be negative');
    role.numUses = d.token_num_uses;
  }
  if (d.token_type !== undefined && d.token_type !== '') role.tokenType = parseTokenTypeSetting(d.token_type);
  assertBatchRole(role);
  await storage.putJson(roleKey(role.name), role);
  return undefined;
}

/**
 * A role that always issues batch tokens must not promise what they cannot do; Vault refuses
 * the same combinations when the role is written. (`default-batch` roles may: the request's
 * `type` can still ask for a service token.)
 */
function assertBatchRole(role: TokenRole): void {
  if (role.tokenType !== 'batch') return;
  const refuse = (what: string) => invalidRequest(`\`token_type\` cannot be \`batch\` when role is set to generate ${what}`);
  if (!role.orphan) throw refuse('non-orphan tokens');
  if (role.period !== 0) throw refuse('periodic tokens');
  if (role.renewable) throw refuse('renewable tokens');
  if (role.explicitMaxTtl !== 0) throw refuse('tokens with an explicit max TTL');
  if (role.numUses !== 0) throw refuse('tokens with a use limit');
}

const rolesListPath = definePath({
  pattern: 'roles',
  fields: {},
  help: { synopsis: 'List token roles.' },
  authz: (req) => ({ action: 'list', resource: tokenResource(req, 'roles') }),
  operations: {
    list: {
      summary: 'List token roles.',
      handle: async (req) => {
        const keys = (await req.storage.list('roles/')).filter((k) => !k.endsWith('/'));
        // Vault answers an empty list with 404 and no errors (spec §0 trap 3).
        if (keys.length === 0) throw new VaultError('not_found', '');
        return { data: { keys } };
      },
    },
  },
});

export const rolePaths: readonly PathSpec[] = [rolesListPath, rolePath];
