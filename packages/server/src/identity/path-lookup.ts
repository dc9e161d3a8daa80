import { invalidRequest } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { FieldValues } from '../framework/fields.js';
import type { IdentityAlias } from './identity-records.js';
import type { IdentityStore } from './identity-store.js';
import { entityData, groupData } from './identity-render.js';
import { identityTarget } from './path-common.js';

const criteria = {
  name: { type: 'string', description: 'Name of the object.' },
  id: { type: 'string', description: 'ID of the object.' },
  alias_id: { type: 'string', description: 'ID of its alias.' },
  alias_name: { type: 'string', description: 'Name of its alias; with `alias_mount_accessor`.' },
  alias_mount_accessor: { type: 'string', description: 'Mount accessor of that alias; with `alias_name`.' },
} as const;

type Criteria = FieldValues<typeof criteria>;

/** How one kind of identity object is found by each criterion. */
interface Finder<T> {
  byName(name: string): T | undefined;
  byId(id: string): T | undefined;
  aliasById(id: string): IdentityAlias | undefined;
  aliasByName(mountAccessor: string, name: string): IdentityAlias | undefined;
}

/**
 * `identity/lookup/entity|group` (https://developer.hashicorp.com/vault/api-docs/secret/identity/lookup):
 * exactly one criterion — name, id, alias id, or alias name with its mount accessor (an entity
 * alias for entities, a group alias for groups); no match answers 204, as Vault's nil response
 * does. The Cedar resource is the lookup endpoint itself (`identity/lookup/entity`, action
 * `read`): naming the target would answer 403 or 204 depending on whether it exists.
 */
export function lookupPaths(store: IdentityStore): PathSpec[] {
  const entity = definePath({
    pattern: 'lookup/entity',
    fields: criteria,
    help: { synopsis: 'Look an entity up by name, id, alias id, or alias name and mount accessor.' },
    authz: (req) => ({ ...identityTarget(req, 'lookup/entity'), action: 'read' }),
    operations: {
      update: {
        summary: 'Look an entity up.',
        handle: async (req) => {
          const found = lookUp(req.data, {
            byName: (n) => store.entityByName(n),
            byId: (id) => store.entity(id),
            aliasById: (id) => store.alias(id),
            aliasByName: (m, n) => store.aliasByName(m, n),
          });
          return found ? { data: entityData(store, found) } : undefined;
        },
      },
    },
  });

  const group = definePath({
    pattern: 'lookup/group',
    fields: criteria,
    help: { synopsis: 'Look a group up by name, id, alias id, or alias name and mount accessor.' },
    authz: (req) => ({ ...identityTarget(req, 'lookup/group'), action: 'read' }),
    operations: {
      update: {
        summary: 'Look a group up.',
        handle: async (req) => {
          const found = lookUp(req.data, {
            byName: (n) => store.groupByName(n),
            byId: (id) => store.group(id),
            aliasById: (id) => store.groupAlias(id),
            aliasByName: (m, n) => store.groupAliasByName(m, n),
          });
          return found ? { data: groupData(store, found) } : undefined;
        },
      },
    },
  });

  return [entity, group];
}

/** The object the one criterion given names; Vault's 400s for none, several, or half an alias pair. */
function lookUp<T>(d: Criteria, find: Finder<T>): T | undefined {
  const byAlias = d.alias_name || d.alias_mount_accessor;
  const given = [d.name, d.id, d.alias_id, byAlias].filter(Boolean).length;
  if (given === 0) throw invalidRequest('one of `name`, `id`, `alias_id`, or `alias_name` with `alias_mount_accessor` is required');
  if (given > 1) throw invalidRequest('only one of `name`, `id`, `alias_id`, or `alias_name` with `alias_mount_accessor` may be given');
  if (byAlias && !(d.alias_name && d.alias_mount_accessor)) throw invalidRequest('`alias_name` and `alias_mount_accessor` must be given together');
  if (d.name) return find.byName(d.name);
  if (d.id) return find.byId(d.id);
  const alias = d.alias_id ? find.aliasById(d.alias_id) : find.aliasByName(d.alias_mount_accessor!, d.alias_name!);
  return alias && find.byId(alias.canonicalId);
}
