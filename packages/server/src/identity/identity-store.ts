import { randomUUID } from 'node:crypto';
import { invalidRequest } from '../errors.js';
import type { Clock } from '../framework/engine.js';
import type { StorageOp } from '../storage/storage-backend.js';
import { encodeJson, type StorageView } from '../storage/storage-view.js';
import { externalGroupChanges } from './external-groups.js';
import { groupType, newExternalGroup, planGroupAlias, withoutAlias } from './group-rules.js';
import { IdentityIndex } from './identity-index.js';
import {
  cleanList,
  type AliasInput,
  type Entity,
  type EntityAlias,
  type EntityInput,
  type Group,
  type GroupAlias,
  type GroupInput,
  type LoginAliasRequest,
} from './identity-records.js';

const systemClock: Clock = { now: () => Date.now() };
const ENTITY = 'entity/';
const GROUP = 'group/';

/**
 * Entities, groups and their aliases, persisted through the view the composition root hands it
 * (a barrier view such as `sys/identity/`) and mirrored in the in-memory indexes it extends
 * (`IdentityIndex`, which answers every query).
 *
 * Aliases are stored inside their entity's or group's record, so deleting an entity or a group
 * never leaves an alias pointing nowhere. Storage keys are ids (uuids), never names: storage
 * paths are not encrypted.
 *
 * INVARIANT: memory changes only after the storage write it mirrors has succeeded, and every
 * mutation runs under one in-process lock (only the active node serves; standbys rebuild from
 * storage when they become active).
 */
export class IdentityStore extends IdentityIndex {
  private readonly listeners = new Set<() => void>();
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly storage: StorageView,
    private readonly clock: Clock,
  ) {
    super();
  }

  /** Loads every entity and group from `storage`. */
  static async open(storage: StorageView, clock: Clock = systemClock): Promise<IdentityStore> {
    const store = new IdentityStore(storage, clock);
    for await (const key of storage.keys(ENTITY)) {
      const entity = await storage.getJson<Entity>(key);
      if (entity) store.indexEntity(entity);
    }
    for await (const key of storage.keys(GROUP)) {
      const group = await storage.getJson<Group>(key);
      if (group) store.indexGroup(group);
    }
    return store;
  }

  /** Calls `listener` after any change to entities, aliases or groups. Returns an unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---- logins --------------------------------------------------------------------------------

  /**
   * The entity behind a login, as Vault's core does on every login: the alias `(mountAccessor,
   * aliasName)` if it exists, else a new entity named `entity_<id prefix>` with that alias.
   * Alias metadata is refreshed when the login brings different metadata.
   */
  async findOrCreateForLogin(req: LoginAliasRequest): Promise<Entity> {
    if (req.aliasName === '') throw invalidRequest('alias name cannot be empty');
    const found = this.aliasByName(req.mountAccessor, req.aliasName);
    if (found && sameMetadata(found.metadata, req.aliasMetadata)) return this.entities.get(found.canonicalId)!;
    return this.locked(async () => {
      const alias = this.aliasByName(req.mountAccessor, req.aliasName);
      if (alias) {
        if (sameMetadata(alias.metadata, req.aliasMetadata)) return this.entities.get(alias.canonicalId)!;
        await this.writeAlias(alias, { metadata: req.aliasMetadata ?? {} });
        return this.entities.get(alias.canonicalId)!;
      }
      const now = this.nowIso();
      const id = randomUUID();
      const entity: Entity = {
        id,
        name: this.freeName('entity', this.entityIdByName),
        policies: [],
        metadata: {},
        disabled: false,
        aliases: [
          {
            id: randomUUID(),
            name: req.aliasName,
            canonicalId: id,
            mountAccessor: req.mountAccessor,
            mountType: req.mountType,
            mountPath: req.mountPath ?? '',
            metadata: { ...req.aliasMetadata },
            creationTime: now,
            lastUpdateTime: now,
          },
        ],
        creationTime: now,
        lastUpdateTime: now,
      };
      await this.commit([put(ENTITY + id, entity)], () => this.indexEntity(entity));
      return entity;
    });
  }

  /**
   * Puts the entity in exactly the external groups a login through `mountAccessor` names (see
   * `externalGroupChanges`). A login that changes nothing writes nothing, so repeated logins
   * cost no storage write and do not invalidate cached decisions.
   */
  async syncExternalGroups(entityId: string, mountAccessor: string, names: readonly string[]): Promise<void> {
    if (externalGroupChanges(this, entityId, mountAccessor, names).length === 0) return;
    await this.locked(async () => {
      // Planned again under the lock: another request may have changed groups meanwhile.
      if (!this.entities.has(entityId)) return;
      const changed = externalGroupChanges(this, entityId, mountAccessor, names).map(({ group, join }) =>
        this.bump(group, {
          memberEntityIds: join ? cleanList([...group.memberEntityIds, entityId]) : group.memberEntityIds.filter((m) => m !== entityId),
        }),
      );
      if (changed.length === 0) return;
      await this.commit(changed.map((g) => put(GROUP + g.id, g)), () => this.replaceGroups(changed));
    });
  }

  // ---- entities ------------------------------------------------------------------------------

  /**
   * Creates or updates an entity: by `id` when given (which must exist), else by `name` when an
   * entity has it, else a new entity. Fields left undefined keep their value.
   */
  upsertEntity(input: EntityInput): Promise<{ entity: Entity; created: boolean }> {
    return this.locked(async () => {
      let current: Entity | undefined;
      if (input.id !== undefined && input.id !== '') {
        current = this.entities.get(input.id);
        if (!current) throw invalidRequest(`entity id \`${input.id}\` does not exist`);
      } else if (input.name !== undefined && input.name !== '') {
        current = this.entityByName(input.name);
      }
      const now = this.nowIso();
      const id = current?.id ?? randomUUID();
      const name = input.name !== undefined && input.name !== '' ? input.name : current?.name ?? this.freeName('entity', this.entityIdByName);
      const holder = this.entityIdByName.get(name);
      if (holder !== undefined && holder !== id) throw invalidRequest(`entity name \`${name}\` is already in use`);
      const entity: Entity = {
        id,
        name,
        policies: input.policies !== undefined ? cleanList(input.policies) : current?.policies ?? [],
        metadata: input.metadata !== undefined ? { ...input.metadata } : current?.metadata ?? {},
        disabled: input.disabled ?? current?.disabled ?? false,
        aliases: current?.aliases ?? [],
        creationTime: current?.creationTime ?? now,
        lastUpdateTime: now,
      };
      await this.commit([put(ENTITY + id, entity)], () => {
        if (current) this.unindexEntity(current);
        this.indexEntity(entity);
      });
      return { entity, created: current === undefined };
    });
  }

  /** Deletes an entity, its aliases and its group memberships. False when it did not exist. */
  deleteEntity(id: string): Promise<boolean> {
    return this.locked(async () => {
      const entity = this.entities.get(id);
      if (!entity) return false;
      const touched = this.membership.directGroupIdsOf(id).map((gid) => {
        const g = this.groups.get(gid)!;
        return this.bump(g, { memberEntityIds: g.memberEntityIds.filter((m) => m !== id) });
      });
      await this.commit([{ type: 'delete', key: ENTITY + id }, ...touched.map((g) => put(GROUP + g.id, g))], () => {
        this.unindexEntity(entity);
        this.replaceGroups(touched);
      });
      return true;
    });
  }

  // ---- aliases -------------------------------------------------------------------------------

  /**
   * Creates an alias (no `id`) or updates one (`id`). An entity has at most one alias per mount,
   * and `(mountAccessor, name)` belongs to one alias, as in Vault.
   */
  upsertAlias(input: AliasInput): Promise<EntityAlias> {
    return this.locked(async () => {
      if (input.id !== undefined && input.id !== '') {
        const current = this.alias(input.id);
        if (!current) throw invalidRequest(`entity alias id \`${input.id}\` does not exist`);
        return this.writeAlias(current, input);
      }
      if (!input.name) throw invalidRequest('missing required field `name`');
      if (!input.mountAccessor) throw invalidRequest('missing required field `mount_accessor`');
      if (!input.canonicalId) throw invalidRequest('missing required field `canonical_id`');
      const now = this.nowIso();
      const draft: EntityAlias = {
        id: randomUUID(),
        name: input.name,
        canonicalId: input.canonicalId,
        mountAccessor: input.mountAccessor,
        mountType: input.mountType ?? '',
        mountPath: input.mountPath ?? '',
        metadata: { ...input.metadata },
        creationTime: now,
        lastUpdateTime: now,
      };
      return this.placeAlias(draft, undefined);
    });
  }

  /** Deletes an alias; its entity stays. False when it did not exist. */
  deleteAlias(id: string): Promise<boolean> {
    return this.locked(async () => {
      const alias = this.alias(id);
      if (!alias) return false;
      const owner = this.entities.get(alias.canonicalId)!;
      const next = { ...owner, aliases: owner.aliases.filter((a) => a.id !== id), lastUpdateTime: this.nowIso() };
      await this.commit([put(ENTITY + owner.id, next)], () => {
        this.unindexEntity(owner);
        this.indexEntity(next);
      });
      return true;
    });
  }

  // ---- groups --------------------------------------------------------------------------------

  /**
   * Creates or updates a group: by `id` (which must exist), else by `name` when a group has it,
   * else a new group. Members must exist; a member group that would make the nesting cyclic is
   * refused, as in Vault. The type is set at creation (`internal` by default) and cannot
   * change; an external group's members are its logins' business, so setting them is refused.
   */
  upsertGroup(input: GroupInput): Promise<{ group: Group; created: boolean }> {
    return this.locked(async () => {
      let current: Group | undefined;
      if (input.id !== undefined && input.id !== '') {
        current = this.groups.get(input.id);
        if (!current) throw invalidRequest(`group id \`${input.id}\` does not exist`);
      } else if (input.name !== undefined && input.name !== '') {
        current = this.groupByName(input.name);
      }
      const id = current?.id ?? randomUUID();
      const name = input.name !== undefined && input.name !== '' ? input.name : current?.name ?? this.freeName('group', this.groupIdByName);
      const holder = this.groupIdByName.get(name);
      if (holder !== undefined && holder !== id) throw invalidRequest(`group name \`${name}\` is already in use`);
      const type = groupType(input, current);
      const memberEntityIds = input.memberEntityIds !== undefined ? cleanList(input.memberEntityIds) : current?.memberEntityIds ?? [];
      for (const m of memberEntityIds) {
        if (!this.entities.has(m)) throw invalidRequest(`entity id \`${m}\` does not exist`);
      }
      const memberGroupIds = input.memberGroupIds !== undefined ? cleanList(input.memberGroupIds) : current?.memberGroupIds ?? [];
      const ancestors = new Set([id, ...this.membership.ancestorsOf(id)]);
      for (const m of memberGroupIds) {
        if (!this.groups.has(m)) throw invalidRequest(`group id \`${m}\` does not exist`);
        if (ancestors.has(m)) throw invalidRequest(`member group id \`${m}\` would make a cycle of group memberships`);
      }
      const now = this.nowIso();
      const group: Group = {
        id,
        name,
        type,
        policies: input.policies !== undefined ? cleanList(input.policies) : current?.policies ?? [],
        memberEntityIds,
        memberGroupIds,
        metadata: input.metadata !== undefined ? { ...input.metadata } : current?.metadata ?? {},
        ...(current?.alias && { alias: current.alias }),
        creationTime: current?.creationTime ?? now,
        lastUpdateTime: now,
        modifyIndex: (current?.modifyIndex ?? 0) + 1,
      };
      await this.commit([put(GROUP + id, group)], () => this.replaceGroups([group]));
      return { group, created: current === undefined };
    });
  }

  /** Deletes a group (and its alias) and removes it from the groups it was a member of. */
  deleteGroup(id: string): Promise<boolean> {
    return this.locked(async () => {
      const group = this.groups.get(id);
      if (!group) return false;
      const parents = this.membership.parentsOf(id).map((pid) => {
        const p = this.groups.get(pid)!;
        return this.bump(p, { memberGroupIds: p.memberGroupIds.filter((m) => m !== id) });
      });
      await this.commit([{ type: 'delete', key: GROUP + id }, ...parents.map((p) => put(GROUP + p.id, p))], () => {
        this.unindexGroup(group);
        this.replaceGroups(parents);
      });
      return true;
    });
  }

  // ---- group aliases -------------------------------------------------------------------------

  /**
   * Creates a group alias (no `id`) or updates one, with Vault's rules (see `planGroupAlias`).
   * Undefined when the write changes nothing.
   */
  upsertGroupAlias(input: AliasInput): Promise<GroupAlias | undefined> {
    return this.locked(async () => {
      const now = this.nowIso();
      const plan = planGroupAlias(this, input, now, () => newExternalGroup(this.freeName('group', this.groupIdByName), now));
      if (!plan) return undefined;
      const changed = [this.bump(plan.target, {}), ...(plan.source ? [this.bump(plan.source, {})] : [])];
      await this.commit(changed.map((g) => put(GROUP + g.id, g)), () => this.replaceGroups(changed));
      return plan.alias;
    });
  }

  /** Deletes a group alias; its group stays, with no alias. False when it did not exist. */
  deleteGroupAlias(id: string): Promise<boolean> {
    return this.locked(async () => {
      const owner = this.groupAliases.ownerOf(id);
      const group = owner === undefined ? undefined : this.groups.get(owner);
      if (!group) return false;
      const next = this.bump(withoutAlias(group), {});
      await this.commit([put(GROUP + next.id, next)], () => this.replaceGroups([next]));
      return true;
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  /** Moves/renames/updates an alias, checking Vault's uniqueness rules. Runs under the lock. */
  private async writeAlias(current: EntityAlias, input: AliasInput): Promise<EntityAlias> {
    const next: EntityAlias = {
      ...current,
      ...(input.name && { name: input.name }),
      ...(input.canonicalId && { canonicalId: input.canonicalId }),
      ...(input.mountAccessor && { mountAccessor: input.mountAccessor }),
      ...(input.mountType && { mountType: input.mountType }),
      ...(input.mountPath && { mountPath: input.mountPath }),
      ...(input.metadata && { metadata: { ...input.metadata } }),
      lastUpdateTime: this.nowIso(),
    };
    return this.placeAlias(next, current);
  }

  private async placeAlias(next: EntityAlias, current: EntityAlias | undefined): Promise<EntityAlias> {
    const target = this.entities.get(next.canonicalId);
    if (!target) throw invalidRequest(`entity id \`${next.canonicalId}\` does not exist`);
    const taken = this.entityAliases.idOf(next.mountAccessor, next.name);
    if (taken !== undefined && taken !== next.id) {
      throw invalidRequest('an alias with this combination of mount accessor and name already exists');
    }
    if (target.aliases.some((a) => a.id !== next.id && a.mountAccessor === next.mountAccessor)) {
      throw invalidRequest('the entity already has an alias on this mount accessor');
    }
    const source = current && current.canonicalId !== next.canonicalId ? this.entities.get(current.canonicalId) : undefined;
    const now = next.lastUpdateTime;
    const updatedTarget: Entity = {
      ...target,
      aliases: [...target.aliases.filter((a) => a.id !== next.id), next],
      lastUpdateTime: now,
    };
    const updatedSource: Entity | undefined = source && {
      ...source,
      aliases: source.aliases.filter((a) => a.id !== next.id),
      lastUpdateTime: now,
    };
    const ops = [put(ENTITY + target.id, updatedTarget), ...(updatedSource ? [put(ENTITY + updatedSource.id, updatedSource)] : [])];
    await this.commit(ops, () => {
      // Unindex both before indexing either: the moved alias is in both old records.
      this.unindexEntity(target);
      if (source) this.unindexEntity(source);
      this.indexEntity(updatedTarget);
      if (updatedSource) this.indexEntity(updatedSource);
    });
    return next;
  }

  private bump(group: Group, change: Partial<Group>): Group {
    return { ...group, ...change, lastUpdateTime: this.nowIso(), modifyIndex: group.modifyIndex + 1 };
  }

  /** Writes `ops` atomically, then applies `apply` to memory and tells the listeners. */
  private async commit(ops: StorageOp[], apply: () => void): Promise<void> {
    await this.storage.batch(ops);
    apply();
    this.forgetComputed();
    for (const listener of this.listeners) {
      try {
        listener();
      } catch {
        // A failing listener must not undo a committed change nor starve the others.
      }
    }
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private freeName(prefix: 'entity' | 'group', taken: Map<string, string>): string {
    for (;;) {
      const name = `${prefix}_${randomUUID().slice(0, 8)}`;
      if (!taken.has(name)) return name;
    }
  }

  private nowIso(): string {
    return new Date(this.clock.now()).toISOString();
  }
}

const put = (key: string, value: unknown): StorageOp => ({ type: 'put', key, value: encodeJson(value) });

function sameMetadata(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>> | undefined): boolean {
  if (b === undefined) return true;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
