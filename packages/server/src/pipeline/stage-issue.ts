import { applyLoginIdentity } from '../identity/login-identity.js';
import { SYSTEM_MAX_TTL } from '../router/mount-table.js';
import type { EngineResponse, RequestAuth } from '../framework/engine.js';
import type { PipelineDeps, RequestContext } from './request-context.js';

/**
 * Stage 9: a secret with a TTL gets a lease id; an auth result gets a token.
 * Lease ids are `<mount>/<path>/<random>` so revoke-prefix reaches every credential of a role.
 */
export async function issue(deps: PipelineDeps, ctx: RequestContext, res: EngineResponse): Promise<void> {
  const route = ctx.route!;
  if (res.secret) {
    const mount = route.mount;
    const holder = leaseHolder(ctx.auth, deps.clock.now());
    const ttl = Math.min(leaseDuration(res, mount.config.default_lease_ttl, mount.config.max_lease_ttl, SYSTEM_MAX_TTL), holder.maxTtl);
    const maxTtl = Math.min(mount.config.max_lease_ttl || SYSTEM_MAX_TTL, res.secret.maxTtl || Infinity, holder.maxTtl);
    const lease = await deps.services()!.expiration.register({
      mount,
      path: ctx.path,
      secret: res.secret,
      ttlSeconds: ttl,
      maxTtlSeconds: Math.max(ttl, maxTtl),
      ...(holder.tokenHash !== undefined && { tokenHash: holder.tokenHash }),
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

/**
 * Which token a new lease is revoked with, and the longest it may live. A service token holds
 * its own leases. A batch token is never revoked, so (as in Vault) its leases are held by its
 * parent, or by no token for an orphan, and never outlive the batch token itself: its TTL or
 * its parent's revocation ends them too.
 */
function leaseHolder(auth: RequestAuth | undefined, nowMs: number): { tokenHash?: string; maxTtl: number } {
  if (!auth) return { maxTtl: Infinity };
  if (!auth.batch) return { tokenHash: auth.tokenHash, maxTtl: Infinity };
  const maxTtl = Math.max(0, Math.floor((auth.expireTime - nowMs) / 1000));
  return auth.batch.parentHash === undefined ? { maxTtl } : { tokenHash: auth.batch.parentHash, maxTtl };
}

/** The lease duration a secret gets: its own TTL, else the mount's default, capped by max. */
export function leaseDuration(res: EngineResponse, mountDefault: number, mountMax: number, systemMax: number): number {
  const max = Math.min(mountMax || systemMax, res.secret?.maxTtl || Infinity);
  const ttl = res.secret?.ttl || mountDefault || systemMax;
  return Math.min(ttl, max);
}
