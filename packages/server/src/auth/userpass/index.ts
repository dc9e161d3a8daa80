import type { EngineFactory } from '../../framework/engine.js';
import { dummyHash } from './password-hash.js';
import { loginPath } from './path-login.js';
import { userPaths } from './path-users.js';

export { INVALID_CREDENTIALS } from './path-login.js';

/**
 * The userpass auth method (https://developer.hashicorp.com/vault/api-docs/auth/userpass).
 * Logins issue tokens whose Cedar principal is `User::"<username>"`.
 */
export const userpassEngine: EngineFactory = async () => {
  // Computed now so the first unknown-user login does not pay for it (and stand out by time).
  dummyHash().catch(() => undefined);
  return {
    kind: 'auth',
    paths: [...userPaths, loginPath],
    unauthenticated: ['login/:username'],
  };
};
