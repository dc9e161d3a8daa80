import { VaultError, invalidRequest } from '../../errors.js';
import type { EngineRequest, RequestAuth } from '../../framework/engine.js';
import type { TokenEntry } from './token-entry.js';
import type { TokenStore } from './token-store.js';

/**
 * Paths a token uses on itself. The built-in `default` Cedar policy permits them for every
 * token (ARCHITECTURE.md, "Cedar model"); they act only on the caller's own token.
 */
export const SELF_PATHS = ['lookup-self', 'renew-self', 'revoke-self'] as const;

/** The Cedar resource of a token-store path: `auth/token/<path>`. */
export const tokenResource = (req: EngineRequest<unknown>, path: string): string => `${req.mount.path}${path}`;

export function requireAuth(req: EngineRequest<unknown>): RequestAuth {
  if (!req.auth) throw new VaultError('permission_denied', 'permission denied');
  return req.auth;
}

/**
 * Looks a token up for a handler. When it is the caller's own token, the lookup also sees a
 * token whose last use this very request consumed (see `TokenStore.consumeUse`).
 */
export async function resolveToken(store: TokenStore, req: EngineRequest<unknown>, token: string): Promise<TokenEntry | undefined> {
  if (token === '') return undefined;
  const own = req.auth !== undefined && store.isToken(token, req.auth.tokenHash);
  return store.lookup(token, { includeExhausted: own });
}

/** The caller's own token entry. */
export async function callerEntry(store: TokenStore, req: EngineRequest<unknown>): Promise<TokenEntry | undefined> {
  const auth = requireAuth(req);
  // A batch token is stored nowhere: only the token itself leads to its entry.
  if (auth.batch) return store.lookup(auth.clientToken);
  return store.lookupByHash(auth.tokenHash, { includeExhausted: true });
}

/** Vault's answer to revoking a batch token, which only its TTL or its parent can end. */
export const batchNotRevocable = () => invalidRequest('batch tokens cannot be revoked');
