import type { IdentityIndex } from './identity-index.js';
import type { Entity, Group, IdentityAlias } from './identity-records.js';

/**
 * Vault's response shapes for identity objects
 * (https://developer.hashicorp.com/vault/api-docs/secret/identity/entity and siblings).
 */

/** An entity alias or a group alias: Vault reads both with the same shape. */
export function aliasData(alias: IdentityAlias): Record<string, unknown> {
  return {
    id: alias.id,
    name: alias.name,
    canonical_id: alias.canonicalId,
    mount_accessor: alias.mountAccessor,
    mount_type: alias.mountType,
    mount_path: alias.mountPath,
    metadata: nullIfEmpty(alias.metadata),
    creation_time: alias.creationTime,
    last_update_time: alias.lastUpdateTime,
    merged_from_canonical_ids: null,
    namespace_id: 'root',
  };
}

export function entityData(store: IdentityIndex, entity: Entity): Record<string, unknown> {
  const direct = store.directGroupIds(entity.id);
  const inherited = store.inheritedGroupIds(entity.id);
  return {
    id: entity.id,
    name: entity.name,
    policies: [...entity.policies],
    metadata: nullIfEmpty(entity.metadata),
    disabled: entity.disabled,
    aliases: entity.aliases.map(aliasData),
    creation_time: entity.creationTime,
    last_update_time: entity.lastUpdateTime,
    direct_group_ids: direct,
    inherited_group_ids: inherited,
    group_ids: [...direct, ...inherited].sort(),
    merged_entity_ids: null,
    namespace_id: 'root',
  };
}

export function groupData(store: IdentityIndex, group: Group): Record<string, unknown> {
  return {
    id: group.id,
    name: group.name,
    type: group.type,
    policies: [...group.policies],
    metadata: nullIfEmpty(group.metadata),
    member_entity_ids: [...group.memberEntityIds],
    member_group_ids: [...group.memberGroupIds],
    parent_group_ids: store.parentGroupIds(group.id),
    // Vault shows an empty object for a group without an alias.
    alias: group.alias ? aliasData(group.alias) : {},
    creation_time: group.creationTime,
    last_update_time: group.lastUpdateTime,
    modify_index: group.modifyIndex,
    namespace_id: 'root',
  };
}

/** What a create or update of an entity answers: its id, name and alias ids. */
export const entityWriteData = (entity: Entity) => ({
  id: entity.id,
  name: entity.name,
  aliases: entity.aliases.length === 0 ? null : entity.aliases.map((a) => a.id),
});

/** What a create or update of an alias (entity or group) answers. */
export const aliasWriteData = (alias: IdentityAlias) => ({ id: alias.id, canonical_id: alias.canonicalId });

const nullIfEmpty = (m: Readonly<Record<string, string>>) => (Object.keys(m).length === 0 ? null : { ...m });
