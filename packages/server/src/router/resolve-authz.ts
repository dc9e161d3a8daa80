import type { AuthzTarget, EngineRequest, MountEntry, Operation, PathSpec, RequestAuth } from '../framework/engine.js';
import type { Fields } from '../framework/fields.js';
import type { RouteTable } from '../framework/route-table.js';
import type { StorageView } from '../storage/storage-view.js';
import type { MountTable } from './mount-table.js';

/** Where a path would go, for questions asked without performing a request. */
export interface ResolveDeps {
  readonly system: { readonly routes: RouteTable; readonly mount: MountEntry; readonly view: StorageView };
  /** The mount table; undefined while sealed. */
  readonly mounts: () => MountTable | undefined;
}

/** The Cedar request a path and operation would produce. */
export interface ResolvedAuthz {
  readonly mount: MountEntry;
  readonly relativePath: string;
  readonly spec: PathSpec<Fields>;
  readonly target: AuthzTarget;
}

const DISALLOWED = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\\]/;

/**
 * Resolves `path` (already decoded; a leading slash is ignored) and `operation` to the mount, the
 * path declaration and the action/resource its `authz` would produce — the same steps as the
 * pipeline's route and authorize stages, without running anything. Undefined when no declaration
 * serves the path or the declaration has no such operation (the caller reports `deny`).
 * Spellings the pipeline refuses (`.`, `..`, empty segments, control characters) resolve to nothing.
 */
export function resolveAuthz(deps: ResolveDeps, rawPath: string, operation: Operation, auth?: RequestAuth): ResolvedAuthz | undefined {
  let path = rawPath.replace(/^\/+/, '');
  if (path === '' || DISALLOWED.test(path)) return undefined;
  const body = path.endsWith('/') ? path.slice(0, -1) : path;
  if (body.split('/').some((s) => s === '' || s === '.' || s === '..')) return undefined;
  if (operation === 'list' && !path.endsWith('/')) path += '/';

  let mount: MountEntry;
  let relative: string;
  let routes: RouteTable;
  let view: StorageView;
  if (path === 'sys/' || path.startsWith('sys/')) {
    ({ mount, routes, view } = deps.system);
    relative = path.slice(4);
  } else {
    const found = deps.mounts()?.match(path);
    if (!found) return undefined;
    mount = found.mounted.entry;
    routes = found.mounted.routes;
    view = found.mounted.view;
    relative = found.relative;
  }
  const match = routes.match(relative);
  if (!match || !match.spec.operations[operation]) return undefined;
  const spec = match.spec;
  const request: EngineRequest = {
    id: 'resolve-authz',
    operation,
    path: relative,
    data: { ...match.captures },
    raw: {},
    storage: view,
    mount,
    auth,
    remoteAddress: '',
    headers: {},
  };
  let target: AuthzTarget;
  try {
    target = spec.authz ? spec.authz(request) : { action: operation, resource: mount.path + relative };
  } catch {
    return undefined;
  }
  return { mount, relativePath: relative, spec, target: { action: target.action, resource: target.resource.replace(/\/+$/, '') } };
}
