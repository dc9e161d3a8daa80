import { invalidRequest } from '../../errors.js';
import { definePath, type PathSpec } from '../../framework/engine.js';
import { callerEntry, requireAuth, resolveToken, tokenResource } from './path-common.js';
import type { TokenEntry } from './token-entry.js';
import { authIssueFor } from './token-response.js';
import type { TokenStore } from './token-store.js';

const increment = { type: 'duration', description: 'Requested TTL from now (`30s`, `1h` or seconds); may be capped.' } as const;

/**
 * `auth/token/renew`, `renew-self` (self path), `renew-accessor`. Each answers with `auth` for
 * the existing token (see `authIssueFor`); renew-accessor's `client_token` is empty.
 */
export function renewPaths(store: TokenStore): readonly PathSpec[] {
  const respond = async (clientToken: string, entry: TokenEntry | undefined, inc: number | undefined) => {
    if (!entry) throw invalidRequest('token not found');
    const renewed = await store.renew(entry, inc ?? 0);
    return { auth: authIssueFor(clientToken, renewed) };
  };

  const renew = definePath({
    pattern: 'renew',
    fields: {
      token: { type: 'string', description: 'Token to renew.', sensitive: true },
      increment,
    },
    help: { synopsis: 'Renew a token.' },
    authz: (req) => ({ action: 'renew', resource: tokenResource(req, 'renew') }),
    operations: {
      update: {
        summary: 'Renew a token.',
        handle: async (req) => {
          const token = req.data.token ?? '';
          if (token === '') throw invalidRequest('missing token id');
          return respond(token, await resolveToken(store, req, token), req.data.increment);
        },
      },
    },
  });

  // SELF PATH: acts only on the calling token.
  const renewSelf = definePath({
    pattern: 'renew-self',
    fields: { increment },
    help: { synopsis: 'Renew the calling token (self path).' },
    authz: (req) => ({ action: 'renew', resource: tokenResource(req, 'renew-self') }),
    operations: {
      update: {
        summary: 'Renew the calling token.',
        handle: async (req) => respond(requireAuth(req).clientToken, await callerEntry(store, req), req.data.increment),
      },
    },
  });

  const renewAccessor = definePath({
    pattern: 'renew-accessor',
    fields: { accessor: { type: 'string', description: 'Accessor of the token to renew.' }, increment },
    help: { synopsis: 'Renew a token by its accessor.' },
    authz: (req) => ({ action: 'renew', resource: tokenResource(req, 'renew-accessor') }),
    operations: {
      update: {
        summary: 'Renew a token by accessor.',
        handle: async (req) => {
          const accessor = req.data.accessor ?? '';
          if (accessor === '') throw invalidRequest('missing accessor');
          const entry = await store.lookupByAccessor(accessor);
          if (!entry) throw invalidRequest('invalid accessor');
          return respond('', entry, req.data.increment);
        },
      },
    },
  });

  return [renew, renewSelf, renewAccessor];
}
