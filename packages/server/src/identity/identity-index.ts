import { AliasIndex } from './alias-index.js';
import { cleanList, type Entity, type EntityAlias, type Group, type GroupAlias } from './identity-records.js';
import { MembershipIndex } from './membership-index.js';

/**
 * The read side of the identity store: entities, groups and their aliases indexed in memory by
 * id, name, alias and membership, so the authorizer can ask `groupsOf` on every request without
 * touching storage. `IdentityStore` extends it with the writes, which keep these indexes in step
 * with storage; code that only reads (rendering) takes this type.
 *
 * INVARIANT: only the store's commit changes the indexes, and it calls `forgetComputed` after
 * every change, so cached answers never outlive the records they were computed from.
 */
export class IdentityIndex {
  protected readonly entities = new Map<string, Entity>();
  protected readonly entityIdByName = new Map<string, string>();
  protected readonly entityAliases = new AliasIndex();
  protected readonly groupAliases = new AliasIndex();
  protected readonly groups = new Map<string, Group>();
  protected readonly groupIdByName = new Map<string, string>();
  protected readonly membership = new MembershipIndex();
  /** Entity id → `groupsOf` answer; cleared on every change. */
  private readonly groupNamesCache = new Map<string, string[]>();

  /** Names of every group `entityId` is in, directly or through nested groups; sorted. */
  groupsOf(entityId: string): string[] {
    let names = this.groupNamesCache.get(entityId);
    if (names === undefined) {
      names = this.membership.groupIdsOf(entityId).map((id) => this.groups.get(id)!.name).sort();
      this.groupNamesCache.set(entityId, names);
    }
    return [...names];
  }

  /** The entity's own policies plus those of all its groups (Vault's `identity_policies`). */
  policiesOf(entityId: string): string[] {
    const entity = this.entities.get(entityId);
    if (!entity) return [];
    const groupPolicies = this.membership.groupIdsOf(entityId).flatMap((id) => this.groups.get(id)!.policies);
    return cleanList([...entity.policies, ...groupPolicies]);
  }

  entity(id: string): Entity | undefined {
    return this.entities.get(id);
  }
  entityByName(name: string): Entity | undefined {
    const id = this.entityIdByName.get(name);
    return id === undefined ? undefined : this.entities.get(id);
  }
  entityIds(): string[] {
    return [...this.entities.keys()].sort();
  }
  entityNames(): string[] {
    return [...this.entityIdByName.keys()].sort();
  }
  /** Groups that list the entity as a member. */
  directGroupIds(entityId: string): string[] {
    return this.membership.directGroupIdsOf(entityId);
  }
  /** Groups the entity is in only through nesting. */
  inheritedGroupIds(entityId: string): string[] {
    const direct = new Set(this.directGroupIds(entityId));
    return this.membership.groupIdsOf(entityId).filter((id) => !direct.has(id)).sort();
  }

  alias(id: string): EntityAlias | undefined {
    const owner = this.entityAliases.ownerOf(id);
    return owner === undefined ? undefined : this.entities.get(owner)?.aliases.find((a) => a.id === id);
  }
  aliasByName(mountAccessor: string, name: string): EntityAlias | undefined {
    const id = this.entityAliases.idOf(mountAccessor, name);
    return id === undefined ? undefined : this.alias(id);
  }
  aliasIds(): string[] {
    return this.entityAliases.ids();
  }

  group(id: string): Group | undefined {
    return this.groups.get(id);
  }
  groupByName(name: string): Group | undefined {
    const id = this.groupIdByName.get(name);
    return id === undefined ? undefined : this.groups.get(id);
  }
  groupIds(): string[] {
    return [...this.groups.keys()].sort();
  }
  groupNames(): string[] {
    return [...this.groupIdByName.keys()].sort();
  }
  /** Groups that list the group as a member group. */
  parentGroupIds(groupId: string): string[] {
    return this.membership.parentsOf(groupId);
  }

  groupAlias(id: string): GroupAlias | undefined {
    const owner = this.groupAliases.ownerOf(id);
    return owner === undefined ? undefined : this.groups.get(owner)?.alias;
  }
  groupAliasByName(mountAccessor: string, name: string): GroupAlias | undefined {
    const id = this.groupAliases.idOf(mountAccessor, name);
    return id === undefined ? undefined : this.groupAlias(id);
  }
  groupAliasIds(): string[] {
    return this.groupAliases.ids();
  }

  // ---- index maintenance (the store's commits only) -------------------------------------------

  protected indexEntity(entity: Entity): void {
    this.entities.set(entity.id, entity);
    this.entityIdByName.set(entity.name, entity.id);
    for (const a of entity.aliases) this.entityAliases.add(entity.id, a);
  }

  protected unindexEntity(entity: Entity): void {
    this.entities.delete(entity.id);
    if (this.entityIdByName.get(entity.name) === entity.id) this.entityIdByName.delete(entity.name);
    for (const a of entity.aliases) this.entityAliases.remove(a);
  }

  protected indexGroup(group: Group): void {
    this.groups.set(group.id, group);
    this.groupIdByName.set(group.name, group.id);
    this.membership.addGroup(group);
    if (group.alias) this.groupAliases.add(group.id, group.alias);
  }

  protected unindexGroup(group: Group): void {
    this.groups.delete(group.id);
    if (this.groupIdByName.get(group.name) === group.id) this.groupIdByName.delete(group.name);
    this.membership.removeGroup(group);
    if (group.alias) this.groupAliases.remove(group.alias);
  }

  /** Swaps in new versions of groups: every old version goes before any new one is indexed, as an alias may move between them. */
  protected replaceGroups(next: readonly Group[]): void {
    for (const g of next) {
      const old = this.groups.get(g.id);
      if (old) this.unindexGroup(old);
    }
    for (const g of next) this.indexGroup(g);
  }

  /** Drops answers computed from the old records; called after every committed change. */
  protected forgetComputed(): void {
    this.membership.invalidate();
    this.groupNamesCache.clear();
  }
}
