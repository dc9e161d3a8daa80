/**
 * One rate-limit quota as stored through the barrier (`sys/quotas/rate-limit/<name>`) and
 * described by `GET sys/quotas/rate-limit/:name` (Vault's api-docs/system/rate-limit-quotas).
 * The `path` a caller gives is kept split the way Vault splits it: the mount it names, and the
 * part after the mount (a path, or a prefix when it ends with `*`).
 */
export interface RateLimitQuota {
  readonly name: string;
  /** `''` for the global quota; else a mount path with its trailing slash (`secret/`, `sys/`). */
  readonly mount_path: string;
  /** The path inside the mount without surrounding slashes (`data/app`, `data/app*`); `''` for the whole mount. */
  readonly path_suffix: string;
  /** Requests per interval; > 0, may be fractional. */
  readonly rate: number;
  /** Seconds. */
  readonly interval: number;
  /** Seconds; 0 = no blocking. */
  readonly block_interval: number;
  /** Always `''`: role-based quotas are refused (see path-quotas.ts). Kept for Vault's response shape. */
  readonly role: string;
  /** Stored and echoed; without namespaces there is nothing to inherit it. */
  readonly inheritable: boolean;
}

/** Vault's response `data` for a quota: durations in whole seconds, the path joined again. */
export function describeQuota(q: RateLimitQuota): Record<string, unknown> {
  return {
    name: q.name,
    path: q.mount_path + q.path_suffix,
    type: 'rate-limit',
    rate: q.rate,
    interval: q.interval,
    block_interval: q.block_interval,
    role: q.role,
    inheritable: q.inheritable,
  };
}
