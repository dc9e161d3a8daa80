import { invalidRequest } from '../../errors.js';
import type { AuthIssue } from '../../framework/engine.js';
import { tokenAuth } from '../token-fields.js';
import { boundClaimsError, getClaim, groupNames, mappedMetadata } from './claims.js';
import type { JwtRole } from './role-entry.js';

/**
 * The login result for verified claims, shared by `login` and `oidc/callback`: the user claim
 * is the alias name and the `User::` principal; `claim_mappings` and the role name are the
 * alias and token metadata (as in Vault); the groups claim's names go to `internal.groupAliases`
 * for identity to map to external groups. `prefix` is the message prefix of the flow.
 */
export function loginResult(roleName: string, role: JwtRole, claims: Record<string, unknown>, prefix = ''): { auth: AuthIssue } {
  const fail = (msg: string) => invalidRequest(prefix + msg);
  const raw = role.userClaimJsonPointer ? getClaim(claims, role.userClaim) : Object.hasOwn(claims, role.userClaim) ? claims[role.userClaim] : undefined;
  if (raw === undefined || raw === null) throw fail(`claim "${role.userClaim}" not found in token`);
  if (typeof raw !== 'string' || raw === '') throw fail(`claim "${role.userClaim}" could not be converted to string`);
  let metadata: Record<string, string>;
  let groups: string[] = [];
  try {
    metadata = { ...mappedMetadata(role.claimMappings, claims), role: roleName };
    if (role.groupsClaim !== '') groups = groupNames(role.groupsClaim, claims);
  } catch (err) {
    throw fail((err as Error).message);
  }
  const unmatched = boundClaimsError(role.boundClaims, role.boundClaimsType === 'glob', claims);
  if (unmatched !== undefined) throw fail(`error validating claims: ${unmatched}`);
  return {
    auth: {
      ...tokenAuth(role.token),
      displayName: raw,
      metadata,
      principal: { type: 'User', id: raw },
      alias: { name: raw, metadata },
      internal: { role: roleName, groupAliases: groups },
    },
  };
}
