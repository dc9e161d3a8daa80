import type { MountEntry } from '../../framework/engine.js';
import { invalidRequest } from '../../errors.js';
import type { IssuerRecord } from './pki-store.js';

/**
 * Certificate lifetimes. Vault caps a TTL above the role's `max_ttl` with a warning;
 * SecretumVault refuses it (400) so a caller never gets a shorter certificate than it asked for
 * without noticing. Like Vault's default `leaf_not_after_behavior=err`, a certificate that would
 * outlive its issuer is refused.
 */

/** Vault's system default and maximum lease TTL: 768h (32 days). */
export const SYSTEM_TTL = 768 * 3600;

/** The mount's maximum TTL in seconds (its `max_lease_ttl`, or the system's). */
export const mountMaxTtl = (mount: MountEntry): number => mount.config.max_lease_ttl || SYSTEM_TTL;

/** The mount's default TTL in seconds. */
export const mountDefaultTtl = (mount: MountEntry): number =>
  Math.min(mount.config.default_lease_ttl || SYSTEM_TTL, mountMaxTtl(mount));

/**
 * The TTL to issue with: the request's, else the role's, else the mount's default. A requested
 * TTL above the maximum (role `max_ttl`, else the mount's) is refused; a defaulted one is capped.
 */
export function resolveTtl(mount: MountEntry, requested: number | undefined, roleTtl = 0, roleMaxTtl = 0): number {
  const max = roleMaxTtl || mountMaxTtl(mount);
  if (requested !== undefined && requested > 0) {
    if (requested > max) throw invalidRequest(`requested ttl of ${requested}s is greater than max_ttl of ${max}s`);
    return requested;
  }
  return Math.min(roleTtl || mountDefaultTtl(mount), max);
}

/** Throws 400 when a certificate ending at `notAfterMs` would outlive `issuer`. */
export function checkWithinIssuer(notAfterMs: number, issuer: IssuerRecord): void {
  if (notAfterMs > issuer.notAfter) {
    throw invalidRequest(
      `cannot satisfy request, as ttl would result in notafter of ${new Date(notAfterMs).toISOString()} ` +
        `that is beyond the expiration of the ca certificate at ${new Date(issuer.notAfter).toISOString()}`,
    );
  }
}

/** Vault backdates notBefore by 30s (`not_before_duration`) to absorb clock skew. */
export const NOT_BEFORE_SKEW_MS = 30_000;
