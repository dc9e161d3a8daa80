import { invalidRequest } from '../errors.js';
import type { AuthIssue } from '../framework/engine.js';
import type { FieldValues } from '../framework/fields.js';
import { parseTokenTypeSetting, type TokenTypeSetting } from '../framework/token-type.js';
import { validateCidrs } from './cidr.js';

/**
 * Vault's common token fields of auth-method roles and users ("tokenutil",
 * https://developer.hashicorp.com/vault/docs/auth/userpass#token_policies): declared once for
 * every auth method that issues tokens. The un-prefixed names are Vault's deprecated spellings,
 * still sent by older clients; the `token_` name wins when both are given.
 */
export const tokenFields = {
  token_policies: { type: 'strings', description: 'Policies of issued tokens (Cedar `Role::` names).' },
  policies: { type: 'strings', description: 'Deprecated: use `token_policies`.' },
  token_ttl: { type: 'duration', description: 'Initial TTL of issued tokens; 0 = the mount default.' },
  ttl: { type: 'duration', description: 'Deprecated: use `token_ttl`.' },
  token_max_ttl: { type: 'duration', description: 'Maximum TTL of issued tokens; 0 = the mount maximum.' },
  max_ttl: { type: 'duration', description: 'Deprecated: use `token_max_ttl`.' },
  token_explicit_max_ttl: { type: 'duration', description: 'Hard lifetime limit of issued tokens.' },
  token_period: { type: 'duration', description: 'Makes issued tokens periodic.' },
  period: { type: 'duration', description: 'Deprecated: use `token_period`.' },
  token_num_uses: { type: 'int', description: 'Use limit of issued tokens; 0 = unlimited.' },
  token_no_default_policy: { type: 'bool', description: 'Do not add the `default` policy to issued tokens.' },
  token_bound_cidrs: { type: 'strings', description: 'Client addresses (CIDR blocks) allowed to log in and use issued tokens.' },
  bound_cidrs: { type: 'strings', description: 'Deprecated: use `token_bound_cidrs`.' },
  token_type: { type: 'string', description: '`service`, `batch`, `default-batch` or `default`; the auth mount\'s `token_type` may override it.' },
} as const;

export type TokenFieldValues = FieldValues<typeof tokenFields>;

/** The token settings an auth method keeps per user or role. TTLs in seconds. */
export interface TokenSettings {
  policies: string[];
  ttl: number;
  maxTtl: number;
  explicitMaxTtl: number;
  period: number;
  numUses: number;
  noDefaultPolicy: boolean;
  boundCidrs: string[];
  /** `default` (also written `default-service`) lets the mount's `token_type` decide. */
  tokenType: 'default' | Exclude<TokenTypeSetting, 'default-service'>;
}

export const defaultTokenSettings = (): TokenSettings => ({
  policies: [],
  ttl: 0,
  maxTtl: 0,
  explicitMaxTtl: 0,
  period: 0,
  numUses: 0,
  noDefaultPolicy: false,
  boundCidrs: [],
  tokenType: 'default',
});

/** `current` with the fields the request gave; 400 on an invalid combination. */
export function applyTokenFields(current: TokenSettings, d: Partial<TokenFieldValues>): TokenSettings {
  const next = { ...current };
  const policies = d.token_policies ?? d.policies;
  if (policies !== undefined) next.policies = cleanPolicies(policies);
  const ttl = d.token_ttl ?? d.ttl;
  if (ttl !== undefined) next.ttl = ttl;
  const maxTtl = d.token_max_ttl ?? d.max_ttl;
  if (maxTtl !== undefined) next.maxTtl = maxTtl;
  if (d.token_explicit_max_ttl !== undefined) next.explicitMaxTtl = d.token_explicit_max_ttl;
  const period = d.token_period ?? d.period;
  if (period !== undefined) next.period = period;
  if (d.token_num_uses !== undefined) {
    if (d.token_num_uses < 0) throw invalidRequest('`token_num_uses` cannot be negative');
    next.numUses = d.token_num_uses;
  }
  if (d.token_no_default_policy !== undefined) next.noDefaultPolicy = d.token_no_default_policy;
  const cidrs = d.token_bound_cidrs ?? d.bound_cidrs;
  if (cidrs !== undefined) next.boundCidrs = validateCidrs('token_bound_cidrs', cidrs);
  if (d.token_type !== undefined) {
    const type = parseTokenTypeSetting(d.token_type);
    next.tokenType = type === 'default-service' ? 'default' : type;
  }
  // Vault's tokenutil: a batch token has no period and no use limit.
  if (next.tokenType === 'batch' || next.tokenType === 'default-batch') {
    if (next.period !== 0) throw invalidRequest('`token_type` cannot be `batch` or `default-batch` when set to generate periodic tokens');
    if (next.numUses !== 0) throw invalidRequest('`token_type` cannot be `batch` or `default-batch` when set to generate tokens with limited use count');
  }
  if (next.maxTtl > 0 && next.ttl > next.maxTtl) throw invalidRequest('`token_ttl` cannot be greater than `token_max_ttl`');
  return next;
}

/** The settings as Vault renders them in a role or user read. */
export function tokenSettingsData(s: TokenSettings): Record<string, unknown> {
  return {
    token_policies: [...s.policies],
    policies: [...s.policies],
    token_ttl: s.ttl,
    token_max_ttl: s.maxTtl,
    token_explicit_max_ttl: s.explicitMaxTtl,
    token_period: s.period,
    token_num_uses: s.numUses,
    token_no_default_policy: s.noDefaultPolicy,
    token_bound_cidrs: [...s.boundCidrs],
    token_type: s.tokenType,
  };
}

/** The token part of a login result. The token service adds `default` unless told not to. */
export function tokenAuth(
  s: TokenSettings,
): Pick<AuthIssue, 'policies' | 'ttl' | 'maxTtl' | 'explicitMaxTtl' | 'period' | 'numUses' | 'noDefaultPolicy' | 'renewable' | 'tokenType'> {
  return {
    policies: [...s.policies],
    ttl: s.ttl,
    maxTtl: s.maxTtl,
    explicitMaxTtl: s.explicitMaxTtl,
    period: s.period,
    numUses: s.numUses,
    noDefaultPolicy: s.noDefaultPolicy,
    renewable: true,
    tokenType: s.tokenType,
  };
}

function cleanPolicies(policies: readonly string[]): string[] {
  return [...new Set(policies.map((p) => p.trim()).filter((p) => p !== ''))].sort();
}
