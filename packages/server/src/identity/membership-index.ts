import type { Group } from './identity-records.js';

/**
 * Reverse indexes of group membership: which groups list an entity, and which groups list a
 * group. Transitive membership is computed once per entity and cached until the next change.
 *
 * Nesting is acyclic when written through the store, but a cycle can still arrive from storage
 * written by another version or by hand. INVARIANT: every walk keeps a visited set, so a cycle
 * ends the walk instead of looping.
 */
export class MembershipIndex {
  private readonly directGroups = new Map<string, Set<string>>();
  private readonly parents = new Map<string, Set<string>>();
  private readonly cache = new Map<string, readonly string[]>();

  addGroup(group: Group): void {
    for (const m of group.memberEntityIds) add(this.directGroups, m, group.id);
    for (const m of group.memberGroupIds) add(this.parents, m, group.id);
  }

  removeGroup(group: Group): void {
    for (const m of group.memberEntityIds) remove(this.directGroups, m, group.id);
    for (const m of group.memberGroupIds) remove(this.parents, m, group.id);
  }

  /** Forgets computed memberships; called after every change. */
  invalidate(): void {
    this.cache.clear();
  }

  directGroupIdsOf(entityId: string): string[] {
    return [...(this.directGroups.get(entityId) ?? [])].sort();
  }

  parentsOf(groupId: string): string[] {
    return [...(this.parents.get(groupId) ?? [])].sort();
  }

  /** Every group the entity is in, directly or through nesting. */
  groupIdsOf(entityId: string): readonly string[] {
    let ids = this.cache.get(entityId);
    if (ids === undefined) {
      ids = Object.freeze([...this.walkUp(this.directGroups.get(entityId) ?? [])]);
      this.cache.set(entityId, ids);
    }
    return ids;
  }

  /** Every group that contains `groupId`, directly or through nesting (itself only if cyclic). */
  ancestorsOf(groupId: string): string[] {
    return [...this.walkUp(this.parents.get(groupId) ?? [])];
  }

  private walkUp(start: Iterable<string>): Set<string> {
    const seen = new Set<string>();
    const queue = [...start];
    for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
      if (seen.has(id)) continue;
      seen.add(id);
      for (const parent of this.parents.get(id) ?? []) if (!seen.has(parent)) queue.push(parent);
    }
    return seen;
  }
}

function add(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function remove(map: Map<string, Set<string>>, key: string, value: string): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
