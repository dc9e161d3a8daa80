import type { MountEntry } from '../framework/engine.js';

/** A mount as `sys/mounts` and `sys/auth` show it (spec §2.3). */
export function mountInfo(entry: MountEntry) {
  return {
    accessor: entry.accessor,
    config: {
      default_lease_ttl: entry.config.default_lease_ttl,
      max_lease_ttl: entry.config.max_lease_ttl,
      force_no_cache: entry.config.force_no_cache ?? false,
      ...(entry.config.listing_visibility && { listing_visibility: entry.config.listing_visibility }),
      ...(entry.config.audit_non_hmac_request_keys && { audit_non_hmac_request_keys: entry.config.audit_non_hmac_request_keys }),
      ...(entry.config.audit_non_hmac_response_keys && { audit_non_hmac_response_keys: entry.config.audit_non_hmac_response_keys }),
      ...(entry.config.passthrough_request_headers && { passthrough_request_headers: entry.config.passthrough_request_headers }),
      ...(entry.config.allowed_response_headers && { allowed_response_headers: entry.config.allowed_response_headers }),
      ...(entry.kind === 'auth' && { token_type: entry.config.token_type ?? 'default-service' }),
    },
    description: entry.description,
    external_entropy_access: false,
    local: entry.local,
    options: Object.keys(entry.options).length ? entry.options : null,
    plugin_version: '',
    running_plugin_version: '',
    running_sha256: '',
    seal_wrap: entry.seal_wrap,
    type: entry.type,
    uuid: entry.uuid,
  };
}

/** The tune view of a mount: effective TTLs in seconds. */
export function tuneInfo(entry: MountEntry, systemMax: number) {
  return {
    default_lease_ttl: entry.config.default_lease_ttl || systemMax,
    max_lease_ttl: entry.config.max_lease_ttl || systemMax,
    force_no_cache: entry.config.force_no_cache ?? false,
    description: entry.description,
    ...(Object.keys(entry.options).length && { options: entry.options }),
    ...(entry.kind === 'auth' && { token_type: entry.config.token_type ?? 'default-service' }),
  };
}
