import { definePath } from '../../framework/engine.js';
import { tokenResource } from './path-common.js';
import type { TokenStore } from './token-store.js';

/**
 * `auth/token/tidy`: clean-up of token storage. Vault answers 202 and tidies in the background;
 * this store keeps its indexes (accessors, parent links) consistent on every write, so what is
 * left to tidy is expired tokens the expiration timers have not reached yet, and it is done by
 * the time we answer. Vault makes this a sudo path.
 */
export function tidyPaths(store: TokenStore) {
  const tidy = definePath({
    pattern: 'tidy',
    fields: {},
    help: {
      synopsis: 'Remove expired tokens and what refers to them.',
      description: 'Answers 202, as Vault does; the operation has finished when the response arrives.',
    },
    authz: (req) => ({ action: 'sudo', resource: tokenResource(req, 'tidy') }),
    operations: {
      update: {
        summary: 'Tidy token storage.',
        handle: async () => {
          const removed = await store.revokeExpired();
          return { status: 202, data: null, warnings: [`tidy operation completed: ${removed} expired tokens removed`] };
        },
      },
    },
  });
  return [tidy];
}
