import { VaultError, invalidRequest } from '../../errors.js';
import { definePath, type EngineRequest, type EngineResponse, type PathSpec } from '../../framework/engine.js';
import { callerEntry, requireAuth, resolveToken, tokenResource } from './path-common.js';
import { lookupData } from './token-response.js';
import type { TokenStore } from './token-store.js';

/** Spec §0: a revoked or unknown token looked up by anyone (root included) is 403 `bad token`. */
const badToken = () => new VaultError('permission_denied', 'bad token');

/** `auth/token/lookup`, `lookup-self` (self path), `lookup-accessor`. */
export function lookupPaths(store: TokenStore): readonly PathSpec[] {
  async function lookupToken(req: EngineRequest<unknown>, given: string | undefined): Promise<EngineResponse> {
    // Vault looks up the calling token when none is given.
    const token = given !== undefined && given !== '' ? given : (req.auth?.clientToken ?? '');
    if (token === '') throw invalidRequest('missing token id');
    const entry = await resolveToken(store, req, token);
    if (!entry) throw badToken();
    return { data: lookupData(entry, store.now(), token) };
  }

  const lookup = definePath({
    pattern: 'lookup',
    fields: { token: { type: 'string', description: 'Token to look up (default: the calling token).', sensitive: true } },
    help: { synopsis: 'Look up a token by its id.', description: 'GET takes the token in the query, POST in the body.' },
    authz: (req) => ({ action: 'read', resource: tokenResource(req, 'lookup') }),
    operations: {
      read: { summary: 'Look up a token (token in the query).', handle: (req) => lookupToken(req, req.data.token) },
      update: { summary: 'Look up a token.', handle: (req) => lookupToken(req, req.data.token) },
    },
  });

  // SELF PATH: acts only on the calling token.
  const selfHandle = async (req: EngineRequest<unknown>): Promise<EngineResponse> => {
    const auth = requireAuth(req);
    const entry = await callerEntry(store, req);
    if (!entry) throw badToken();
    return { data: lookupData(entry, store.now(), auth.clientToken) };
  };
  const lookupSelf = definePath({
    pattern: 'lookup-self',
    fields: {},
    help: { synopsis: 'Look up the calling token (self path).' },
    authz: (req) => ({ action: 'read', resource: tokenResource(req, 'lookup-self') }),
    operations: {
      read: { summary: 'Look up the calling token.', handle: selfHandle },
      update: { summary: 'Look up the calling token.', handle: selfHandle },
    },
  });

  const accessorHandle = async (accessor: string | undefined): Promise<EngineResponse> => {
    if (accessor === undefined || accessor === '') throw invalidRequest('missing accessor');
    const entry = await store.lookupByAccessor(accessor);
    if (!entry) throw invalidRequest('invalid accessor');
    // Knowing an accessor never reveals the token: `id` is empty, as in Vault.
    return { data: lookupData(entry, store.now(), '') };
  };
  const lookupAccessor = definePath({
    pattern: 'lookup-accessor',
    fields: { accessor: { type: 'string', description: 'Accessor of the token to look up.' } },
    help: { synopsis: 'Look up a token by its accessor.' },
    authz: (req) => ({ action: 'read', resource: tokenResource(req, 'lookup-accessor') }),
    operations: {
      update: { summary: 'Look up a token by accessor.', handle: (req) => accessorHandle(req.data.accessor) },
    },
  });

  return [lookup, lookupSelf, lookupAccessor];
}
