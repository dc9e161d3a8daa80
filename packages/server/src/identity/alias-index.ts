import type { IdentityAlias } from './identity-records.js';

/**
 * In-memory index of one kind of alias: `(mountAccessor, name)` → alias id, and alias id → the
 * entity or group holding it. Entity aliases and group aliases each get their own index: Vault
 * keeps them in separate tables, so a user and a group may have the same name on one mount.
 *
 * Callers replacing records remove every old record's aliases before adding the new ones, so an
 * alias moving between two owners is indexed under its new owner only.
 */
export class AliasIndex {
  private readonly idByKey = new Map<string, string>();
  private readonly owners = new Map<string, string>();

  add(ownerId: string, alias: IdentityAlias): void {
    this.idByKey.set(key(alias.mountAccessor, alias.name), alias.id);
    this.owners.set(alias.id, ownerId);
  }

  remove(alias: IdentityAlias): void {
    const k = key(alias.mountAccessor, alias.name);
    if (this.idByKey.get(k) === alias.id) this.idByKey.delete(k);
    this.owners.delete(alias.id);
  }

  /** The id of the alias named `name` on the mount `mountAccessor`. */
  idOf(mountAccessor: string, name: string): string | undefined {
    return this.idByKey.get(key(mountAccessor, name));
  }

  /** The id of the entity or group holding the alias. */
  ownerOf(aliasId: string): string | undefined {
    return this.owners.get(aliasId);
  }

  ids(): string[] {
    return [...this.owners.keys()].sort();
  }
}

// INVARIANT: accessors never contain a newline (the mount table generates them), so the key is unambiguous.
const key = (mountAccessor: string, name: string) => `${mountAccessor}\n${name}`;
