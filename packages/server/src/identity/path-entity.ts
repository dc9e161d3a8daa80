import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { FieldValues } from '../framework/fields.js';
import type { IdentityStore } from './identity-store.js';
import { entityData, entityWriteData } from './identity-render.js';
import { identityTarget, listResponse, missing } from './path-common.js';

const writeFields = {
  name: { type: 'string', description: 'Name of the entity; `entity_<id prefix>` when not given.' },
  metadata: { type: 'kvpairs', description: 'Metadata of the entity.' },
  policies: { type: 'strings', description: 'Policies of the entity (Cedar `Role::` names).' },
  disabled: { type: 'bool', description: 'Tokens of a disabled entity cannot be used.' },
} as const;

type WriteValues = FieldValues<typeof writeFields>;

const input = (d: WriteValues) => ({
  ...(d.name !== undefined && { name: d.name }),
  ...(d.metadata !== undefined && { metadata: d.metadata }),
  ...(d.policies !== undefined && { policies: d.policies }),
  ...(d.disabled !== undefined && { disabled: d.disabled }),
});

/** `identity/entity*` (https://developer.hashicorp.com/vault/api-docs/secret/identity/entity). */
export function entityPaths(store: IdentityStore): PathSpec[] {
  const nameOf = (id: string) => store.entity(id)?.name ?? id;

  const register = definePath({
    pattern: 'entity',
    fields: { ...writeFields, id: { type: 'string', description: 'ID of an existing entity to update.' } },
    help: { synopsis: 'Create an entity, or update one by id or name.' },
    authz: (req) => identityTarget(req, 'entity', req.data.id ? nameOf(req.data.id) : req.data.name),
    exists: async (req) => (req.data.id ? store.entity(req.data.id) : req.data.name ? store.entityByName(req.data.name) : undefined) !== undefined,
    operations: {
      create: {
        summary: 'Create an entity.',
        handle: async (req) => ({ data: entityWriteData((await store.upsertEntity(input(req.data))).entity) }),
      },
      update: {
        summary: 'Update an entity.',
        handle: async (req) => {
          const { entity } = await store.upsertEntity({ ...input(req.data), ...(req.data.id && { id: req.data.id }) });
          return { data: entityWriteData(entity) };
        },
      },
    },
  });

  const byId = definePath({
    pattern: 'entity/id/:id',
    fields: { ...writeFields, id: { type: 'string', description: 'ID of the entity.', required: true } },
    help: { synopsis: 'Read, update or delete an entity by id.' },
    authz: (req) => identityTarget(req, 'entity', nameOf(req.data.id)),
    operations: {
      read: {
        summary: 'Read an entity by id.',
        handle: async (req) => {
          const entity = store.entity(req.data.id);
          if (!entity) throw missing();
          return { data: entityData(store, entity) };
        },
      },
      update: {
        summary: 'Update an entity by id.',
        handle: async (req) => ({ data: entityWriteData((await store.upsertEntity({ ...input(req.data), id: req.data.id })).entity) }),
      },
      delete: {
        summary: 'Delete an entity and its aliases.',
        handle: async (req) => {
          await store.deleteEntity(req.data.id);
          return undefined;
        },
      },
    },
  });

  const byName = definePath({
    pattern: 'entity/name/:name',
    fields: { ...writeFields, name: { type: 'string', description: 'Name of the entity.', required: true } },
    help: { synopsis: 'Create, read, update or delete an entity by name.' },
    authz: (req) => identityTarget(req, 'entity', req.data.name),
    exists: async (req) => store.entityByName(req.data.name) !== undefined,
    operations: {
      read: {
        summary: 'Read an entity by name.',
        handle: async (req) => {
          const entity = store.entityByName(req.data.name);
          if (!entity) throw missing();
          return { data: entityData(store, entity) };
        },
      },
      create: { summary: 'Create an entity by name.', handle: (req) => writeByName(store, req.data) },
      update: { summary: 'Update an entity by name.', handle: (req) => writeByName(store, req.data) },
      delete: {
        summary: 'Delete an entity by name.',
        handle: async (req) => {
          const entity = store.entityByName(req.data.name);
          if (entity) await store.deleteEntity(entity.id);
          return undefined;
        },
      },
    },
  });

  const listIds = definePath({
    pattern: 'entity/id',
    fields: {},
    help: { synopsis: 'List entity ids.' },
    authz: (req) => identityTarget(req, 'entity'),
    operations: { list: { summary: 'List entity ids.', handle: async () => listResponse(store.entityIds()) } },
  });

  const listNames = definePath({
    pattern: 'entity/name',
    fields: {},
    help: { synopsis: 'List entity names.' },
    authz: (req) => identityTarget(req, 'entity'),
    operations: { list: { summary: 'List entity names.', handle: async () => listResponse(store.entityNames()) } },
  });

  return [register, byId, byName, listIds, listNames];
}

async function writeByName(store: IdentityStore, d: WriteValues & { name: string }) {
  if (d.name === '') throw invalidRequest('entity name cannot be empty');
  const { entity } = await store.upsertEntity(input(d));
  return { data: entityWriteData(entity) };
}
