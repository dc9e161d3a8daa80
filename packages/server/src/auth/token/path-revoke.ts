import { VaultError, invalidRequest } from '../../errors.js';
import { definePath, type PathSpec } from '../../framework/engine.js';
import { batchNotRevocable, requireAuth, resolveToken, tokenResource } from './path-common.js';
import type { TokenStore } from './token-store.js';

const tokenField = { type: 'string', description: 'Token to revoke.', sensitive: true } as const;

/**
 * `auth/token/revoke`, `revoke-self` (self path), `revoke-accessor`, `revoke-orphan` (root),
 * `accessors` (root). Revocation takes the token's children with it, except revoke-orphan.
 * Batch tokens cannot be revoked (400, as in Vault) and have no accessor.
 */
export function revokePaths(store: TokenStore): readonly PathSpec[] {
  const revoke = definePath({
    pattern: 'revoke',
    fields: { token: tokenField },
    help: { synopsis: 'Revoke a token and all of its children.' },
    authz: (req) => ({ action: 'revoke', resource: tokenResource(req, 'revoke') }),
    operations: {
      update: {
        summary: 'Revoke a token and its children.',
        handle: async (req) => {
          const token = req.data.token ?? '';
          if (token === '') throw invalidRequest('missing token id');
          // An unknown or already revoked token is not an error (Vault answers 204).
          const entry = await resolveToken(store, req, token);
          if (entry?.type === 'batch') throw batchNotRevocable();
          if (entry) await store.revoke(entry.hash);
          return undefined;
        },
      },
    },
  });

  // SELF PATH: acts only on the calling token.
  const revokeSelf = definePath({
    pattern: 'revoke-self',
    fields: {},
    help: { synopsis: 'Revoke the calling token and all of its children (self path).' },
    authz: (req) => ({ action: 'revoke', resource: tokenResource(req, 'revoke-self') }),
    operations: {
      update: {
        summary: 'Revoke the calling token.',
        handle: async (req) => {
          const auth = requireAuth(req);
          if (auth.batch) throw batchNotRevocable();
          await store.revoke(auth.tokenHash);
          return undefined;
        },
      },
    },
  });

  const revokeAccessor = definePath({
    pattern: 'revoke-accessor',
    fields: { accessor: { type: 'string', description: 'Accessor of the token to revoke.' } },
    help: { synopsis: 'Revoke a token and its children by the token\'s accessor.' },
    authz: (req) => ({ action: 'revoke', resource: tokenResource(req, 'revoke-accessor') }),
    operations: {
      update: {
        summary: 'Revoke a token by accessor.',
        handle: async (req) => {
          const accessor = req.data.accessor ?? '';
          if (accessor === '') throw invalidRequest('missing accessor');
          const entry = await store.lookupByAccessor(accessor);
          if (!entry) throw invalidRequest('invalid accessor');
          await store.revoke(entry.hash);
          return undefined;
        },
      },
    },
  });

  const revokeOrphan = definePath({
    pattern: 'revoke-orphan',
    fields: { token: tokenField },
    help: { synopsis: 'Revoke a token but not its children, which become orphans (root only).' },
    authz: (req) => ({ action: 'sudo', resource: tokenResource(req, 'revoke-orphan') }),
    operations: {
      update: {
        summary: 'Revoke a token, orphaning its children.',
        handle: async (req) => {
          if (!requireAuth(req).isRoot) throw invalidRequest('root or sudo privileges required to revoke and orphan');
          const token = req.data.token ?? '';
          if (token === '') throw invalidRequest('missing token id');
          const entry = await resolveToken(store, req, token);
          if (!entry) throw invalidRequest('token to revoke not found');
          if (entry.type === 'batch') throw batchNotRevocable();
          await store.revokeOrphan(entry.hash);
          return undefined;
        },
      },
    },
  });

  const accessors = definePath({
    pattern: 'accessors',
    fields: {},
    help: {
      synopsis: 'List the accessors of all tokens (root only).',
      description: 'Accessors can revoke tokens in bulk, so Vault makes this a sudo path.',
    },
    authz: (req) => ({ action: 'sudo', resource: tokenResource(req, 'accessors') }),
    operations: {
      list: {
        summary: 'List token accessors.',
        handle: async () => {
          const keys = store.listAccessors();
          if (keys.length === 0) throw new VaultError('not_found', '');
          return { data: { keys } };
        },
      },
    },
  });

  return [revoke, revokeSelf, revokeAccessor, revokeOrphan, accessors];
}
