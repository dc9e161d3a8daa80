import type { AuditEvent } from '../audit/audit-broker.js';
import type { PipelineDeps, RequestContext } from './request-context.js';

/**
 * Stages 7 and 11: every request is recorded before it executes and every response after.
 * With devices enabled, a request no device can record is refused (fail closed).
 */
export function auditRequest(deps: PipelineDeps, ctx: RequestContext): Promise<void> {
  if (!deps.audit.enabled) return Promise.resolve();
  return deps.audit.log(event(deps, ctx, 'request'));
}

export function auditResponse(deps: PipelineDeps, ctx: RequestContext, status: number, error?: string): Promise<void> {
  if (!deps.audit.enabled) return Promise.resolve();
  return deps.audit.log({ ...event(deps, ctx, 'response'), status, ...(error !== undefined && { error }) });
}

function event(deps: PipelineDeps, ctx: RequestContext, type: AuditEvent['type']): AuditEvent {
  return {
    type,
    time: new Date(deps.clock.now()).toISOString(),
    requestId: ctx.req.id,
    operation: ctx.operation,
    path: ctx.path || ctx.req.rawPath,
    remoteAddress: ctx.req.remoteAddress,
    ...(ctx.route && { mountType: ctx.route.mount.type }),
    ...(ctx.auth && { accessor: ctx.auth.accessor, policies: ctx.auth.policies }),
    ...(ctx.decision && { decision: ctx.decision }),
  };
}
