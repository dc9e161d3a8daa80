import { definePath, type PathSpec } from '../framework/engine.js';
import type { EntityAlias } from './identity-records.js';
import type { IdentityStore } from './identity-store.js';
import { aliasData, aliasWriteData } from './identity-render.js';
import { aliasInput, identityTarget, listResponse, missing, type AliasFields, type MountLookup } from './path-common.js';

const writeFields = {
  name: { type: 'string', description: 'The login name on the auth method (a username, a role id).' },
  canonical_id: { type: 'string', description: 'ID of the entity the alias belongs to.' },
  mount_accessor: { type: 'string', description: 'Accessor of the auth mount the alias belongs to.' },
} as const;

/** `identity/entity-alias*` (https://developer.hashicorp.com/vault/api-docs/secret/identity/entity-alias). */
export function entityAliasPaths(store: IdentityStore, mounts: MountLookup | undefined): PathSpec[] {
  const toInput = (d: AliasFields) => aliasInput(mounts, d);
  const written = (alias: EntityAlias) => ({ data: aliasWriteData(alias) });

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
