/** Request and response shapes of `auth/token/*` (spec/vault-api.md §2.9). */

export interface TokenCreateRequest {
  /** Root only: the token's id. */
  id?: string;
  /** Creates against `auth/token/create/:role_name`. */
  role_name?: string;
  policies?: string[];
  meta?: Record<string, string>;
  no_parent?: boolean;
  no_default_policy?: boolean;
  renewable?: boolean;
  /** Duration string or seconds. */
  ttl?: string | number;
  type?: 'service' | 'batch';
  explicit_max_ttl?: string | number;
  display_name?: string;
  num_uses?: number;
  period?: string | number;
  entity_alias?: string;
}

/** `data` of the lookup endpoints. */
export interface TokenLookupData {
  accessor: string;
  creation_time: number;
  creation_ttl: number;
  display_name: string;
  entity_id: string;
  expire_time: string | null;
  explicit_max_ttl: number;
  /** Empty for lookup-accessor. */
  id: string;
  identity_policies?: string[];
  issue_time: string;
  meta: Record<string, string> | null;
  num_uses: number;
  orphan: boolean;
  path: string;
  policies: string[];
  renewable: boolean;
  ttl: number;
  type: 'service' | 'batch';
  period?: number;
}
