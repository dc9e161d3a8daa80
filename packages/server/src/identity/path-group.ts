import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { FieldValues } from '../framework/fields.js';
import type { GroupInput } from './identity-records.js';
import type { IdentityStore } from './identity-store.js';
import { groupData } from './identity-render.js';
import { identityTarget, listResponse, missing } from './path-common.js';

const writeFields = {
  name: { type: 'string', description: 'Name of the group; `group_<id prefix>` when not given.' },
  type: { type: 'string', description: '`internal` (default) or `external` (members set by logins through its alias); fixed at creation.' },
  metadata: { type: 'kvpairs', description: 'Metadata of the group.' },
  policies: { type: 'strings', description: 'Policies of the group (Cedar `Role::` names).' },
  member_entity_ids: { type: 'strings', description: 'Entities in the group (internal groups only).' },
  member_group_ids: { type: 'strings', description: 'Groups in the group; their members are members too (internal groups only).' },
} as const;

type WriteValues = FieldValues<typeof writeFields>;

const toInput = (d: WriteValues): GroupInput => ({
  ...(d.name !== undefined && { name: d.name }),
  ...(d.type !== undefined && { type: d.type }),
  ...(d.metadata !== undefined && { metadata: d.metadata }),
  ...(d.policies !== undefined && { policies: d.policies }),
  ...(d.member_entity_ids !== undefined && { memberEntityIds: d.member_entity_ids }),
  ...(d.member_group_ids !== undefined && { memberGroupIds: d.member_group_ids }),
});

const written = ({ group }: { group: { id: string; name: string } }) => ({ data: { id: group.id, name: group.name } });

/** `identity/group*` (https://developer.hashicorp.com/vault/api-docs/secret/identity/group). */
export function groupPaths(store: IdentityStore): PathSpec[] {
  const nameOf = (id: string) => store.group(id)?.name ?? id;

  const register = definePath({
    pattern: 'group',
    fields: { ...writeFields, id: { type: 'string', description: 'ID of an existing group to update.' } },
    help: { synopsis: 'Create a group, or update one by id or name.' },
    authz: (req) => identityTarget(req, 'group', req.data.id ? nameOf(req.data.id) : req.data.name),
    exists: async (req) => (req.data.id ? store.group(req.data.id) : req.data.name ? store.groupByName(req.data.name) : undefined) !== undefined,
    operations: {
      create: { summary: 'Create a group.', handle: async (req) => written(await store.upsertGroup(toInput(req.data))) },
      update: {
        summary: 'Update a group.',
        handle: async (req) => written(await store.upsertGroup({ ...toInput(req.data), ...(req.data.id && { id: req.data.id }) })),
      },
    },
  });

  const byId = definePath({
    pattern: 'group/id/:id',
    fields: { ...writeFields, id: { type: 'string', description: 'ID of the group.', required: true } },
    help: { synopsis: 'Read, update or delete a group by id.' },
    authz: (req) => identityTarget(req, 'group', nameOf(req.data.id)),
    operations: {
      read: {
        summary: 'Read a group by id.',
        handle: async (req) => {
          const group = store.group(req.data.id);
          if (!group) throw missing();
          return { data: groupData(store, group) };
        },
      },
      update: {
        summary: 'Update a group by id.',
        handle: async (req) => written(await store.upsertGroup({ ...toInput(req.data), id: req.data.id })),
      },
      delete: {
        summary: 'Delete a group by id.',
        handle: async (req) => {
          await store.deleteGroup(req.data.id);
          return undefined;
        },
      },
    },
  });

  const byName = definePath({
    pattern: 'group/name/:name',
    fields: { ...writeFields, name: { type: 'string', description: 'Name of the group.', required: true } },
    help: { synopsis: 'Create, read, update or delete a group by name.' },
    authz: (req) => identityTarget(req, 'group', req.data.name),
    exists: async (req) => store.groupByName(req.data.name) !== undefined,
    operations: {
      read: {
        summary: 'Read a group by name.',
        handle: async (req) => {
          const group = store.groupByName(req.data.name);
          if (!group) throw missing();
          return { data: groupData(store, group) };
        },
      },
      create: { summary: 'Create a group by name.', handle: (req) => writeByName(store, req.data) },
      update: { summary: 'Update a group by name.', handle: (req) => writeByName(store, req.data) },
      delete: {
        summary: 'Delete a group by name.',
        handle: async (req) => {
          const group = store.groupByName(req.data.name);
          if (group) await store.deleteGroup(group.id);
          return undefined;
        },
      },
    },
  });

  const listIds = definePath({
    pattern: 'group/id',
    fields: {},
    help: { synopsis: 'List group ids.' },
    authz: (req) => identityTarget(req, 'group'),
    operations: { list: { summary: 'List group ids.', handle: async () => listResponse(store.groupIds()) } },
  });

  const listNames = definePath({
    pattern: 'group/name',
    fields: {},
    help: { synopsis: 'List group names.' },
    authz: (req) => identityTarget(req, 'group'),
    operations: { list: { summary: 'List group names.', handle: async () => listResponse(store.groupNames()) } },
  });

  return [register, byId, byName, listIds, listNames];
}

async function writeByName(store: IdentityStore, d: WriteValues & { name: string }) {
  if (d.name === '') throw invalidRequest('group name cannot be empty');
  return written(await store.upsertGroup(toInput(d)));
}
