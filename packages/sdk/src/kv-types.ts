import type { VaultResponse } from './types.js';

/** Request and response shapes of the KV v2 engine (spec/vault-api.md §2.10). */

/** Metadata of one version, returned by writes and inside reads. */
export interface KvVersionMetadata {
  created_time: string;
  custom_metadata: Record<string, string> | null;
  /** Empty string when not deleted. */
  deletion_time: string;
  destroyed: boolean;
  version: number;
}

/** `GET :mount/data/:path`. `data` is `null` for a deleted or destroyed version. */
export interface KvSecretData<T = Record<string, unknown>> {
  data: T | null;
  metadata: KvVersionMetadata;
}

export type KvReadResponse<T = Record<string, unknown>> = VaultResponse<KvSecretData<T>>;
export type KvWriteResponse = VaultResponse<KvVersionMetadata>;

export interface KvReadOptions {
  /** 0 or absent = latest. */
  version?: number;
}

export interface KvWriteOptions {
  /** Check-and-set: 0 = only if absent; otherwise the current version. */
  cas?: number;
}

/** `GET :mount/metadata/:path`. */
export interface KvMetadata {
  cas_required: boolean;
  created_time: string;
  current_version: number;
  delete_version_after: string;
  max_versions: number;
  oldest_version: number;
  updated_time: string;
  custom_metadata: Record<string, string> | null;
  versions: Record<string, { created_time: string; deletion_time: string; destroyed: boolean }>;
}

export type KvMetadataResponse = VaultResponse<KvMetadata>;

/** `POST :mount/metadata/:path`. */
export interface KvMetadataWrite {
  max_versions?: number;
  cas_required?: boolean;
  /** Duration, `"0s"` = never. */
  delete_version_after?: string;
  custom_metadata?: Record<string, string>;
}
