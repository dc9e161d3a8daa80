/**
 * What the identity store keeps (https://developer.hashicorp.com/vault/docs/concepts/identity).
 * Identifiers are camelCase here; the engine renders Vault's snake_case wire names.
 */

/**
 * One name on one auth mount: a login identity (an entity alias) or an external group's name at
 * the identity provider (a group alias). Both kinds share Vault's shape; `(mountAccessor, name)`
 * is unique within each kind, and `canonicalId` is the entity or group the alias belongs to.
 */
export interface IdentityAlias {
  readonly id: string;
  readonly name: string;
  readonly canonicalId: string;
  readonly mountAccessor: string;
  readonly mountType: string;
  readonly mountPath: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly creationTime: string;
  readonly lastUpdateTime: string;
}

/** A login identity on one auth mount; its entity stores it. */
export type EntityAlias = IdentityAlias;

/** An external group's name on one auth mount (an OIDC groups-claim value, an LDAP group); its group stores it. */
export type GroupAlias = IdentityAlias;

/** A person or service; its aliases are stored with it. */
export interface Entity {
  readonly id: string;
  readonly name: string;
  readonly policies: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  /** Tokens of a disabled entity must not be usable (Vault keeps them, unrevoked). */
  readonly disabled: boolean;
  readonly aliases: readonly EntityAlias[];
  readonly creationTime: string;
  readonly lastUpdateTime: string;
}

/**
 * `internal` groups list their members by hand; an `external` group's member entities are set by
 * logins through its alias's mount, and it has no member groups
 * (https://developer.hashicorp.com/vault/docs/concepts/identity#external-vs-internal-groups).
 */
export type GroupType = 'internal' | 'external';

/** A group: members are entities and other groups (nesting is transitive). */
export interface Group {
  readonly id: string;
  readonly name: string;
  readonly type: GroupType;
  readonly policies: readonly string[];
  readonly memberEntityIds: readonly string[];
  readonly memberGroupIds: readonly string[];
  readonly metadata: Readonly<Record<string, string>>;
  /** External groups only: at most one alias, as in Vault. */
  readonly alias?: GroupAlias;
  readonly creationTime: string;
  readonly lastUpdateTime: string;
  readonly modifyIndex: number;
}

/** What a login asks of identity: find the alias on this mount, or create it and its entity. */
export interface LoginAliasRequest {
  readonly mountAccessor: string;
  readonly mountType: string;
  readonly mountPath?: string;
  readonly aliasName: string;
  readonly aliasMetadata?: Readonly<Record<string, string>>;
}

export interface EntityInput {
  id?: string;
  name?: string;
  policies?: readonly string[];
  metadata?: Readonly<Record<string, string>>;
  disabled?: boolean;
}

/** A write to an entity alias or a group alias (group aliases have no metadata). */
export interface AliasInput {
  id?: string;
  name?: string;
  canonicalId?: string;
  mountAccessor?: string;
  mountType?: string;
  mountPath?: string;
  metadata?: Readonly<Record<string, string>>;
}

export interface GroupInput {
  id?: string;
  name?: string;
  type?: string;
  policies?: readonly string[];
  memberEntityIds?: readonly string[];
  memberGroupIds?: readonly string[];
  metadata?: Readonly<Record<string, string>>;
}

/** Sorted, deduplicated, trimmed, empty names dropped. */
export function cleanList(values: readonly string[]): string[] {
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))].sort();
}
