import type { Operation } from '../framework/engine.js';
import type { PipelineDeps, RequestContext } from './request-context.js';

/**
 * Stage 4: longest-prefix match in the mount table, then the engine's most literal path
 * declaration. A miss is not answered here: authentication comes first, so an anonymous caller
 * cannot tell a missing mount from a forbidden one.
 */
export function route(deps: PipelineDeps, ctx: RequestContext): void {
  const path = ctx.path;
  if (path === 'sys' || path.startsWith('sys/')) {
    const relative = path.slice(4);
    const match = deps.system.routes.match(relative);
    ctx.route = {
      mount: deps.system.mount,
      engine: deps.system.engine,
      view: deps.system.view,
      relative,
      ...(match && { spec: match.spec }),
      captures: match?.captures ?? {},
      unauthenticated: deps.system.routes.isUnauthenticated(relative),
    };
    return;
  }
  const services = deps.services();
  const found = services?.mounts.match(path);
  if (!found) return;
  const { mounted, relative } = found;
  const match = mounted.routes.match(relative);
  ctx.route = {
    mount: mounted.entry,
    engine: mounted.engine,
    view: mounted.view,
    relative,
    ...(match && { spec: match.spec }),
    captures: match?.captures ?? {},
    unauthenticated: mounted.routes.isUnauthenticated(relative),
  };
}

/** Maps the HTTP-level operation onto the path's declared operations (create vs update later). */
export function initialOperation(op: string): Operation {
  return op as Operation;
}
