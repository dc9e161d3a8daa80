import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { AliasInput } from './identity-records.js';
import type { IdentityStore } from './identity-store.js';
import { aliasData } from './identity-render.js';
import { identityTarget, listResponse, missing, type MountLookup } from './path-common.js';

const writeFields = {
  name: { type: 'string', description: 'The login name on the auth method (a username, a role id).' },
  canonical_id: { type: 'string', description: 'ID of the entity the alias belongs to.' },
  mount_accessor: { type: 'string', description: 'Accessor of the auth mount the alias belongs to.' },
} as const;

/** `identity/entity-alias*` (https://developer.hashicorp.com/vault/api-docs/secret/identity/entity-alias). */
export function entityAliasPaths(store: IdentityStore, mounts: MountLookup | undefined): PathSpec[] {
  const toInput = (d: { name?: string | undefined; canonical_id?: string | undefined; mount_accessor?: string | undefined }): AliasInput => {
    const input: AliasInput = {};
    if (d.name) input.name = d.name;
    if (d.canonical_id) input.canonicalId = d.canonical_id;
    if (d.mount_accessor) {
      input.mountAccessor = d.mount_accessor;
      if (mounts) {
        const mount = mounts(d.mount_accessor);
        if (!mount) throw invalidRequest(`invalid mount accessor \`${d.mount_accessor}\``);
        input.mountType = mount.type;
        input.mountPath = mount.path;
      }
    }
    return input;
  };
  const written = (alias: { id: string; canonicalId: string }) => ({ data: { id: alias.id, canonical_id: alias.canonicalId } });

  const register = definePath({
    pattern: 'entity-alias',
    fields: { ...writeFields, id: { type: 'string', description: 'ID of an existing alias to update.' } },
    help: { synopsis: 'Create an entity alias, or update one by id.' },
    authz: (req) => identityTarget(req, 'entity-alias', req.data.id),
    exists: async (req) => req.data.id !== undefined && store.alias(req.data.id) !== undefined,
    operations: {
      create: { summary: 'Create an entity alias.', handle: async (req) => written(await store.upsertAlias(toInput(req.data))) },
      update: {
        summary: 'Update an entity alias.',
        handle: async (req) => written(await store.upsertAlias({ ...toInput(req.data), id: req.data.id! })),
      },
    },
  });

  const byId = definePath({
    pattern: 'entity-alias/id/:id',
    fields: { ...writeFields, id: { type: 'string', description: 'ID of the alias.', required: true } },
    help: { synopsis: 'Read, update or delete an entity alias by id.' },
    authz: (req) => identityTarget(req, 'entity-alias', req.data.id),
    operations: {
      read: {
        summary: 'Read an entity alias.',
        handle: async (req) => {
          const alias = store.alias(req.data.id);
          if (!alias) throw missing();
          return { data: aliasData(alias) };
        },
      },
      update: {
        summary: 'Update an entity alias.',
        handle: async (req) => written(await store.upsertAlias({ ...toInput(req.data), id: req.data.id })),
      },
      delete: {
        summary: 'Delete an entity alias.',
        handle: async (req) => {
          await store.deleteAlias(req.data.id);
          return undefined;
        },
      },
    },
  });

  const list = definePath({
    pattern: 'entity-alias/id',
    fields: {},
    help: { synopsis: 'List entity alias ids.' },
    authz: (req) => identityTarget(req, 'entity-alias'),
    operations: { list: { summary: 'List entity alias ids.', handle: async () => listResponse(store.aliasIds()) } },
  });

  return [register, byId, list];
}
