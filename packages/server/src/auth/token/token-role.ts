import type { TokenTypeSetting } from '../../framework/token-type.js';
import type { StorageView } from '../../storage/storage-view.js';

/**
 * A token role (https://developer.hashicorp.com/vault/api-docs/auth/token#create-update-token-role):
 * lets `auth/token/create/:role_name` issue tokens that the caller could not create directly.
 */
export interface TokenRole {
  name: string;
  allowedPolicies: string[];
  disallowedPolicies: string[];
  orphan: boolean;
  renewable: boolean;
  pathSuffix: string;
  explicitMaxTtl: number;
  period: number;
  noDefaultPolicy: boolean;
  numUses: number;
  /** `default-service` (Vault's default) and `default-batch` yield to the request's `type`. */
  tokenType: TokenTypeSetting;
}

export const roleKey = (name: string) => `roles/${name}`;

export const newRole = (name: string): TokenRole => ({
  name,
  allowedPolicies: [],
  disallowedPolicies: [],
  orphan: false,
  renewable: true,
  pathSuffix: '',
  explicitMaxTtl: 0,
  period: 0,
  noDefaultPolicy: false,
  numUses: 0,
  tokenType: 'default-service',
});

export const readRole = (storage: StorageView, name: string): Promise<TokenRole | undefined> =>
  storage.getJson<TokenRole>(roleKey(name));

/** The role as Vault's read returns it (legacy names beside the `token_*` ones). */
export function roleData(role: TokenRole): Record<string, unknown> {
  return {
    allowed_entity_aliases: [],
    allowed_policies: role.allowedPolicies,
    allowed_policies_glob: [],
    disallowed_policies: role.disallowedPolicies,
    disallowed_policies_glob: [],
    explicit_max_ttl: role.explicitMaxTtl,
    name: role.name,
    orphan: role.orphan,
    path_suffix: role.pathSuffix,
    period: role.period,
    renewable: role.renewable,
    token_bound_cidrs: [],
    token_explicit_max_ttl: role.explicitMaxTtl,
    token_no_default_policy: role.noDefaultPolicy,
    token_num_uses: role.numUses,
    token_period: role.period,
    token_type: role.tokenType,
  };
}
