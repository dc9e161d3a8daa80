import type { RateLimitQuota } from './rate-limit-quota.js';

interface MountRules<T> {
  whole?: T;
  readonly exact: Map<string, T>;
  /** `data/app*` quotas as their prefix (`data/app`), longest first. */
  readonly prefixes: { readonly prefix: string; readonly rule: T }[];
}

/**
 * Finds the quota that applies to a request path, the most specific first, in Vault's order
 * (vault/quotas queryQuota; docs/concepts/resource-quotas): the exact path inside the mount,
 * then the longest `*` prefix, then the mount, then the global quota. Built once per change to
 * the quota set, read on every limited request.
 */
export class QuotaIndex<T extends { readonly quota: RateLimitQuota }> {
  private readonly global: T | undefined;
  private readonly mounts = new Map<string, MountRules<T>>();

  constructor(rules: Iterable<T>) {
    let global: T | undefined;
    for (const rule of rules) {
      const q = rule.quota;
      if (q.mount_path === '') {
        global = rule;
        continue;
      }
      let m = this.mounts.get(q.mount_path);
      if (m === undefined) this.mounts.set(q.mount_path, (m = { exact: new Map(), prefixes: [] }));
      if (q.path_suffix === '') m.whole = rule;
      else if (q.path_suffix.endsWith('*')) m.prefixes.push({ prefix: q.path_suffix.slice(0, -1), rule });
      else m.exact.set(q.path_suffix, rule);
    }
    for (const m of this.mounts.values()) m.prefixes.sort((a, b) => b.prefix.length - a.prefix.length);
    this.global = global;
  }

  /** `path` is the request path; `mountPath` the mount it routed to, if any. */
  find(path: string, mountPath: string | undefined): T | undefined {
    const m = mountPath === undefined ? undefined : this.mounts.get(mountPath);
    if (m === undefined) return this.global;
    const suffix = trimSlashes(path.slice(mountPath!.length));
    const exact = m.exact.get(suffix);
    if (exact !== undefined) return exact;
    for (const p of m.prefixes) if (suffix.startsWith(p.prefix)) return p.rule;
    return m.whole ?? this.global;
  }

  /** The quota already defined for the same mount and path, whatever its name (Vault refuses a second). */
  sameTarget(quota: RateLimitQuota): T | undefined {
    if (quota.mount_path === '') return this.global;
    const m = this.mounts.get(quota.mount_path);
    if (m === undefined) return undefined;
    if (quota.path_suffix === '') return m.whole;
    if (quota.path_suffix.endsWith('*')) return m.prefixes.find((p) => p.prefix === quota.path_suffix.slice(0, -1))?.rule;
    return m.exact.get(quota.path_suffix);
  }
}

export const trimSlashes = (s: string): string => s.replace(/^\/+|\/+$/g, '');
