import { invalidRequest } from '../../errors.js';
import { definePath, type PathSpec } from '../../framework/engine.js';
import { addressAllowed } from '../cidr.js';
import { tokenAuth } from '../token-fields.js';
import type { AppRoleContext } from './approle-context.js';
import { roleByRoleId } from './role-entry.js';
import type { SecretIdEntry } from './secret-id-store.js';

/** One answer for an unknown role id and an unknown, expired or used-up secret id. */
export const INVALID_CREDENTIALS = 'invalid role or secret id';

const cidrRefused = () => invalidRequest('source address is not allowed by the cidr restrictions of the role or secret id');

/**
 * `auth/<mount>/login` (https://developer.hashicorp.com/vault/api-docs/auth/approle#login-with-approle).
 * Issues a token whose Cedar principal is `Service::"<role name>"`. The identity alias is the
 * role id, as in Vault, so every secret id of a role maps to one entity (and setting a new role
 * id starts a new one).
 *
 * Secret ids and role ids are found by their salted HMAC (a storage key lookup), never compared
 * in clear; CIDR checks run before a use is spent.
 */
export function loginPath(ctx: AppRoleContext): PathSpec {
  return definePath({
    pattern: 'login',
    fields: {
      role_id: { type: 'string', description: 'Role id of the role.', sensitive: true },
      secret_id: { type: 'string', description: 'A secret id of the role.', sensitive: true },
    },
    help: { synopsis: 'Log in with a role id and a secret id.' },
    operations: {
      update: {
        summary: 'Log in with AppRole.',
        handle: async (req) => {
          const { role_id: roleId, secret_id: secretId } = req.data;
          if (!roleId) throw invalidRequest('missing role_id');
          const role = await roleByRoleId(req.storage, ctx.hasher, roleId);
          if (!role) throw invalidRequest(INVALID_CREDENTIALS);
          if (!addressAllowed(role.secretIdBoundCidrs, req.remoteAddress)) throw cidrRefused();
          if (!addressAllowed(role.token.boundCidrs, req.remoteAddress)) throw cidrRefused();
          let entry: SecretIdEntry | undefined;
          if (role.bindSecretId) {
            if (!secretId) throw invalidRequest('missing secret_id');
            entry = await ctx.secretIds.consume(role.name, secretId, (found) => {
              if (!addressAllowed(found.cidrList, req.remoteAddress)) throw cidrRefused();
              if (!addressAllowed(found.tokenBoundCidrs, req.remoteAddress)) throw cidrRefused();
            });
            if (!entry) throw invalidRequest(INVALID_CREDENTIALS);
          }
          return {
            auth: {
              ...tokenAuth(role.token),
              displayName: role.name,
              metadata: { ...entry?.metadata, role_name: role.name },
              principal: { type: 'Service', id: role.name },
              internal: {
                roleName: role.name,
                ...(entry && { secretIdAccessor: entry.accessor }),
                // `alias` asks the pipeline to find or create the entity (identity/login-identity.ts).
                alias: { name: role.roleId, metadata: { role_name: role.name } },
              },
            },
          };
        },
      },
    },
  });
}
