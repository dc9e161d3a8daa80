import { invalidRequest } from '../../errors.js';
import { deepFreeze } from '../../framework/record-cache.js';
import type { KeyMetadata, KvConfig, VersionMeta } from './version-store.js';

/**
 * Rules every KV v2 path group applies the same way: when a version counts as deleted, when a
 * new version is scheduled for deletion, check-and-set, and the metadata shape of responses.
 * See https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2.
 */

/** A version reads as deleted once its deletion time has passed, or when destroyed. */
export function isReadable(entry: VersionMeta, nowMs: number): boolean {
  if (entry.destroyed) return false;
  return entry.deletion_time === '' || Date.parse(entry.deletion_time) > nowMs;
}

/**
 * The deletion time for a version created (or undeleted) at `fromMs`: the smaller non-zero
 * `delete_version_after` of the mount and the key, or '' when neither is set.
 */
export function scheduledDeletion(fromMs: number, config: KvConfig, meta: KeyMetadata): string {
  const candidates = [config.delete_version_after, meta.delete_version_after].filter((s) => s > 0);
  if (candidates.length === 0) return '';
  return new Date(fromMs + Math.min(...candidates) * 1000).toISOString();
}

/**
 * Check-and-set (`options.cas`): when given it must equal the current version (0 = the secret
 * must not have a version yet); when the mount or the key requires it, it must be given.
 */
export function checkCas(options: Record<string, unknown> | undefined, config: KvConfig, meta: KeyMetadata | undefined): void {
  const raw = options?.['cas'];
  if (raw === undefined || raw === null) {
    if (config.cas_required || meta?.cas_required === true) {
      throw invalidRequest('check-and-set parameter required for this call');
    }
    return;
  }
  const cas = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(cas)) throw invalidRequest('error parsing check-and-set parameter');
  if (cas < 0) throw invalidRequest('check-and-set parameter must not be negative');
  if (cas !== (meta?.current_version ?? 0)) {
    throw invalidRequest('check-and-set parameter did not match the current version');
  }
}

/** The per-version metadata KV v2 returns on read and write. */
export function versionView(meta: Readonly<KeyMetadata>, version: number, entry: Readonly<VersionMeta>): Record<string, unknown> {
  // A frozen entry belongs to a cached metadata view (version-store.ts) that never changes, so its
  // view is made once and shared, frozen too: the audit formatter then hashes it once.
  const frozen = Object.isFrozen(entry) && Object.isFrozen(meta);
  if (frozen) {
    const known = frozenViews.get(entry);
    if (known !== undefined) return known;
  }
  const view = {
    created_time: entry.created_time,
    custom_metadata: meta.custom_metadata,
    deletion_time: entry.deletion_time,
    destroyed: entry.destroyed,
    version,
  };
  if (frozen) frozenViews.set(entry, deepFreeze(view));
  return view;
}

/** Frozen version entries → their response view (see {@link versionView}). */
const frozenViews = new WeakMap<object, Record<string, unknown>>();

/** Which version a `version` parameter names: 0, negative or absent mean the current one. */
export const resolveVersion = (meta: KeyMetadata, requested: number | undefined): number =>
  requested !== undefined && requested > 0 ? requested : meta.current_version;

/** Validates a `versions` list for delete/undelete/destroy (Vault: 400 when missing or empty). */
export function requireVersions(versions: number[] | undefined): number[] {
  if (versions === undefined || versions.length === 0) throw invalidRequest('no version number provided');
  if (versions.some((n) => n < 1)) throw invalidRequest('field `versions` must list version numbers of 1 or more');
  return versions;
}
