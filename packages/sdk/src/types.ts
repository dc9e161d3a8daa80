/** Wire shapes shared by every endpoint (spec/vault-api.md §1.4). Field names are Vault's. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'LIST' | 'HEAD';

/** `wrap_info`: when present, the reply carries only this. */
export interface WrapInfo {
  token: string;
  accessor: string;
  /** Seconds. */
  ttl: number;
  creation_time: string;
  creation_path: string;
  wrapped_accessor?: string;
}

/** `auth` block of login, token create and renew responses. */
export interface VaultAuth {
  client_token: string;
  accessor: string;
  policies: string[];
  token_policies?: string[];
  identity_policies?: string[];
  metadata: Record<string, string> | null;
  /** Seconds. */
  lease_duration: number;
  renewable: boolean;
  entity_id: string;
  token_type: 'service' | 'batch';
  orphan: boolean;
  num_uses: number;
  mfa_requirement?: unknown;
}

/** The logical response envelope. */
export interface VaultResponse<D = Record<string, unknown>> {
  request_id: string;
  lease_id: string;
  renewable: boolean;
  /** Seconds. */
  lease_duration: number;
  data: D;
  wrap_info: WrapInfo | null;
  warnings: string[] | null;
  auth: VaultAuth | null;
}

/** A response whose interesting part is `auth`. */
export type VaultAuthResponse = VaultResponse<Record<string, unknown> | null> & { auth: VaultAuth };

/** LIST responses. */
export interface ListData {
  keys: string[];
}

export type QueryValue = string | number | boolean | undefined;

/** Options of {@link VaultClient.request}. */
export interface RequestOptions {
  /** JSON-encoded. */
  body?: unknown;
  /** Appended to the URL; `undefined` values are skipped. */
  query?: Record<string, QueryValue>;
  headers?: Record<string, string>;
  /** Response-wrap the reply (`X-Vault-Wrap-TTL`): a duration string (`"5m"`) or seconds. */
  wrapTtl?: string | number;
  /** Overrides the client's token for this request (`null` sends none). */
  token?: string | null;
}
