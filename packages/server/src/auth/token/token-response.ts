import type { AuthIssue } from '../../framework/engine.js';
import { isOrphan, type TokenEntry } from './token-entry.js';

/** Vault's `auth` object in a response envelope (spec §1.4). */
export interface VaultAuth {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies: string[];
  metadata: Record<string, string> | null;
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: 'service' | 'batch';
  orphan: boolean;
  num_uses: number;
  mfa_requirement: null;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const remaining = (entry: TokenEntry, nowMs: number): number =>
  entry.expireTime === 0 ? 0 : Math.max(0, Math.floor((entry.expireTime - nowMs) / 1000));

/**
 * The `data` of `auth/token/lookup*` (https://developer.hashicorp.com/vault/api-docs/auth/token#lookup-a-token).
 * `token` is echoed as `id` only when the caller supplied it; lookup-accessor passes ''.
 */
export function lookupData(entry: TokenEntry, nowMs: number, token: string): Record<string, unknown> {
  const data: Record<string, unknown> = {
    accessor: entry.accessor,
    creation_time: entry.creationTime,
    creation_ttl: entry.creationTtl,
    display_name: entry.displayName,
    entity_id: entry.entityId,
    expire_time: entry.expireTime === 0 ? null : iso(entry.expireTime),
    explicit_max_ttl: entry.explicitMaxTtl,
    id: token,
    identity_policies: [],
    issue_time: iso(entry.issueTime),
    meta: Object.keys(entry.meta).length === 0 ? null : { ...entry.meta },
    num_uses: entry.numUses,
    orphan: isOrphan(entry),
    path: entry.path,
    policies: [...entry.policies],
    renewable: entry.renewable,
    ttl: remaining(entry, nowMs),
    type: entry.type,
  };
  if (entry.period > 0) data['period'] = entry.period;
  if (entry.role !== undefined) data['role'] = entry.role;
  if (entry.lastRenewalTime > 0) {
    data['last_renewal_time'] = Math.floor(entry.lastRenewalTime / 1000);
    data['last_renewal'] = iso(entry.lastRenewalTime);
  }
  return data;
}

/**
 * The `EngineResponse.auth` for a token that already exists (create, renew). `clientToken` is ''
 * for renew-accessor, as in Vault. `accessor` being set ('' for a batch token, which has none)
 * tells the pipeline the token exists:
 * it must not create another one, only render `renderAuth(issue)`. `ttl` is the TTL just granted
 * (0 = never expires, not "the mount default").
 */
export function authIssueFor(clientToken: string, entry: TokenEntry): AuthIssue {
  const issue: AuthIssue = {
    clientToken,
    accessor: entry.accessor,
    policies: [...entry.policies],
    displayName: entry.displayName,
    metadata: { ...entry.meta },
    ttl: entry.ttl,
    explicitMaxTtl: entry.explicitMaxTtl,
    period: entry.period,
    numUses: entry.numUses,
    renewable: entry.renewable,
    entityId: entry.entityId,
    tokenType: entry.type,
    orphan: isOrphan(entry),
  };
  if (entry.principal) issue.principal = entry.principal;
  return issue;
}

/** Renders an `AuthIssue` for an existing token as Vault's envelope `auth` object. */
export function renderAuth(issue: AuthIssue): VaultAuth {
  const metadata = issue.metadata && Object.keys(issue.metadata).length > 0 ? { ...issue.metadata } : null;
  return {
    client_token: issue.clientToken ?? '',
    accessor: issue.accessor ?? '',
    policies: [...issue.policies],
    token_policies: [...issue.policies],
    metadata,
    lease_duration: issue.ttl ?? 0,
    renewable: issue.renewable ?? false,
    entity_id: issue.entityId ?? '',
    token_type: issue.tokenType === 'batch' ? 'batch' : 'service',
    orphan: issue.orphan ?? false,
    num_uses: issue.numUses ?? 0,
    mfa_requirement: null,
  };
}
