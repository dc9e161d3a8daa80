import type { EngineFactory } from '../../framework/engine.js';
import { createPaths } from './path-create.js';
import { lookupPaths } from './path-lookup.js';
import { renewPaths } from './path-renew.js';
import { revokePaths } from './path-revoke.js';
import { rolePaths } from './path-roles.js';
import { tidyPaths } from './path-tidy.js';
import type { TokenStore } from './token-store.js';

export { SELF_PATHS } from './path-common.js';
export type { CreateTokenParams, TokenEntry } from './token-entry.js';
export { SYSTEM_MAX_TTL, isOrphan } from './token-entry.js';
export { authIssueFor, lookupData, renderAuth, type VaultAuth } from './token-response.js';
export { TokenStore, type CreatedToken, type TokenStoreHooks } from './token-store.js';

/**
 * The `auth/token/` method (https://developer.hashicorp.com/vault/api-docs/auth/token), over the
 * one token store the pipeline also authenticates with. Roles live in the mount's own storage.
 */
export function tokenEngine(store: TokenStore): EngineFactory {
  return async () => ({
    kind: 'auth',
    paths: [...createPaths(store), ...lookupPaths(store), ...renewPaths(store), ...revokePaths(store), ...rolePaths, ...tidyPaths(store)],
  });
}
