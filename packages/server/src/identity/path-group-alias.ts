import { definePath, type PathSpec } from '../framework/engine.js';
import type { IdentityStore } from './identity-store.js';
import { aliasData, aliasWriteData } from './identity-render.js';
import { aliasInput, identityTarget, listResponse, missing, type AliasFields, type MountLookup } from './path-common.js';

const writeFields = {
  name: { type: 'string', description: 'The group name at the identity provider (a groups-claim value, an LDAP group).' },
  canonical_id: { type: 'string', description: 'ID of the external group the alias belongs to; a new group when not given.' },
  mount_accessor: { type: 'string', description: 'Accessor of the auth mount whose logins bring the name.' },
} as const;

/**
 * `identity/group-alias*` (https://developer.hashicorp.com/vault/api-docs/secret/identity/group-alias):
 * the names by which logins through an auth mount make their entity a member of an external group.
 */
export function groupAliasPaths(store: IdentityStore, mounts: MountLookup | undefined): PathSpec[] {
  // An `id` that names no alias is a 400 on either operation, never a silent create.
  const write = async (d: AliasFields & { id?: string | undefined }) => {
    const alias = await store.upsertGroupAlias({ ...aliasInput(mounts, d), ...(d.id && { id: d.id }) });
    return alias ? { data: aliasWriteData(alias) } : undefined;
  };

  const register = definePath({
    pattern: 'group-alias',
    fields: { ...writeFields, id: { type: 'string', description: 'ID of an existing group alias to update.' } },
    help: { synopsis: 'Create a group alias, or update one by id.' },
    authz: (req) => identityTarget(req, 'group-alias', req.data.id),
    exists: async (req) => req.data.id !== undefined && store.groupAlias(req.data.id) !== undefined,
    operations: {
      create: { summary: 'Create a group alias.', handle: (req) => write(req.data) },
      update: { summary: 'Update a group alias.', handle: (req) => write(req.data) },
    },
  });

  const byId = definePath({
    pattern: 'group-alias/id/:id',
    fields: { ...writeFields, id: { type: 'string', description: 'ID of the group alias.', required: true } },
    help: { synopsis: 'Read, update or delete a group alias by id.' },
    authz: (req) => identityTarget(req, 'group-alias', req.data.id),
    operations: {
      read: {
        summary: 'Read a group alias.',
        handle: async (req) => {
          const alias = store.groupAlias(req.data.id);
          if (!alias) throw missing();
          return { data: aliasData(alias) };
        },
      },
      update: { summary: 'Update a group alias.', handle: (req) => write(req.data) },
      delete: {
        summary: 'Delete a group alias; its group stays.',
        handle: async (req) => {
          await store.deleteGroupAlias(req.data.id);
          return undefined;
        },
      },
    },
  });

  const list = definePath({
    pattern: 'group-alias/id',
    fields: {},
    help: { synopsis: 'List group alias ids.' },
    authz: (req) => identityTarget(req, 'group-alias'),
    operations: { list: { summary: 'List group alias ids.', handle: async () => listResponse(store.groupAliasIds()) } },
  });

  return [register, byId, list];
}
