import { invalidRequest } from '../errors.js';
import type { Clock } from '../framework/engine.js';
import { KeyedMutex } from '../framework/keyed-mutex.js';
import type { StorageOp } from '../storage/storage-backend.js';
import { encodeJson, type StorageView } from '../storage/storage-view.js';
import { ClientBuckets, type Take } from './client-buckets.js';
import { DEFAULT_QUOTA_CONFIG, ExemptPaths, type QuotaConfig } from './quota-config.js';
import { QuotaIndex } from './quota-index.js';
import type { RateLimitQuota } from './rate-limit-quota.js';

/** Where quotas live in the system backend's storage view, as in Vault (`sys/` + this). */
const RATE_LIMIT_PREFIX = 'quotas/rate-limit/';
const CONFIG_KEY = 'quotas/config';

/** A quota and the buckets of the clients it meters. */
interface Rule {
  readonly quota: RateLimitQuota;
  readonly buckets: ClientBuckets;
}

/** What the pipeline does with a limited request (stage-quota.ts). */
export interface QuotaDecision {
  readonly allowed: boolean;
  /** Only with `enable_rate_limit_response_headers`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The rate-limit quotas and their configuration, in memory while unsealed: loaded from the
 * barrier on unseal, dropped on seal (with every client's bucket: like Vault, limits are per
 * node and not persisted). Changes are written through before they take effect.
 */
export class QuotaTable {
  private view: StorageView | undefined;
  private rules = new Map<string, Rule>();
  private index = new QuotaIndex<Rule>([]);
  private config: QuotaConfig = DEFAULT_QUOTA_CONFIG;
  private exempt = new ExemptPaths(DEFAULT_QUOTA_CONFIG.rate_limit_exempt_paths);
  /** One write at a time: the same-target check and the write must not interleave. */
  private readonly writes = new KeyedMutex();
  /**
   * True while at least one quota exists. INVARIANT: when false, no request is limited, so
   * the pipeline skips the stage on this one field (the path benchmarks measure).
   */
  active = false;

  constructor(private readonly clock: Clock) {}

  /** On unseal (server.ts): `view` is the system backend's view, `barrier.view('sys/')`. */
  async load(view: StorageView): Promise<void> {
    const rules = new Map<string, Rule>();
    for (const name of await view.list(RATE_LIMIT_PREFIX)) {
      const quota = await view.getJson<RateLimitQuota>(RATE_LIMIT_PREFIX + name);
      if (quota) rules.set(quota.name, ruleOf(quota));
    }
    const config = (await view.getJson<QuotaConfig>(CONFIG_KEY)) ?? DEFAULT_QUOTA_CONFIG;
    this.view = view;
    this.useConfig(config);
    this.useRules(rules);
  }

  /** On seal: quotas, buckets and the storage view leave memory. */
  clear(): void {
    this.view = undefined;
    this.useConfig(DEFAULT_QUOTA_CONFIG);
    this.useRules(new Map());
  }

  names(): string[] {
    return [...this.rules.keys()].sort();
  }

  get(name: string): RateLimitQuota | undefined {
    return this.rules.get(name)?.quota;
  }

  /** Creates or replaces a quota; its clients start with full buckets, as in Vault. */
  put(quota: RateLimitQuota): Promise<void> {
    return this.writes.run('', async () => {
      const other = this.index.sameTarget(quota);
      if (other !== undefined && other.quota.name !== quota.name) {
        throw invalidRequest(`quota rule with similar properties exists under the name \`${other.quota.name}\``);
      }
      await this.storage().putJson(RATE_LIMIT_PREFIX + quota.name, quota);
      this.useRules(new Map(this.rules).set(quota.name, ruleOf(quota)));
    });
  }

  remove(name: string): Promise<void> {
    return this.writes.run('', async () => {
      await this.storage().delete(RATE_LIMIT_PREFIX + name);
      const rules = new Map(this.rules);
      rules.delete(name);
      this.useRules(rules);
    });
  }

  /**
   * A mount is being disabled: the quotas on it go too (Vault's HandleBackendDisabling), so a
   * mount later enabled at the same path does not inherit them.
   */
  dropMount(mountPath: string): Promise<void> {
    return this.rewriteMount(mountPath, () => undefined);
  }

  /**
   * A mount is moving from `from` to `to`: its quotas follow it (Vault's HandleRemount), keeping
   * their names, limits and clients' buckets, so a move does not reset anyone's limit.
   */
  moveMount(from: string, to: string): Promise<void> {
    return this.rewriteMount(from, (q) => ({ ...q, mount_path: to + q.mount_path.slice(from.length) }));
  }

  getConfig(): QuotaConfig {
    return this.config;
  }

  setConfig(config: QuotaConfig): Promise<void> {
    return this.writes.run('', async () => {
      await this.storage().putJson(CONFIG_KEY, config);
      this.useConfig(config);
    });
  }

  /**
   * Meters one request from `client` to `path` (routed to `mountPath`, when it routed).
   * Undefined when no quota applies: exempt, or no quota covers the path.
   */
  check(path: string, mountPath: string | undefined, client: string): QuotaDecision | undefined {
    if (this.exempt.has(path)) return undefined;
    const rule = this.index.find(path, mountPath);
    if (rule === undefined) return undefined;
    const take = rule.buckets.take(client, this.clock.now());
    if (!this.config.enable_rate_limit_response_headers) return { allowed: take.allowed };
    return { allowed: take.allowed, headers: headersOf(take) };
  }

  /** Refusals are audited only when the operator asked (Vault's `enable_rate_limit_audit_logging`). */
  get auditRefusals(): boolean {
    return this.config.enable_rate_limit_audit_logging;
  }

  /**
   * Replaces (or, when `change` returns undefined, deletes) every quota on `mountPath` or a path
   * inside it, in one storage batch. Prefix rather than equality catches quotas left on a path
   * inside the mount by a table written before mounts updated their quotas.
   */
  private rewriteMount(mountPath: string, change: (quota: RateLimitQuota) => RateLimitQuota | undefined): Promise<void> {
    return this.writes.run('', async () => {
      // INVARIANT: mount paths end with `/`, so `auth/a/` never matches `auth/ab/`, and the
      // global quota (mount_path `''`) is never touched.
      if (mountPath === '' || !mountPath.endsWith('/')) throw new Error(`not a mount path: ${mountPath}`);
      const rules = new Map(this.rules);
      const ops: StorageOp[] = [];
      for (const rule of this.rules.values()) {
        if (!rule.quota.mount_path.startsWith(mountPath)) continue;
        const key = RATE_LIMIT_PREFIX + rule.quota.name;
        const next = change(rule.quota);
        if (next === undefined) {
          ops.push({ type: 'delete', key });
          rules.delete(rule.quota.name);
        } else {
          ops.push({ type: 'put', key, value: encodeJson(next) });
          rules.set(next.name, { quota: next, buckets: rule.buckets });
        }
      }
      if (ops.length === 0) return;
      await this.storage().batch(ops);
      this.useRules(rules);
    });
  }

  private storage(): StorageView {
    if (this.view === undefined) throw new Error('quota table used while sealed');
    return this.view;
  }

  private useRules(rules: Map<string, Rule>): void {
    this.rules = rules;
    this.index = new QuotaIndex(rules.values());
    this.active = rules.size > 0;
  }

  private useConfig(config: QuotaConfig): void {
    this.config = config;
    this.exempt = new ExemptPaths(config.rate_limit_exempt_paths);
  }
}

function ruleOf(quota: RateLimitQuota): Rule {
  return {
    quota,
    buckets: new ClientBuckets({ rate: quota.rate, intervalMs: quota.interval * 1000, blockMs: quota.block_interval * 1000 }),
  };
}

/**
 * Vault's rate-limit headers (go-limiter's httplimit names, as Go's net/http writes them), in
 * whole seconds as Vault sends them; `Retry-After` on a refusal only.
 */
function headersOf(take: Take): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Ratelimit-Limit': String(take.limit),
    'X-Ratelimit-Remaining': String(take.remaining),
    'X-Ratelimit-Reset': String(Math.ceil(take.resetMs / 1000)),
  };
  if (!take.allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil(take.retryMs / 1000)));
  return headers;
}
