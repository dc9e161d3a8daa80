import type { MountEntry, RequestAuth } from '../framework/engine.js';
import type { AuthzRequest } from './authorizer.js';

/** A mount entry for authorizer-level tests. */
export function testMount(path = 'secret/', defaultLeaseTtl = 0): MountEntry {
  return {
    path,
    type: 'kv',
    uuid: 'u',
    accessor: 'kv_1',
    description: '',
    config: { default_lease_ttl: defaultLeaseTtl, max_lease_ttl: 0 },
    options: {},
    local: false,
    seal_wrap: false,
    kind: 'secrets',
  };
}

/** A synthetic caller: `User::"alice"`, `Service::"x"` or `Token::"<accessor>"`. */
export function testAuth(principal: string, options: { policies?: string[]; entityId?: string; metadata?: Record<string, string> } = {}): RequestAuth {
  const m = /^(\w+)::"(.*)"$/.exec(principal);
  if (!m) throw new Error(`bad principal ${principal}`);
  const policies = options.policies ?? ['default'];
  return {
    clientToken: 't',
    accessor: 'acc',
    tokenHash: 'h',
    policies,
    displayName: 'test',
    entityId: options.entityId ?? '',
    metadata: options.metadata ?? {},
    principal: { type: m[1]!, id: m[2]! },
    isRoot: policies.includes('root'),
    expireTime: 0,
  };
}

/** An authorize call for `action` on `resource`. */
export function authzRequest(
  auth: RequestAuth,
  action: AuthzRequest['action'],
  resource: string,
  extra: Partial<Omit<AuthzRequest, 'auth' | 'action' | 'resource'>> = {},
): AuthzRequest {
  return {
    auth,
    action,
    resource,
    operation: 'read',
    mount: testMount(`${resource.split('/')[0]}/`),
    relativePath: resource.split('/').slice(1).join('/'),
    remoteAddress: '127.0.0.1',
    ...extra,
  };
}
