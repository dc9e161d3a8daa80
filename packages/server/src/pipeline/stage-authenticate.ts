import { permissionDenied } from '../errors.js';
import type { PipelineDeps, RequestContext } from './request-context.js';

/**
 * Stage 5: token → identity. Login and public paths need no token. Anything else without a
 * valid token is 403 — even an unknown mount, so a mount's existence is not an oracle.
 */
export async function authenticate(deps: PipelineDeps, ctx: RequestContext): Promise<void> {
  if (ctx.route?.unauthenticated) return;
  const token = ctx.req.token;
  const services = deps.services();
  if (!token || !services) throw permissionDenied();
  const auth = await services.tokens.authenticate(token, ctx.path);
  if (!auth) throw permissionDenied();
  ctx.auth = auth;
}
