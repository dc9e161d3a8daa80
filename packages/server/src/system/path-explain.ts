import type { CedarAuthorizer } from '../authz/cedar-authorizer.js';
import { PRINCIPAL_TYPES } from '../authz/cedar-schema.js';
import { invalidRequest } from '../errors.js';
import { definePath, type Operation, type PathSpec, type RequestAuth } from '../framework/engine.js';
import { resolveAuthz, type ResolveDeps } from '../router/resolve-authz.js';
import type { TokenLookup } from './path-capabilities.js';

export interface ExplainDeps {
  readonly authorizer: Pick<CedarAuthorizer, 'explain'>;
  readonly resolve: ResolveDeps;
  readonly tokens: () => TokenLookup;
}

const OPERATIONS = ['read', 'list', 'create', 'update', 'patch', 'delete'] as const;

/**
 * `sys/policies/cedar-explain`: the decision the authorizer would make for a token (or a
 * synthetic principal with roles and groups), an operation and a path — without performing the
 * request, so policies can be tested in CI before they are deployed.
 */
export function explainPaths(deps: ExplainDeps): PathSpec<any>[] {
  return [
    definePath({
      pattern: 'policies/cedar-explain',
      fields: {
        token: { type: 'string', description: 'a token whose identity to use', sensitive: true },
        principal: { type: 'string', description: 'a principal instead of a token: `User::"alice"`, `Service::"ci"`, `Token::"<accessor>"`' },
        groups: { type: 'strings', description: 'the principal’s groups (with `principal`)' },
        policies: { type: 'strings', description: 'the principal’s token policies, its `Role::` parents (with `principal`)' },
        metadata: { type: 'kvpairs', description: 'token metadata (with `principal`)' },
        operation: { type: 'string', description: 'the operation', required: true, allowed: OPERATIONS },
        path: { type: 'string', description: 'the request path, mount included', required: true },
        ttl: { type: 'duration', description: 'the TTL the request would ask for' },
      },
      help: { synopsis: 'Explain the Cedar decision for a request without performing it.' },
      authz: () => ({ action: 'update', resource: 'sys/policies/cedar-explain' }),
      operations: {
        update: {
          summary: 'explain a decision',
          handle: async (req) => {
            const d = req.data;
            let auth: RequestAuth;
            let groups: readonly string[] | undefined;
            if (d.token !== undefined && d.token !== '') {
              const found = await deps.tokens().byToken(d.token);
              if (!found) throw invalidRequest('invalid token');
              auth = found;
            } else if (d.principal !== undefined) {
              auth = syntheticAuth(d.principal, d.policies ?? [], d.metadata ?? {});
              groups = d.groups ?? [];
            } else {
              throw invalidRequest('one of `token` or `principal` is required');
            }
            const operation = d.operation as Operation;
            const resolved =
              resolveAuthz(deps.resolve, d.path, operation, auth) ??
              (operation === 'update' || operation === 'create'
                ? resolveAuthz(deps.resolve, d.path, operation === 'update' ? 'create' : 'update', auth)
                : undefined);
            if (!resolved) {
              return {
                data: {
                  decision: 'deny',
                  policy_ids: [],
                  errors: [`no path declaration serves \`${operation}\` on \`${d.path}\``],
                  principal: `${auth.principal.type}::${JSON.stringify(auth.principal.id)}`,
                  action: null,
                  resource: null,
                },
              };
            }
            const decision = await deps.authorizer.explain({
              auth,
              action: resolved.target.action,
              resource: resolved.target.resource,
              operation,
              mount: resolved.mount,
              relativePath: resolved.relativePath,
              remoteAddress: req.remoteAddress,
              ...(d.ttl !== undefined && { ttl: d.ttl }),
              ...(groups !== undefined && { groups }),
            });
            return {
              data: {
                decision: decision.allowed ? 'allow' : 'deny',
                policy_ids: [...decision.policyIds],
                errors: [...decision.errors],
                principal: decision.principal,
                action: decision.action,
                resource: decision.resource,
              },
            };
          },
        },
      },
    }),
  ];
}

/** `User::"alice"` → an identity with the given roles; `root` among them makes it root. */
function syntheticAuth(principal: string, policies: string[], metadata: Record<string, string>): RequestAuth {
  const m = /^(\w+)::("(?:[^"\\]|\\.)*")$/.exec(principal.trim());
  let id: unknown;
  try {
    id = m ? JSON.parse(m[2]!) : undefined;
  } catch {
    id = undefined;
  }
  if (!m || typeof id !== 'string' || !PRINCIPAL_TYPES.has(m[1]!)) {
    throw invalidRequest('`principal` must look like `User::"alice"`, `Service::"name"` or `Token::"accessor"`');
  }
  return {
    clientToken: '',
    accessor: '',
    tokenHash: '',
    policies,
    displayName: 'explain',
    entityId: '',
    metadata,
    principal: { type: m[1]!, id },
    isRoot: policies.includes('root'),
    expireTime: 0,
  };
}
