import type { Authorizer } from '../authz/authorizer.js';
import { invalidRequest } from '../errors.js';
import { definePath, type EngineRequest, type Operation, type PathSpec, type RequestAuth } from '../framework/engine.js';
import { resolveAuthz, type ResolveDeps } from '../router/resolve-authz.js';

/** Finds another token's identity without using it (no use is counted). */
export interface TokenLookup {
  byToken(token: string): Promise<RequestAuth | undefined>;
  byAccessor(accessor: string): Promise<RequestAuth | undefined>;
}

export interface CapabilitiesDeps {
  readonly authorizer: Authorizer;
  readonly resolve: ResolveDeps;
  /** Only called while unsealed. */
  readonly tokens: () => TokenLookup;
}

/** Vault's capability names, in the order they are checked (and reported, sorted). */
const OPERATIONS: readonly Operation[] = ['create', 'read', 'update', 'patch', 'delete', 'list'];

/**
 * A path's capabilities for a caller, computed by Cedar: for each operation the path declares,
 * the action/resource its `authz` would produce is put to the authorizer; an allowed operation is
 * a capability, and an allowed `sudo` action adds `sudo`. `root` for a root token, as Vault does;
 * `deny` when nothing is allowed (or no declaration serves the path).
 */
export async function capabilitiesOf(
  deps: Pick<CapabilitiesDeps, 'authorizer' | 'resolve'>,
  auth: RequestAuth,
  path: string,
  remoteAddress: string,
): Promise<string[]> {
  if (auth.isRoot) return ['root'];
  const caps = new Set<string>();
  for (const operation of OPERATIONS) {
    const resolved = resolveAuthz(deps.resolve, path, operation, auth);
    if (!resolved) continue;
    const decision = await deps.authorizer.authorize({
      auth,
      action: resolved.target.action,
      resource: resolved.target.resource,
      operation,
      mount: resolved.mount,
      relativePath: resolved.relativePath,
      remoteAddress,
    });
    if (!decision.allowed) continue;
    caps.add(operation);
    if (resolved.target.action === 'sudo') caps.add('sudo');
  }
  return caps.size === 0 ? ['deny'] : [...caps].sort();
}

const pathsFields = {
  paths: { type: 'strings', description: 'the paths to check' },
  path: { type: 'strings', description: 'legacy alias of `paths`' },
} as const;

/**
 * `sys/capabilities-self`, `sys/capabilities` and `sys/capabilities-accessor`
 * (https://developer.hashicorp.com/vault/api-docs/system/capabilities-self): `{"<path>": [caps],
 * "capabilities": [caps] (one path only)}`, with data duplicated at the top level.
 */
export function capabilitiesPaths(deps: CapabilitiesDeps): PathSpec<any>[] {
  const respond = async (req: EngineRequest<{ paths?: string[]; path?: string[] }>, auth: RequestAuth) => {
    const paths = [...(req.data.paths ?? []), ...(req.data.path ?? [])];
    if (paths.length === 0) throw invalidRequest('missing required field `paths`');
    const data: Record<string, unknown> = {};
    for (const p of paths) data[p] = await capabilitiesOf(deps, auth, p, req.remoteAddress);
    if (paths.length === 1) data['capabilities'] = data[paths[0]!];
    return { data, dataAtTopLevel: true };
  };
  return [
    definePath({
      pattern: 'capabilities-self',
      fields: pathsFields,
      help: { synopsis: 'The calling token’s capabilities on paths.' },
      authz: () => ({ action: 'update', resource: 'sys/capabilities-self' }),
      operations: {
        update: {
          summary: 'capabilities of the calling token',
          handle: async (req) => {
            if (!req.auth) throw invalidRequest('missing client token');
            return respond(req, req.auth);
          },
        },
      },
    }),
    definePath({
      pattern: 'capabilities',
      fields: { ...pathsFields, token: { type: 'string', description: 'the token to check', required: true, sensitive: true } },
      help: { synopsis: 'A token’s capabilities on paths.' },
      authz: () => ({ action: 'update', resource: 'sys/capabilities' }),
      operations: {
        update: {
          summary: 'capabilities of a token',
          handle: async (req) => {
            const auth = await deps.tokens().byToken(req.data.token);
            if (!auth) throw invalidRequest('invalid token');
            return respond(req, auth);
          },
        },
      },
    }),
    definePath({
      pattern: 'capabilities-accessor',
      fields: { ...pathsFields, accessor: { type: 'string', description: 'the accessor of the token to check', required: true } },
      help: { synopsis: 'The capabilities on paths of the token with an accessor.' },
      authz: () => ({ action: 'update', resource: 'sys/capabilities-accessor' }),
      operations: {
        update: {
          summary: 'capabilities of a token by accessor',
          handle: async (req) => {
            const auth = await deps.tokens().byAccessor(req.data.accessor);
            if (!auth) throw invalidRequest('invalid accessor');
            return respond(req, auth);
          },
        },
      },
    }),
  ];
}
