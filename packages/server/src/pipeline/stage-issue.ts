import { applyLoginIdentity } from '../identity/login-identity.js';
import { SYSTEM_MAX_TTL } from '../router/mount-table.js';
import type { EngineResponse } from '../framework/engine.js';
import type { PipelineDeps, RequestContext } from './request-context.js';

/**
 * Stage 9: a secret with a TTL gets a lease id; an auth result gets a token.
 * Lease ids are `<mount>/<path>/<random>` so revoke-prefix reaches every credential of a role.
 */
export async function issue(deps: PipelineDeps, ctx: RequestContext, res: EngineResponse): Promise<void> {
  const route = ctx.route!;
  if (res.secret) {
    const mount = route.mount;
    const ttl = leaseDuration(res, mount.config.default_lease_ttl, mount.config.max_lease_ttl, SYSTEM_MAX_TTL);
    const maxTtl = Math.min(mount.config.max_lease_ttl || SYSTEM_MAX_TTL, res.secret.maxTtl || Infinity);
    const lease = await deps.services()!.expiration.register({
      mount,
      path: ctx.path,
      secret: res.secret,
      ttlSeconds: ttl,
      maxTtlSeconds: Math.max(ttl, maxTtl),
      ...(ctx.auth && { tokenHash: ctx.auth.tokenHash }),
    });
    ctx.leaseId = lease.id;
    ctx.leaseDuration = ttl;
  }
  if (res.auth) {
    const services = deps.services()!;
    if (res.auth.accessor !== undefined) {
      // The engine created the token itself (the token store does): only describe it.
      ctx.issuedAuth = await services.tokens.describe(res.auth);
    } else {
      // A login: find or create its entity and alias (Vault does the same), then the token.
      const auth = await applyLoginIdentity(services.identity, route.mount, res.auth);
      ctx.issuedAuth = await services.tokens.issue(auth, ctx.path, route.mount);
    }
  }
}

/** The lease duration a secret gets: its own TTL, else the mount's default, capped by max. */
export function leaseDuration(res: EngineResponse, mountDefault: number, mountMax: number, systemMax: number): number {
  const max = Math.min(mountMax || systemMax, res.secret?.maxTtl || Infinity);
  const ttl = res.secret?.ttl || mountDefault || systemMax;
  return Math.min(ttl, max);
}
