/** Request and response shapes of the `sys/*` endpoints the SDK covers (spec/vault-api.md §1.7, §2.1–2.3). */

export interface InitStatus {
  initialized: boolean;
}

export interface InitRequest {
  secret_shares: number;
  secret_threshold: number;
  pgp_keys?: string[];
  root_token_pgp_key?: string;
}

export interface InitResponse {
  keys: string[];
  keys_base64: string[];
  root_token: string;
}

/** `sys/seal-status` and `sys/unseal`. */
export interface SealStatus {
  type: string;
  initialized: boolean;
  sealed: boolean;
  /** Threshold. */
  t: number;
  /** Shares. */
  n: number;
  progress: number;
  nonce: string;
  version: string;
  build_date?: string;
  migration?: boolean;
  cluster_name?: string;
  cluster_id?: string;
  recovery_seal?: boolean;
  storage_type?: string;
}

export type UnsealRequest = string | { reset: true };

export interface HealthParams {
  standbyok?: boolean;
  perfstandbyok?: boolean;
  activecode?: number;
  standbycode?: number;
  sealedcode?: number;
  uninitcode?: number;
}

export interface HealthResponse {
  initialized: boolean;
  sealed: boolean;
  standby: boolean;
  performance_standby?: boolean;
  replication_performance_mode?: string;
  replication_dr_mode?: string;
  server_time_utc: number;
  version: string;
  cluster_name?: string;
  cluster_id?: string;
}

export interface LeaderResponse {
  ha_enabled: boolean;
  is_self?: boolean;
  leader_address?: string;
  leader_cluster_address?: string;
  active_time?: string;
}

export interface KeyStatus {
  term: number;
  install_time: string;
  encryptions?: number;
}

export interface MountConfig {
  default_lease_ttl?: number | string;
  max_lease_ttl?: number | string;
  force_no_cache?: boolean;
  audit_non_hmac_request_keys?: string[];
  audit_non_hmac_response_keys?: string[];
  listing_visibility?: 'unauth' | 'hidden' | '';
  passthrough_request_headers?: string[];
  allowed_response_headers?: string[];
  token_type?: string;
}

/** One entry of `sys/mounts` / `sys/auth`, keyed by `"<path>/"`. */
export interface MountInfo {
  type: string;
  description: string;
  accessor: string;
  uuid?: string;
  config: MountConfig & { default_lease_ttl?: number; max_lease_ttl?: number };
  options: Record<string, string> | null;
  local: boolean;
  seal_wrap: boolean;
  external_entropy_access?: boolean;
  plugin_version?: string;
}

export type MountTable = Record<string, MountInfo>;

export interface EnableMountRequest {
  type: string;
  description?: string;
  config?: MountConfig;
  /** KV: `{ version: '2' }`. */
  options?: Record<string, string>;
  local?: boolean;
  seal_wrap?: boolean;
}

export interface EnableAuthRequest {
  type: string;
  description?: string;
  config?: MountConfig;
  local?: boolean;
  seal_wrap?: boolean;
}

export interface TuneMountRequest extends MountConfig {
  description?: string;
  options?: Record<string, string>;
}

export interface MountTune {
  default_lease_ttl: number;
  max_lease_ttl: number;
  force_no_cache: boolean;
  description?: string;
  options?: Record<string, string>;
}
