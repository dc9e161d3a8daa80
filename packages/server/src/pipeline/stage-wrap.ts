import { invalidRequest } from '../errors.js';
import type { PipelineDeps, RequestContext } from './request-context.js';
import { wrappedEnvelope, type Envelope } from './envelope.js';

/** Stage 10: response wrapping into a single-use token when the client asked for it. */
export async function wrapIfAsked(deps: PipelineDeps, ctx: RequestContext, env: Envelope): Promise<Envelope> {
  const ttl = ctx.req.wrapTtl;
  if (ttl === undefined || ttl === 0) return env;
  if (ttl < 0) throw invalidRequest('requested wrap ttl cannot be negative');
  const wrapper = deps.services()!.wrapper;
  const { request_id: _id, wrap_info: _w, ...inner } = env;
  const wrappedAccessor = env.auth ? String(env.auth['accessor'] ?? '') : undefined;
  const info = await wrapper.wrap(inner, ttl, ctx.path, wrappedAccessor || undefined);
  return wrappedEnvelope(info, env.mount_type);
}
