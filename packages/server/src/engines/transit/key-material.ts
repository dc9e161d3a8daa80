import type { KeyObject } from 'node:crypto';
import type { KeyVersion } from './key-types.js';

/**
 * Key material decoded from a version (base64 bytes, parsed PEM), memoised per version object so
 * that a hot key costs no base64 decode or key import per request. Only frozen versions are
 * memoised — those of the records key-cache.ts shares — so a memo can never outlive a change to
 * the version it was made from; it goes when the cache drops the record (seal, unmount, eviction).
 * INVARIANT: callers never write into a returned Buffer (Node's crypto copies what it is given).
 */
interface Material {
  key?: Buffer;
  hmacKey?: Buffer;
  privateKey?: KeyObject;
  publicKey?: KeyObject;
}

const memos = new WeakMap<KeyVersion, Material>();

/** `compute()` for `version`, remembered when the version is frozen (shared by the key cache). */
export function memoised<F extends keyof Material>(version: KeyVersion, field: F, compute: () => NonNullable<Material[F]>): NonNullable<Material[F]> {
  if (!Object.isFrozen(version)) return compute();
  let material = memos.get(version);
  if (material === undefined) {
    material = {};
    memos.set(version, material);
  }
  return (material[field] ??= compute()) as NonNullable<Material[F]>;
}

/** The version's symmetric key (`key`), decoded. */
export const keyBytes = (version: KeyVersion): Buffer => memoised(version, 'key', () => Buffer.from(version.key ?? '', 'base64'));

/** The version's HMAC key (`hmacKey`), decoded. */
export const hmacKeyBytes = (version: KeyVersion): Buffer => memoised(version, 'hmacKey', () => Buffer.from(version.hmacKey, 'base64'));
