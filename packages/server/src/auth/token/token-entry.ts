import { VaultError, invalidRequest } from '../../errors.js';
import type { TokenType } from '../../framework/token-type.js';
import { BATCH_TOKEN_PREFIX, assertBatchable } from './batch-token.js';

/**
 * What the token store keeps about a token. The token itself is never part of it: entries are
 * stored and indexed under the token's salted hash (see token-store.ts). A batch token's entry
 * is not stored: it travels inside the token, encrypted (see batch-token.ts).
 */
export interface TokenEntry {
  /** HMAC-SHA256 of the token under the store's salt, hex. The storage key; not secret. */
  hash: string;
  /**
   * Shown to clients (Vault does); stored in clear only inside this entry, under the barrier.
   * '' for batch tokens, which have none.
   */
  accessor: string;
  /** Sorted and deduplicated; `default` added unless `noDefaultPolicy`; never with `root`. */
  policies: string[];
  meta: Record<string, string>;
  displayName: string;
  /** Remaining uses; 0 = unlimited. */
  numUses: number;
  /** Set when the last use was consumed: the token is unusable and is revoked after its request. */
  exhausted?: boolean;
  /** Unix seconds. */
  creationTime: number;
  /** TTL at creation, seconds (0 = never expires). */
  creationTtl: number;
  /** Current lease TTL, seconds, as of `issueTime` or the last renewal. */
  ttl: number;
  /** Unix ms; 0 = never expires. */
  expireTime: number;
  /** Unix ms of creation (Vault's `issue_time`). */
  issueTime: number;
  /** Unix ms of the last renewal; 0 = never renewed. */
  lastRenewalTime: number;
  explicitMaxTtl: number;
  period: number;
  renewable: boolean;
  /** Hash of the parent token; absent for orphans. */
  parent?: string;
  /** Creation path, e.g. `auth/token/create`, `auth/userpass/login/alice`. */
  path: string;
  type: TokenType;
  entityId: string;
  /** Token role this token was created against (`auth/token/create/:role_name`). */
  role?: string;
  principal?: { type: string; id: string };
  internal?: Record<string, unknown>;
}

/** What `TokenStore.create` needs. TTLs in seconds; 0 or absent means "not set". */
export interface CreateTokenParams {
  policies: readonly string[];
  meta?: Record<string, string>;
  /** Final display name (the token engine adds Vault's `token-` prefix itself). */
  displayName?: string;
  ttl?: number;
  explicitMaxTtl?: number;
  period?: number;
  numUses?: number;
  /** Default true. Non-expiring tokens are never renewable. */
  renewable?: boolean;
  /** Parent token hash; absent = orphan. */
  parentHash?: string;
  /** Do not add `default` (an explicitly listed `default` is kept). */
  noDefaultPolicy?: boolean;
  path: string;
  /** Custom token id (root callers only: the caller checks). */
  id?: string;
  entityId?: string;
  role?: string;
  principal?: { type: string; id: string };
  internal?: Record<string, unknown>;
  /**
   * Default `service`. A batch token cannot be root, have a use limit or a custom id; its period
   * and explicit max TTL only shape its TTL (as in Vault's logins); it is never renewable and
   * carries no `internal`.
   */
  type?: TokenType;
}

/** Vault's 768h: the system default and maximum token TTL. */
export const SYSTEM_MAX_TTL = 768 * 3600;

export const isOrphan = (entry: TokenEntry): boolean => entry.parent === undefined;

export const isRootEntry = (entry: TokenEntry): boolean => entry.policies.includes('root');

/** Sorted, deduplicated, empty names dropped; `default` added when asked, never beside `root`. */
export function sanitizePolicies(policies: readonly string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim()).filter((p) => p !== ''));
  if (addDefault && !set.has('root')) set.add('default');
  return [...set].sort();
}

/**
 * A new token's entry, validated, with no hash or accessor yet: what service and batch tokens
 * share. `parent` is the live parent entry (absent for an orphan).
 */
export function draftEntry(
  params: CreateTokenParams,
  nowMs: number,
  parent: TokenEntry | undefined,
  systemMax: number,
): { entry: TokenEntry; warnings: string[] } {
  const policies = sanitizePolicies(params.policies, !params.noDefaultPolicy);
  const numUses = params.numUses ?? 0;
  const explicitMaxTtl = params.explicitMaxTtl ?? 0;
  const period = params.period ?? 0;
  if (numUses < 0) throw invalidRequest('number of uses cannot be negative');
  if ((params.ttl ?? 0) < 0 || explicitMaxTtl < 0 || period < 0) throw invalidRequest('ttl values must be positive');
  const batch = params.type === 'batch';
  if (batch) assertBatchable(params, policies);
  // A `b.` token is always looked up as a batch token: no service token may look like one.
  else if (params.id?.startsWith(BATCH_TOKEN_PREFIX)) throw invalidRequest('custom token ids cannot have the `b.` prefix');

  const { ttl, warnings } = initialTtl({ ttl: params.ttl ?? 0, period, explicitMaxTtl, isRoot: policies.includes('root'), systemMax });
  if (ttl === 0 && parent && parent.expireTime !== 0) {
    throw invalidRequest('expiring root tokens cannot create non-expiring root tokens');
  }
  // INVARIANT: every batch token expires: nothing else ends an orphan one. (assertBatchable
  // refuses root, the only kind initialTtl lets live forever.)
  if (batch && ttl === 0) throw new VaultError('internal', 'a batch token must expire');

  const entry: TokenEntry = {
    hash: '',
    accessor: '',
    policies,
    meta: { ...(params.meta ?? {}) },
    displayName: params.displayName ?? 'token',
    numUses,
    creationTime: Math.floor(nowMs / 1000),
    creationTtl: ttl,
    ttl,
    expireTime: ttl > 0 ? nowMs + ttl * 1000 : 0,
    issueTime: nowMs,
    lastRenewalTime: 0,
    // A batch token's explicit max and period only shaped its TTL: Vault keeps neither.
    explicitMaxTtl: batch ? 0 : explicitMaxTtl,
    period: batch ? 0 : period,
    // Non-expiring tokens cannot be renewed, so Vault does not advertise them as renewable.
    renewable: !batch && ttl > 0 && (params.renewable ?? true),
    path: params.path,
    type: batch ? 'batch' : 'service',
    entityId: params.entityId ?? '',
  };
  if (parent) entry.parent = parent.hash;
  if (params.role !== undefined) entry.role = params.role;
  if (params.principal) entry.principal = params.principal;
  if (params.internal && !batch) entry.internal = params.internal;
  return { entry, warnings };
}

export interface TtlDecision {
  /** Seconds; 0 = never expires. */
  ttl: number;
  warnings: string[];
}

/**
 * The TTL a new token gets, following Vault's token-create rules
 * (https://developer.hashicorp.com/vault/api-docs/auth/token#create-token):
 * periodic tokens live one period (capped by an explicit max) and are not bound by the system
 * max; a root-policy token with no TTL never expires (an explicit max still binds it); every
 * other token gets the system default when it asked for none, capped at the effective max.
 */
export function initialTtl(opts: {
  ttl: number;
  period: number;
  explicitMaxTtl: number;
  isRoot: boolean;
  systemMax: number;
}): TtlDecision {
  const { ttl, period, explicitMaxTtl, isRoot, systemMax } = opts;
  const warnings: string[] = [];
  if (period > 0) {
    if (explicitMaxTtl > 0 && period > explicitMaxTtl) {
      warnings.push(`period of ${period}s exceeded the explicit max ttl of ${explicitMaxTtl}s; ttl capped accordingly`);
      return { ttl: explicitMaxTtl, warnings };
    }
    return { ttl: period, warnings };
  }
  if (ttl === 0 && isRoot) return { ttl: explicitMaxTtl, warnings };
  const max = explicitMaxTtl > 0 ? Math.min(explicitMaxTtl, systemMax) : systemMax;
  const wanted = ttl > 0 ? ttl : systemMax;
  if (wanted > max) {
    if (ttl > 0) warnings.push(`ttl of ${ttl}s exceeded the effective max ttl of ${max}s; ttl capped accordingly`);
    return { ttl: max, warnings };
  }
  return { ttl: wanted, warnings };
}

/**
 * The TTL after a renewal at `nowMs`. Periodic tokens renew to their period; others to the
 * increment (or their creation TTL). Either way the token never outlives its explicit max, and
 * non-periodic tokens never outlive the system max, both counted from issue time.
 */
export function renewedTtl(entry: TokenEntry, incrementSeconds: number, nowMs: number, systemMax: number): number {
  const elapsed = Math.max(0, Math.floor((nowMs - entry.issueTime) / 1000));
  let ttl = entry.period > 0 ? entry.period : incrementSeconds > 0 ? incrementSeconds : entry.creationTtl || systemMax;
  const limits: number[] = [];
  if (entry.explicitMaxTtl > 0) limits.push(entry.explicitMaxTtl - elapsed);
  if (entry.period === 0) limits.push(systemMax - elapsed);
  for (const limit of limits) ttl = Math.min(ttl, limit);
  return Math.max(0, ttl);
}
