/**
 * `sys/quotas/config` as stored and answered (Vault's api-docs/system/quotas-config): which
 * paths no rate-limit quota ever applies to, and whether refusals are audited and limits are
 * announced in response headers.
 */
export interface QuotaConfig {
  readonly rate_limit_exempt_paths: readonly string[];
  readonly enable_rate_limit_audit_logging: boolean;
  readonly enable_rate_limit_response_headers: boolean;
}

/**
 * Vault's default exemptions (docs/concepts/resource-quotas, "Exempt routes"): the paths an
 * operator needs to unseal and recover a vault that a global quota would otherwise lock out.
 */
export const DEFAULT_EXEMPT_PATHS: readonly string[] = Object.freeze([
  'sys/generate-recovery-token/attempt',
  'sys/generate-recovery-token/update',
  'sys/generate-root/attempt',
  'sys/generate-root/update',
  'sys/health',
  'sys/seal-status',
  'sys/unseal',
]);

export const DEFAULT_QUOTA_CONFIG: QuotaConfig = Object.freeze({
  rate_limit_exempt_paths: DEFAULT_EXEMPT_PATHS,
  enable_rate_limit_audit_logging: false,
  enable_rate_limit_response_headers: false,
});

/**
 * The exempt paths as Vault's path manager reads them: each entry is a plain prefix of the
 * request path (a trailing `*` is dropped, so `sys/health` also covers `sys/healthz`, as in
 * Vault), and an entry starting with `!` carves an exception out of a shorter one. The longest
 * matching entry decides.
 */
export class ExemptPaths {
  /** Longest first, so the first match is the one that decides. */
  private readonly entries: readonly { readonly prefix: string; readonly exempt: boolean }[];

  constructor(paths: readonly string[]) {
    this.entries = paths
      .filter((p) => p !== '' && p !== '!')
      .map((p) => {
        const exception = p.startsWith('!');
        return { prefix: (exception ? p.slice(1) : p).replace(/\*$/, ''), exempt: !exception };
      })
      .sort((a, b) => b.prefix.length - a.prefix.length);
  }

  has(path: string): boolean {
    for (const e of this.entries) if (path.startsWith(e.prefix)) return e.exempt;
    return false;
  }
}
