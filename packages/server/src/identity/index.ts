import type { EngineFactory } from '../framework/engine.js';
import type { IdentityStore } from './identity-store.js';
import type { MountLookup } from './path-common.js';
import { entityAliasPaths } from './path-entity-alias.js';
import { entityPaths } from './path-entity.js';
import { groupAliasPaths } from './path-group-alias.js';
import { groupPaths } from './path-group.js';
import { lookupPaths } from './path-lookup.js';

export { IdentityStore } from './identity-store.js';
export type { Entity, EntityAlias, Group, GroupAlias, LoginAliasRequest } from './identity-records.js';
export type { MountLookup } from './path-common.js';
export { applyLoginIdentity, loginAliasOf, loginGroupAliasesOf, type LoginAlias } from './login-identity.js';

/**
 * The `identity/` backend (https://developer.hashicorp.com/vault/api-docs/secret/identity) over
 * the one identity store the authorizer also reads. Its data lives in the store's own view, not
 * in the mount's: identity exists whether or not anyone calls these paths.
 *
 * `mounts` names an alias's auth mount from its accessor (and refuses unknown accessors), for
 * entity and group aliases alike; without it, accessors are taken on trust.
 */
export function identityEngine(store: IdentityStore, mounts?: MountLookup): EngineFactory {
  return async () => ({
    kind: 'secrets',
    paths: [
      ...entityPaths(store),
      ...entityAliasPaths(store, mounts),
      ...groupPaths(store),
      ...groupAliasPaths(store, mounts),
      ...lookupPaths(store),
    ],
  });
}
