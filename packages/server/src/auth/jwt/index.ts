import type { EngineFactory } from '../../framework/engine.js';
import { JwtContext } from './jwt-context.js';
import { configPath } from './path-config.js';
import { loginPath } from './path-login.js';
import { oidcPaths } from './path-oidc.js';
import { rolePaths } from './path-role.js';

/**
 * The JWT/OIDC auth method (https://developer.hashicorp.com/vault/api-docs/auth/jwt), mounted as
 * type `jwt` or `oidc`. Logins issue tokens whose Cedar principal is `User::"<user claim>"`;
 * the groups claim's names travel in `internal.groupAliases` for identity to map.
 */
export const jwtAuthEngine: EngineFactory = async ({ clock }) => {
  const ctx = new JwtContext(clock);
  return {
    kind: 'auth',
    paths: [configPath(ctx), ...rolePaths, loginPath(ctx), ...oidcPaths(ctx)],
    unauthenticated: ['login', 'oidc/auth_url', 'oidc/callback'],
  };
};
