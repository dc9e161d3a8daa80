import type { Authorizer, AuthzDecision, AuthzRequest } from './authorizer.js';

const ALLOW_ROOT: AuthzDecision = { allowed: true, policyIds: ['root'], errors: [] };
const ALLOW_DEFAULT: AuthzDecision = { allowed: true, policyIds: ['default'], errors: [] };
const DENY: AuthzDecision = { allowed: false, policyIds: [], errors: [] };

/** What Vault's built-in `default` policy grants every token (ARCHITECTURE.md, "Cedar model"). */
const TOKEN_SELF_PATHS = new Set(['lookup-self', 'renew-self', 'revoke-self']);
const SYS_SELF_PATHS = new Set(['capabilities-self', 'wrapping/lookup', 'wrapping/unwrap']);

/**
 * The authorizer until Cedar policies land: the root token may do anything; any other token may
 * only act on itself (its `auth/token/*-self` paths, its cubbyhole, capabilities-self and
 * unwrapping). Everything else is denied. INVARIANT: deny by default, never allow by default.
 */
export class BootstrapAuthorizer implements Authorizer {
  authorize(req: AuthzRequest): AuthzDecision {
    if (req.auth.isRoot) return ALLOW_ROOT;
    const hasDefault = req.auth.policies.includes('default');
    const wrapping = req.auth.policies.includes('response-wrapping');
    const path = req.relativePath.replace(/\/$/, '');
    switch (req.mount.type) {
      case 'token':
        return hasDefault && TOKEN_SELF_PATHS.has(path) ? ALLOW_DEFAULT : DENY;
      case 'cubbyhole':
        return hasDefault ? ALLOW_DEFAULT : DENY;
      case 'system':
        if (wrapping && (path === 'wrapping/unwrap' || path === 'wrapping/lookup')) {
          return { allowed: true, policyIds: ['response-wrapping'], errors: [] };
        }
        return hasDefault && SYS_SELF_PATHS.has(path) ? ALLOW_DEFAULT : DENY;
      default:
        return DENY;
    }
  }
}
