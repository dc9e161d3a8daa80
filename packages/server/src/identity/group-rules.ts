import { randomUUID } from 'node:crypto';
import { invalidRequest } from '../errors.js';
import type { AliasInput, Group, GroupAlias, GroupInput, GroupType } from './identity-records.js';

/**
 * Vault's rules for writing groups and group aliases
 * (https://developer.hashicorp.com/vault/api-docs/secret/identity/group and `group-alias`), as
 * pure functions: they check a write and build the records; the store locks and commits.
 */

/**
 * The type a group write leaves: the current type, which cannot change, else the requested one
 * (`internal` by default). An external group's members are set by logins, so a write setting
 * them is refused, as Vault does.
 */
export function groupType(input: GroupInput, current: Group | undefined): GroupType {
  const requested = input.type === undefined || input.type === '' ? undefined : input.type;
  if (requested !== undefined && requested !== 'internal' && requested !== 'external') throw invalidRequest(`invalid group type \`${requested}\``);
  if (current && requested !== undefined && requested !== current.type) throw invalidRequest('group type cannot be changed');
  const type = current?.type ?? requested ?? 'internal';
  if (type === 'external' && input.memberEntityIds !== undefined) throw invalidRequest("member entities can't be set manually for external groups");
  if (type === 'external' && input.memberGroupIds !== undefined) throw invalidRequest("member groups can't be set for external groups");
  return type;
}

/** What placing a group alias reads from the store. */
export interface GroupAliasView {
  group(id: string): Group | undefined;
  groupAlias(id: string): GroupAlias | undefined;
  groupAliasByName(mountAccessor: string, name: string): GroupAlias | undefined;
}

/** The groups a group-alias write changes: `target` gets the alias, `source` (when it moves) loses it. */
export interface GroupAliasPlan {
  readonly alias: GroupAlias;
  readonly target: Group;
  readonly source?: Group;
}

/**
 * Checks a group-alias write and builds its records: `name` and `mountAccessor` are required on
 * every write (as in Vault) and unique together; `canonicalId` must name an external group; a
 * new alias without one gets `newGroup()`, an update without one stays on its group. A group
 * has one alias, so the target's previous alias, if any, is replaced. Undefined when the write
 * changes nothing (Vault answers 204).
 */
export function planGroupAlias(view: GroupAliasView, input: AliasInput, now: string, newGroup: () => Group): GroupAliasPlan | undefined {
  const current = input.id ? view.groupAlias(input.id) : undefined;
  if (input.id && !current) throw invalidRequest(`group alias id \`${input.id}\` does not exist`);
  const { name, mountAccessor, canonicalId } = input;
  if (!name) throw invalidRequest('missing required field `name`');
  if (!mountAccessor) throw invalidRequest('missing required field `mount_accessor`');
  if (current && current.name === name && current.mountAccessor === mountAccessor && (!canonicalId || canonicalId === current.canonicalId)) return undefined;
  let target: Group | undefined;
  if (canonicalId) {
    target = view.group(canonicalId);
    if (!target) throw invalidRequest(`group id \`${canonicalId}\` given in \`canonical_id\` does not exist`);
    if (target.type !== 'external') throw invalidRequest("alias can't be set on an internal group");
  }
  const taken = view.groupAliasByName(mountAccessor, name);
  if (taken !== undefined && taken.id !== current?.id) throw invalidRequest('combination of mount and group alias name is already in use');
  const source = current && view.group(current.canonicalId);
  target ??= source ?? newGroup();
  const sameMount = current !== undefined && current.mountAccessor === mountAccessor;
  const alias: GroupAlias = {
    id: current?.id ?? randomUUID(),
    name,
    canonicalId: target.id,
    mountAccessor,
    mountType: input.mountType ?? (sameMount ? current.mountType : ''),
    mountPath: input.mountPath ?? (sameMount ? current.mountPath : ''),
    metadata: current?.metadata ?? {},
    creationTime: current?.creationTime ?? now,
    lastUpdateTime: now,
  };
  return {
    alias,
    target: { ...target, alias },
    ...(source && source.id !== target.id && { source: withoutAlias(source) }),
  };
}

/** A new, empty external group named `name`, for an alias created without `canonical_id`. */
export function newExternalGroup(name: string, now: string): Group {
  return {
    id: randomUUID(),
    name,
    type: 'external',
    policies: [],
    memberEntityIds: [],
    memberGroupIds: [],
    metadata: {},
    creationTime: now,
    lastUpdateTime: now,
    modifyIndex: 0,
  };
}

export function withoutAlias(group: Group): Group {
  const { alias: _dropped, ...rest } = group;
  return rest;
}
