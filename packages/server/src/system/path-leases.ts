import { invalidRequest, VaultError } from '../errors.js';
import { definePath, type PathSpec } from '../framework/engine.js';
import type { ExpirationManager } from '../leases/expiration-manager.js';
import { leaseLookup, remainingSeconds } from '../leases/lease-entry.js';

/**
 * `sys/leases/*` (spec §2.6) and Vault's legacy `sys/renew`, `sys/revoke`, `sys/revoke-prefix`,
 * `sys/revoke-force` aliases (node-vault's `revokePrefix` still calls them).
 */
export function leasePaths(expiration: () => ExpirationManager, clock: { now(): number }): PathSpec<any>[] {
  const leaseId = {
    lease_id: { type: 'string', description: 'the lease id' },
    url_lease_id: { type: 'string', description: 'the lease id, from the URL' },
  } as const;
  const sync = { sync: { type: 'bool', description: 'wait for the revocation (default true)', default: true } } as const;
  const idOf = (data: { lease_id?: string | undefined; url_lease_id?: string | undefined }) => {
    const id = data.lease_id || data.url_lease_id;
    if (!id) throw invalidRequest('missing required field `lease_id`');
    return id;
  };
  const both = (path: string) => [`leases/${path}`, path];
  return [
    definePath({
      pattern: 'leases/lookup/:prefix*',
      fields: { lease_id: leaseId.lease_id, prefix: { type: 'string', description: 'a lease id prefix (LIST)' } },
      authz: (req) =>
        req.operation === 'list'
          ? { action: 'sudo', resource: `sys/leases/lookup/${req.data.prefix ?? ''}` }
          : { action: 'read', resource: `sys/leases/lookup` },
      operations: {
        update: {
          summary: 'look up a lease',
          handle: async ({ data }) => {
            const lease = data.lease_id ? expiration().lookup(data.lease_id) : undefined;
            if (!lease) throw invalidRequest('invalid lease');
            return { data: leaseLookup(lease, clock.now()) };
          },
        },
        list: {
          summary: 'list lease ids under a prefix',
          handle: async ({ data }) => {
            const keys = expiration().list(data.prefix ?? '');
            if (keys.length === 0) throw notFoundEmpty();
            return { data: { keys } };
          },
        },
      },
      help: { synopsis: 'Look up a lease, or list the leases under a prefix.' },
    }),
    definePath({
      pattern: [...both('renew'), ...both('renew/:url_lease_id+')],
      fields: { ...leaseId, increment: { type: 'duration', description: 'requested extension, seconds', default: 0 } },
      authz: () => ({ action: 'renew', resource: 'sys/leases' }),
      operations: {
        update: {
          summary: 'renew a lease',
          handle: async ({ data }) => {
            const id = idOf(data);
            if (id.startsWith('auth/')) throw invalidRequest('token leases are renewed with auth/token/renew');
            const lease = await expiration().renew(id, data.increment);
            return { leaseInfo: { id, duration: remainingSeconds(lease, clock.now()), renewable: lease.renewable } };
          },
        },
      },
      help: { synopsis: 'Renew a lease by `increment`, within its max TTL.' },
    }),
    definePath({
      pattern: [...both('revoke'), ...both('revoke/:url_lease_id+')],
      fields: { ...leaseId, ...sync },
      authz: () => ({ action: 'revoke', resource: 'sys/leases' }),
      operations: {
        update: {
          summary: 'revoke a lease',
          handle: async ({ data }) => {
            await expiration().revoke(idOf(data), { sync: data.sync });
            return undefined;
          },
        },
      },
      help: { synopsis: 'Revoke a lease now; a failure is retried in the background.' },
    }),
    definePath({
      pattern: both('revoke-prefix/:prefix+'),
      fields: { prefix: { type: 'string', description: 'lease id prefix', required: true }, ...sync },
      authz: (req) => ({ action: 'sudo', resource: `sys/leases/revoke-prefix/${req.data.prefix}` }),
      operations: {
        update: {
          summary: 'revoke every lease under a prefix',
          handle: async ({ data }) => (await expiration().revokePrefix(data.prefix, { sync: data.sync }), undefined),
        },
      },
      help: { synopsis: 'Revoke every lease whose id starts with the prefix (e.g. all credentials of a role).' },
    }),
    definePath({
      pattern: both('revoke-force/:prefix+'),
      fields: { prefix: { type: 'string', description: 'lease id prefix', required: true } },
      authz: (req) => ({ action: 'sudo', resource: `sys/leases/revoke-force/${req.data.prefix}` }),
      operations: {
        update: {
          summary: 'remove leases even if their engine cannot revoke them',
          handle: async ({ data }) => (await expiration().revokePrefix(data.prefix, { force: true }), undefined),
        },
      },
      help: { synopsis: 'Remove every lease under the prefix, ignoring engine errors (credentials may dangle).' },
    }),
    definePath({
      pattern: 'leases/tidy',
      fields: {},
      authz: () => ({ action: 'sudo', resource: 'sys/leases/tidy' }),
      operations: { update: { summary: 'clean up lease records', handle: async () => (await expiration().tidy(), undefined) } },
      help: { synopsis: 'Remove lease records that no engine can ever revoke.' },
    }),
    definePath({
      pattern: 'leases/count',
      fields: { type: { type: 'string', description: '`irrevocable` to count only those' } },
      authz: () => ({ action: 'read', resource: 'sys/leases/count' }),
      operations: {
        read: {
          summary: 'count leases',
          handle: async ({ data }) => {
            const count = data.type === 'irrevocable' ? expiration().irrevocable().length : expiration().count;
            return { data: { lease_count: count, counts: { root: count } } };
          },
        },
      },
      help: { synopsis: 'How many leases there are (or how many are irrevocable).' },
    }),
    definePath({
      pattern: 'leases',
      fields: { type: { type: 'string', description: 'only `irrevocable` is supported' } },
      authz: () => ({ action: 'read', resource: 'sys/leases' }),
      operations: {
        read: {
          summary: 'list irrevocable leases',
          handle: async () => {
            const leases = expiration()
              .irrevocable()
              .map((l) => ({ lease_id: l.id, expire_time: new Date(l.expireTime).toISOString(), error: l.revokeError ?? '' }));
            return { data: { leases, lease_count: leases.length } };
          },
        },
      },
      help: { synopsis: 'The leases whose revocation keeps failing, with their errors.' },
    }),
  ];
}

/** An empty LIST is 404 with `{"errors":[]}` (spec §0 trap 3). */
const notFoundEmpty = () => new VaultError('not_found', '');
