/** The leases of one mount, as the lease gauges report them. */
export interface MountLeaseStats {
  /** The mount path, with its trailing slash (`database/`). */
  readonly mount: string;
  readonly count: number;
  /** Unix ms of the soonest expiry among the mount's leases. */
  readonly soonestExpireMs: number;
}

/** Per-mount lease stats, or nothing while the vault is sealed. */
export type LeaseStatsSource = () => Iterable<MountLeaseStats> | undefined;

/**
 * Maps the expiration manager's `stats()` (keyed by mount uuid) to mount paths. A lease whose
 * mount is gone (its revocation is still retrying) keeps its uuid as the label, so it stays
 * visible rather than being dropped.
 */
export function leaseStatsByMount(
  byUuid: ReadonlyMap<string, { readonly count: number; readonly soonestExpireMs: number }>,
  mountPath: (uuid: string) => string | undefined,
): MountLeaseStats[] {
  const out: MountLeaseStats[] = [];
  for (const [uuid, s] of byUuid) out.push({ mount: mountPath(uuid) ?? uuid, count: s.count, soonestExpireMs: s.soonestExpireMs });
  return out;
}
