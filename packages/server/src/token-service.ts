import type { AuthIssue, MountEntry, RequestAuth } from './framework/engine.js';
import { loginTokenType } from './framework/token-type.js';
import type { TokenService } from './pipeline/request-context.js';
import type { TokenStore } from './auth/token/token-store.js';
import { authIssueFor, renderAuth } from './auth/token/token-response.js';
import { consumesUse } from './wrapping/response-wrapper.js';

/**
 * The pipeline's view of the token store: authenticate a token, count its uses, and turn a
 * login result into a token.
 */
export function createTokenService(store: TokenStore): TokenService {
  /** Tokens whose last use was this request: revoked once the request is done. */
  const exhausted = new WeakSet<RequestAuth>();
  return {
    async authenticate(token, path) {
      const entry = await store.lookup(token);
      if (!entry) return undefined;
      const auth = store.toRequestAuth(token, entry);
      // Every request counts against num_uses, except a wrapping token looking itself up.
      if (entry.numUses > 0 && consumesUse(path, entry)) {
        if (await store.consumeUse(entry)) exhausted.add(auth);
      }
      return auth;
    },
    async afterRequest(auth) {
      if (exhausted.has(auth)) await store.revoke(auth.tokenHash);
    },
    async issue(issue: AuthIssue, path: string, mount: MountEntry) {
      const { token, entry, warnings } = await store.create({
        policies: issue.policies,
        ...(issue.metadata && { meta: issue.metadata }),
        displayName: `${mount.path.replace(/^auth\//, '').replace(/\/$/, '').replace(/\//g, '-')}-${issue.displayName}`,
        ttl: issue.ttl || mount.config.default_lease_ttl || 0,
        ...(issue.explicitMaxTtl !== undefined && { explicitMaxTtl: issue.explicitMaxTtl }),
        ...(issue.period !== undefined && { period: issue.period }),
        ...(issue.numUses !== undefined && { numUses: issue.numUses }),
        ...(issue.renewable !== undefined && { renewable: issue.renewable }),
        ...(issue.noDefaultPolicy !== undefined && { noDefaultPolicy: issue.noDefaultPolicy }),
        path,
        ...(issue.entityId !== undefined && { entityId: issue.entityId }),
        ...(issue.principal !== undefined && { principal: issue.principal }),
        ...(issue.internal !== undefined && { internal: issue.internal }),
        // The mount's `token_type` (sys/auth/:path/tune) against what the login's role asked for.
        type: loginTokenType(mount.config.token_type, issue.tokenType),
      });
      void warnings;
      return { ...renderAuth(authIssueFor(token, entry)) };
    },
    async describe(issue) {
      return { ...renderAuth(issue) };
    },
  };
}
