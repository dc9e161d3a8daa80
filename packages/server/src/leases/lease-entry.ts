/**
 * A lease on a dynamic secret, persisted through the barrier at `sys/expire/id/<lease id>`.
 * Lease ids are `<mount path><request path>/<random>` (spec "Contract details"), so a prefix
 * names every lease of a mount or a role.
 */
export interface LeaseEntry {
  id: string;
  /** The request path that created the secret, e.g. `database/creds/readonly`. */
  path: string;
  /** The mount that must revoke it (by uuid: a remount does not orphan leases). */
  mountUuid: string;
  /** Secret type: a key of the engine's `leases` handlers. */
  secretType: string;
  /** What the engine needs to renew or revoke; never returned to clients. */
  internal: Record<string, unknown>;
  /** Hash of the token the secret was issued to: revoking the token revokes its leases. */
  tokenHash?: string;
  /** Unix ms. */
  issueTime: number;
  expireTime: number;
  lastRenewalTime: number;
  /** No renewal extends a lease past this (issue time + max TTL). */
  maxExpireTime: number;
  renewable: boolean;
  /** Failed revocation attempts so far. */
  revokeAttempts: number;
  /** Set after the retries ran out: reported by `sys/leases?type=irrevocable`, still retried slowly. */
  irrevocable?: boolean;
  /** The last revocation error, for operators (never a secret). */
  revokeError?: string;
}

/** Seconds left on a lease, never negative. */
export const remainingSeconds = (lease: LeaseEntry, nowMs: number): number =>
  Math.max(0, Math.floor((lease.expireTime - nowMs) / 1000));

/** Vault's `sys/leases/lookup` shape. */
export function leaseLookup(lease: LeaseEntry, nowMs: number) {
  return {
    id: lease.id,
    issue_time: new Date(lease.issueTime).toISOString(),
    expire_time: new Date(lease.expireTime).toISOString(),
    last_renewal: lease.lastRenewalTime ? new Date(lease.lastRenewalTime).toISOString() : null,
    renewable: lease.renewable,
    ttl: remainingSeconds(lease, nowMs),
    path: lease.path,
    ...(lease.revokeError !== undefined && { revoke_error: lease.revokeError }),
  };
}
