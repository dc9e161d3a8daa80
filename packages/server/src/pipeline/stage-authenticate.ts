import { invalidRequest, permissionDenied } from '../errors.js';

const WRAPPING_SELF = new Set(['sys/wrapping/unwrap', 'sys/wrapping/lookup']);
import type { PipelineDeps, RequestContext } from './request-context.js';

/**
 * Stage 5: token → identity. Login and public paths need no token. Anything else without a
 * valid token is 403 — even an unknown mount, so a mount's existence is not an oracle.
 */
export async function authenticate(deps: PipelineDeps, ctx: RequestContext): Promise<void> {
  if (ctx.route?.unauthenticated) return;
  // The server's own jobs come with their identity already (InternalPipeline.handleAs).
  if (ctx.auth) return;
  const token = ctx.req.token;
  const services = deps.services();
  if (!token || !services) throw permissionDenied();
  const auth = await services.tokens.authenticate(token, ctx.path);
  if (!auth) {
    // Vault answers a used or unknown wrapping token on its own endpoints with 400, not 403.
    if (WRAPPING_SELF.has(ctx.path) && ctx.req.body['token'] === undefined) {
      throw invalidRequest('wrapping token is not valid or does not exist');
    }
    throw permissionDenied();
  }
  ctx.auth = auth;
}
