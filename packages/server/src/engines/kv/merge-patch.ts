import { isPlainObject } from '../../framework/fields.js';

/**
 * JSON Merge Patch (RFC 7396, https://www.rfc-editor.org/rfc/rfc7396): objects merge key by
 * key, `null` removes a key, anything else replaces. Never mutates its inputs.
 *
 * Results are built with `Object.fromEntries`, which defines own properties, so a `__proto__`
 * key in client JSON stays data and cannot reach an object's prototype.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const merged = new Map<string, unknown>(isPlainObject(target) ? Object.entries(target) : []);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) merged.delete(key);
    else merged.set(key, mergePatch(merged.get(key), value));
  }
  return Object.fromEntries(merged);
}

/** Merge-patches one object onto another: the KV v2 `data` and `custom_metadata` case. */
export function mergePatchObject(target: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const merged = mergePatch(target, patch);
  // INVARIANT: patching with an object always yields an object (RFC 7396 §2).
  return isPlainObject(merged) ? merged : {};
}
