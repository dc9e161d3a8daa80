import type { EngineFactory } from '../../framework/engine.js';
import { KeyedMutex } from '../../framework/keyed-mutex.js';
import { loginPath } from './path-login.js';
import { rolePaths } from './path-role.js';
import { secretIdPaths } from './path-secret-id.js';
import { Hasher } from './role-entry.js';
import { SecretIdStore } from './secret-id-store.js';

export { INVALID_CREDENTIALS } from './path-login.js';

/**
 * The AppRole auth method (https://developer.hashicorp.com/vault/api-docs/auth/approle).
 * Logins issue tokens whose Cedar principal is `Service::"<role name>"`. Expired secret ids are
 * removed by `tidy/secret-id` and by the scheduler's periodic call.
 */
export const approleEngine: EngineFactory = async ({ storage, clock }) => {
  const hasher = await Hasher.load(storage);
  const secretIds = new SecretIdStore(storage, hasher, clock);
  const ctx = { hasher, secretIds, clock, roles: new KeyedMutex() };
  return {
    kind: 'auth',
    paths: [...rolePaths(ctx), ...secretIdPaths(ctx), loginPath(ctx)],
    unauthenticated: ['login'],
    periodic: async () => {
      await secretIds.tidy();
    },
  };
};
