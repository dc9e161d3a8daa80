import { invalidRequest } from '../../errors.js';
import { isPlainObject } from '../../framework/fields.js';
import type { TokenEntry } from './token-entry.js';

/**
 * Batch tokens (https://developer.hashicorp.com/vault/docs/concepts/tokens#batch-tokens): the
 * token *is* its entry, encrypted by the barrier's keyring, so creating one writes nothing.
 *
 *   b.<base64url of the barrier's value format: version | term | nonce | ciphertext | tag>
 *
 * The plaintext is the JSON below. The additional data is a context no stored value can have
 * (see `AesGcmBarrier.encryptDetached`), so neither a stored ciphertext nor a batch token of
 * another vault opens here. Old keyring terms stay readable after `sys/rotate`, so batch tokens
 * outlive a rotation and a seal, as in Vault; only their TTL or their parent's revocation ends
 * them.
 */

/** The barrier, as the token store uses it for batch tokens (`AesGcmBarrier` implements it). */
export interface DetachedCipher {
  encryptDetached(context: string, plaintext: Uint8Array): Uint8Array;
  decryptDetached(context: string, value: Uint8Array): Uint8Array;
}

/** Vault's batch-token prefix before 1.10 (`hvb.` since), beside our `s.` service tokens. */
export const BATCH_TOKEN_PREFIX = 'b.';
const CONTEXT = 'token/batch';
const FORMAT = 1;
/** Real tokens are a few hundred characters; the cap bounds what a forged one can cost us. */
const MAX_TOKEN_LENGTH = 8192;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export const isBatchToken = (token: string): boolean => token.startsWith(BATCH_TOKEN_PREFIX);

/** What a batch token carries. Its hash is derived from the token, never carried. */
interface Payload {
  v: typeof FORMAT;
  policies: string[];
  meta?: Record<string, string>;
  displayName: string;
  /** Unix ms. */
  issueTime: number;
  /** Seconds; always > 0. */
  ttl: number;
  /** Hash of the parent token; absent for an orphan. */
  parent?: string;
  path: string;
  entityId?: string;
  role?: string;
  principal?: { type: string; id: string };
}

/** The token for a new batch token's entry. 400 if it would be too long to be sent back. */
export function sealBatchToken(cipher: DetachedCipher, entry: TokenEntry): string {
  const payload: Payload = {
    v: FORMAT,
    policies: entry.policies,
    displayName: entry.displayName,
    issueTime: entry.issueTime,
    ttl: entry.ttl,
    path: entry.path,
  };
  if (Object.keys(entry.meta).length > 0) payload.meta = entry.meta;
  if (entry.parent !== undefined) payload.parent = entry.parent;
  if (entry.entityId !== '') payload.entityId = entry.entityId;
  if (entry.role !== undefined) payload.role = entry.role;
  if (entry.principal !== undefined) payload.principal = entry.principal;
  const sealed = cipher.encryptDetached(CONTEXT, new TextEncoder().encode(JSON.stringify(payload)));
  const token = BATCH_TOKEN_PREFIX + Buffer.from(sealed).toString('base64url');
  if (token.length > MAX_TOKEN_LENGTH) throw invalidRequest('batch token would be too long: use less metadata or fewer policies');
  return token;
}

/**
 * The entry inside a batch token, without its hash; `undefined` for anything that is not a
 * batch token sealed here — malformed, tampered with, or from another vault — without saying
 * which. The caller still checks expiry and the parent.
 */
export function openBatchToken(cipher: DetachedCipher, token: string): Omit<TokenEntry, 'hash'> | undefined {
  if (!isBatchToken(token) || token.length > MAX_TOKEN_LENGTH) return undefined;
  const text = token.slice(BATCH_TOKEN_PREFIX.length);
  if (!BASE64URL.test(text)) return undefined;
  const sealed = Buffer.from(text, 'base64url');
  // One token, one string: its hash names it (principal, audit), so no second spelling.
  if (sealed.toString('base64url') !== text) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cipher.decryptDetached(CONTEXT, sealed)).toString('utf8'));
  } catch {
    return undefined;
  }
  return isPayload(payload) ? toEntry(payload) : undefined;
}

function toEntry(p: Payload): Omit<TokenEntry, 'hash'> {
  const entry: Omit<TokenEntry, 'hash'> = {
    accessor: '',
    policies: [...p.policies],
    meta: { ...(p.meta ?? {}) },
    displayName: p.displayName,
    numUses: 0,
    creationTime: Math.floor(p.issueTime / 1000),
    creationTtl: p.ttl,
    ttl: p.ttl,
    expireTime: p.issueTime + p.ttl * 1000,
    issueTime: p.issueTime,
    lastRenewalTime: 0,
    explicitMaxTtl: 0,
    period: 0,
    renewable: false,
    path: p.path,
    type: 'batch',
    entityId: p.entityId ?? '',
  };
  if (p.parent !== undefined) entry.parent = p.parent;
  if (p.role !== undefined) entry.role = p.role;
  if (p.principal !== undefined) entry.principal = { type: p.principal.type, id: p.principal.id };
  return entry;
}

/**
 * The payload was authenticated, so a mismatch means a bug or a format we do not know; either
 * way the token is refused rather than half-read.
 */
function isPayload(p: unknown): p is Payload {
  if (!isPlainObject(p) || p['v'] !== FORMAT) return false;
  const str = (v: unknown) => typeof v === 'string';
  const opt = (v: unknown) => v === undefined || str(v);
  const meta = p['meta'];
  const principal = p['principal'];
  return (
    Array.isArray(p['policies']) &&
    p['policies'].every(str) &&
    (meta === undefined || (isPlainObject(meta) && Object.values(meta).every(str))) &&
    str(p['displayName']) &&
    Number.isSafeInteger(p['issueTime']) &&
    Number.isSafeInteger(p['ttl']) &&
    (p['ttl'] as number) > 0 &&
    opt(p['parent']) &&
    str(p['path']) &&
    opt(p['entityId']) &&
    opt(p['role']) &&
    (principal === undefined || (isPlainObject(principal) && str(principal['type']) && str(principal['id'])))
  );
}

/**
 * What a batch token cannot be, checked when one is created (Vault's token store refuses the
 * same: https://developer.hashicorp.com/vault/docs/concepts/tokens#token-type-comparison).
 * Nothing revokes an orphan batch token before its TTL, so a root or never-expiring one must
 * never exist; a use limit could not be counted without storage.
 */
export function assertBatchable(params: { numUses?: number; id?: string }, policies: readonly string[]): void {
  if (policies.includes('root')) throw invalidRequest('batch tokens cannot be root tokens');
  if ((params.numUses ?? 0) !== 0) throw invalidRequest('batch tokens cannot have `num_uses` set');
  if (params.id !== undefined) throw invalidRequest('batch tokens cannot have a custom `id`');
}
