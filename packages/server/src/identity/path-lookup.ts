import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { IdentityStore } from './identity-store.js';
import { entityData, groupData } from './identity-render.js';
import { identityTarget } from './path-common.js';

/**
 * `identity/lookup/entity|group` (https://developer.hashicorp.com/vault/api-docs/secret/identity/lookup):
 * exactly one criterion; no match answers 204, as Vault's nil response does.
 * The Cedar resource is the lookup endpoint itself (`identity/lookup/entity`, action `read`):
 * naming the target would answer 403 or 204 depending on whether it exists.
 */
export function lookupPaths(store: IdentityStore): PathSpec[] {
  const entity = definePath({
    pattern: 'lookup/entity',
    fields: {
      name: { type: 'string', description: 'Name of the entity.' },
      id: { type: 'string', description: 'ID of the entity.' },
      alias_id: { type: 'string', description: 'ID of one of its aliases.' },
      alias_name: { type: 'string', description: 'Name of one of its aliases; with `alias_mount_accessor`.' },
      alias_mount_accessor: { type: 'string', description: 'Mount accessor of that alias; with `alias_name`.' },
    },
    help: { synopsis: 'Look an entity up by name, id, alias id, or alias name and mount accessor.' },
    authz: (req) => ({ ...identityTarget(req, 'lookup/entity'), action: 'read' }),
    operations: {
      update: {
        summary: 'Look an entity up.',
        handle: async (req) => {
          const d = req.data;
          const byAlias = d.alias_name || d.alias_mount_accessor;
          const given = [d.name, d.id, d.alias_id, byAlias].filter(Boolean).length;
          if (given === 0) throw invalidRequest('one of `name`, `id`, `alias_id`, or `alias_name` with `alias_mount_accessor` is required');
          if (given > 1) throw invalidRequest('only one of `name`, `id`, `alias_id`, or `alias_name` with `alias_mount_accessor` may be given');
          if (byAlias && !(d.alias_name && d.alias_mount_accessor)) {
            throw invalidRequest('`alias_name` and `alias_mount_accessor` must be given together');
          }
          const found = d.name
            ? store.entityByName(d.name)
            : d.id
              ? store.entity(d.id)
              : d.alias_id
                ? lookupAliasOwner(store, store.alias(d.alias_id)?.canonicalId)
                : lookupAliasOwner(store, store.aliasByName(d.alias_mount_accessor!, d.alias_name!)?.canonicalId);
          return found ? { data: entityData(store, found) } : undefined;
        },
      },
    },
  });

  const group = definePath({
    pattern: 'lookup/group',
    fields: {
      name: { type: 'string', description: 'Name of the group.' },
      id: { type: 'string', description: 'ID of the group.' },
    },
    help: { synopsis: 'Look a group up by name or id.' },
    authz: (req) => ({ ...identityTarget(req, 'lookup/group'), action: 'read' }),
    operations: {
      update: {
        summary: 'Look a group up.',
        handle: async (req) => {
          const { name, id } = req.data;
          if (!name && !id) throw invalidRequest('one of `name` or `id` is required');
          if (name && id) throw invalidRequest('only one of `name` or `id` may be given');
          const found = name ? store.groupByName(name) : store.group(id!);
          return found ? { data: groupData(store, found) } : undefined;
        },
      },
    },
  });

  return [entity, group];
}

const lookupAliasOwner = (store: IdentityStore, entityId: string | undefined) =>
  entityId === undefined ? undefined : store.entity(entityId);
