import { permissionDenied, unsupportedPath } from '../errors.js';
import type { AuthzTarget, EngineRequest } from '../framework/engine.js';
import type { PipelineDeps, RequestContext } from './request-context.js';

/**
 * Stage 6: the Cedar request named by the path declaration, decided by the authorizer.
 * INVARIANT: deny by default — a path without a declaration is refused to any caller not
 * allowed everything, before its absence is revealed.
 */
export async function authorize(deps: PipelineDeps, ctx: RequestContext, request: EngineRequest | undefined) {
  const route = ctx.route;
  if (route?.unauthenticated) return;
  const auth = ctx.auth!;
  if (!route || !route.spec || !request) {
    if (auth.isRoot) throw unsupportedPath(ctx.path);
    throw permissionDenied();
  }
  const target: AuthzTarget = route.spec.authz
    ? route.spec.authz(request)
    : { action: ctx.operation, resource: route.mount.path + route.relative };
  const ttl = request.data['ttl'];
  const decision = await deps.authorizer.authorize({
    auth,
    action: target.action,
    resource: target.resource.replace(/\/+$/, ''),
    operation: ctx.operation,
    mount: route.mount,
    relativePath: route.relative,
    remoteAddress: ctx.req.remoteAddress,
    ...(typeof ttl === 'number' && { ttl }),
  });
  ctx.decision = decision;
  if (!decision.allowed) throw permissionDenied();
}
