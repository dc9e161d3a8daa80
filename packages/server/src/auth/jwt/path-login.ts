import { invalidRequest, permissionDenied } from '../../errors.js';
import { definePath, type PathSpec } from '../../framework/engine.js';
import type { StorageView } from '../../storage/storage-view.js';
import { addressAllowed } from '../cidr.js';
import type { JwtContext } from './jwt-context.js';
import { readJwtConfig, type JwtConfig } from './jwt-config.js';
import { loginResult } from './login-result.js';
import {
  DEFAULT_CLOCK_SKEW_LEEWAY,
  DEFAULT_EXPIRATION_LEEWAY,
  DEFAULT_NOT_BEFORE_LEEWAY,
  effectiveLeeway,
  readRole,
  type JwtRole,
} from './role-entry.js';
import { validateToken } from './validate-token.js';

/** The config and the role a login names (or the default role); Vault's 400s otherwise. */
export async function configAndRole(storage: StorageView, roleName: string | undefined): Promise<{ config: JwtConfig; name: string; role: JwtRole }> {
  const config = await readJwtConfig(storage);
  if (!config) throw invalidRequest('could not load configuration');
  const name = roleName !== undefined && roleName !== '' ? roleName : config.defaultRole;
  if (name === '') throw invalidRequest('missing role');
  const role = await readRole(storage, name);
  if (!role) throw invalidRequest(`role "${name}" could not be found`);
  return { config, name, role };
}

export const leeways = (role: JwtRole) => ({
  clockSkewLeeway: effectiveLeeway(role.clockSkewLeeway, DEFAULT_CLOCK_SKEW_LEEWAY),
  expirationLeeway: effectiveLeeway(role.expirationLeeway, DEFAULT_EXPIRATION_LEEWAY),
  notBeforeLeeway: effectiveLeeway(role.notBeforeLeeway, DEFAULT_NOT_BEFORE_LEEWAY),
});

/**
 * `auth/<mount>/login` (https://developer.hashicorp.com/vault/api-docs/auth/jwt#jwt-login).
 * Verifies the JWT with the configured keys and the role's bounds, then issues a token whose
 * Cedar principal is `User::"<user_claim value>"`.
 */
export function loginPath(ctx: JwtContext): PathSpec {
  return definePath({
    pattern: 'login',
    fields: {
      role: { type: 'string', description: 'Role to log in against; default: the configured `default_role`.' },
      jwt: { type: 'string', description: 'The signed JWT.', sensitive: true },
    },
    help: { synopsis: 'Log in with a signed JWT.' },
    operations: {
      update: {
        summary: 'Log in with a signed JWT.',
        handle: async (req) => {
          const { config, name, role } = await configAndRole(req.storage, req.data.role);
          if (role.roleType === 'oidc') throw invalidRequest('role with oidc role_type is not allowed');
          const token = req.data.jwt ?? '';
          if (token === '') throw invalidRequest('missing token');
          if (!addressAllowed(role.token.boundCidrs, req.remoteAddress)) throw permissionDenied();
          let claims: Record<string, unknown>;
          try {
            claims = await validateToken(token, ctx.keysFor(config), {
              algs: config.jwtSupportedAlgs,
              issuer: config.boundIssuer,
              boundAudiences: role.boundAudiences,
              refuseUnboundAudience: true,
              subject: role.boundSubject,
              ...leeways(role),
              now: ctx.clock.now(),
            });
          } catch (err) {
            throw invalidRequest(`error validating token: ${(err as Error).message}`);
          }
          return loginResult(name, role, claims);
        },
      },
    },
  });
}
