import type { Clock } from '../../framework/engine.js';
import type { PasswordSource } from '../../password-policies/password-policy-store.js';
import { definePath } from '../../framework/engine.js';
import { roleResource } from './cedar-resource.js';
import type { Connections } from './connections.js';
import { issueCredentials } from './dynamic-creds.js';

/**
 * `creds/:name`: a new database user with a lease
 * (https://developer.hashicorp.com/vault/api-docs/secret/databases#generate-credentials).
 * Vault's endpoint takes no `ttl`; ours accepts an optional one (capped at the role's max_ttl)
 * so a caller can ask for a short-lived credential and a Cedar policy can require it
 * (`when { context.ttl <= duration("1h") }`). Without it the role's default_ttl (else the
 * mount's) applies, and the authorizer judges the mount default — fail closed.
 */
export function pathCreds(conns: Connections, passwords: PasswordSource, clock: Clock) {
  return definePath({
    pattern: 'creds/:name',
    fields: {
      name: { type: 'string', description: 'Name of the role.', required: true },
      ttl: { type: 'duration', description: 'Requested lease TTL (at most the role max_ttl); defaults to the role default_ttl.' },
    },
    authz: (req) => ({ action: 'generate', resource: roleResource(req.mount, req.data.name) }),
    operations: {
      read: { summary: 'Generate credentials for a role.', handle: (req) => issueCredentials(conns, passwords, clock, req) },
    },
    help: { synopsis: 'Request database credentials for a role; they are dropped when the lease ends.' },
  });
}
