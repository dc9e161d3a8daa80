import type { Group, GroupAlias } from './identity-records.js';

/** What the external-group sync reads from the identity store. */
export interface ExternalGroupView {
  group(id: string): Group | undefined;
  directGroupIds(entityId: string): string[];
  groupAliasByName(mountAccessor: string, name: string): GroupAlias | undefined;
}

/** One membership the sync changes: the entity joins or leaves `group`. */
export interface MembershipChange {
  readonly group: Group;
  readonly join: boolean;
}

/**
 * What a login through `mountAccessor` bringing the group names `names` changes, as Vault's core
 * does on every login (https://developer.hashicorp.com/vault/docs/concepts/identity#external-vs-internal-groups):
 * the entity joins each external group whose alias is `(mountAccessor, name)` for one of
 * `names`, and leaves the external groups it is in that are not among them. External groups
 * aliased on another mount are that mount's to sync and are kept; an external group that has
 * lost its alias can no longer justify a membership, so the entity leaves it (Vault does too).
 * Internal groups are never touched. Pure: the store applies the changes.
 */
export function externalGroupChanges(view: ExternalGroupView, entityId: string, mountAccessor: string, names: readonly string[]): MembershipChange[] {
  const wanted = new Set<string>();
  for (const name of names) {
    const alias = view.groupAliasByName(mountAccessor, name);
    if (alias && view.group(alias.canonicalId)?.type === 'external') wanted.add(alias.canonicalId);
  }
  const changes: MembershipChange[] = [];
  const current = new Set(view.directGroupIds(entityId));
  for (const id of current) {
    const group = view.group(id);
    if (!group || group.type !== 'external' || wanted.has(id)) continue;
    if (group.alias && group.alias.mountAccessor !== mountAccessor) continue;
    changes.push({ group, join: false });
  }
  for (const id of wanted) if (!current.has(id)) changes.push({ group: view.group(id)!, join: true });
  return changes;
}
