import type { AuditEvent, AuditRequestFields, AuditResponseBody } from '../audit/audit-event.js';
import { NON_AUDITED_PATHS } from '../audit/audit-event.js';
import type { PipelineDeps, RequestContext } from './request-context.js';
import type { VaultResponse } from './vault-request.js';

/**
 * Stages 7 and 11: every request is recorded before it executes and every response after.
 * With devices enabled, a request no device can record is refused (fail closed). Requests that
 * end before stage 7 (sealed, denied, invalid) are recorded too, through {@link auditRefused}.
 */
export function auditRequest(deps: PipelineDeps, ctx: RequestContext): Promise<void> {
  if (!deps.audit.enabled || skipped(ctx)) return Promise.resolve();
  return deps.audit.log(event(deps, ctx, 'request'));
}

export function auditResponse(deps: PipelineDeps, ctx: RequestContext, out: VaultResponse, error?: string): Promise<void> {
  if (!deps.audit.enabled || skipped(ctx)) return Promise.resolve();
  return deps.audit.log(responseEvent(deps, ctx, out, error));
}

/**
 * A request refused before stage 7 (sealed, no token, Cedar deny, bad input): its request and
 * response entries, so denials leave a trail. Nothing executed, so nothing waits on these.
 */
export async function auditRefused(deps: PipelineDeps, ctx: RequestContext, out: VaultResponse, error: string): Promise<void> {
  if (!deps.audit.enabled || skipped(ctx)) return;
  await deps.audit.log(event(deps, ctx, 'request'));
  await deps.audit.log(responseEvent(deps, ctx, out, error));
}

/** Vault never audits the unauthenticated lifecycle endpoints (spec §2.5). */
function skipped(ctx: RequestContext): boolean {
  const path = (ctx.path || ctx.req.rawPath).replace(/\/$/, '');
  return NON_AUDITED_PATHS.has(path);
}

function responseEvent(deps: PipelineDeps, ctx: RequestContext, out: VaultResponse, error?: string): AuditEvent {
  const response: AuditResponseBody | undefined = out.raw
    ? { kind: 'raw', contentType: out.raw.contentType, body: out.raw.body }
    : out.body !== undefined
      ? { kind: 'json', body: out.body }
      : undefined;
  const e: { -readonly [K in keyof AuditEvent]: AuditEvent[K] } = event(deps, ctx, 'response');
  e.status = out.status;
  if (response) e.response = response;
  if (error !== undefined) e.error = error;
  return e;
}

/** An event; the request's fields are gathered once for its two events, which they mark as a pair. */
function event(deps: PipelineDeps, ctx: RequestContext, type: AuditEvent['type']): AuditEvent {
  const fields = (ctx.auditFields ??= requestFields(deps, ctx));
  // Spread last: V8 copies `{ ...o, k }` ≈ 15 × slower than `{ k, ...o }` (BENCHMARKS.md, issue 4).
  return { type, time: new Date(deps.clock.now()).toISOString(), pair: fields, ...fields };
}

function requestFields(deps: PipelineDeps, ctx: RequestContext): AuditRequestFields {
  const req = ctx.req;
  const route = ctx.route;
  const a = ctx.auth;
  const fields = route?.spec?.fields;
  const config = route?.mount.config;
  const headers = deps.auditedHeaders?.select(req.headers);
  return {
    requestId: req.id,
    operation: ctx.operation,
    path: ctx.path || req.rawPath,
    remoteAddress: req.remoteAddress,
    ...(route && { mountType: route.mount.type }),
    ...(a && {
      auth: {
        clientToken: a.clientToken,
        accessor: a.accessor,
        displayName: a.displayName,
        policies: a.policies,
        entityId: a.entityId,
        metadata: a.metadata,
        principal: a.principal,
      },
    }),
    // Only the headers an operator configured; token-carrying ones are always HMAC'd.
    ...(headers && { headers }),
    data: { ...req.query, ...req.body },
    ...(fields && { sensitiveKeys: Object.keys(fields).filter((k) => fields[k]!.sensitive) }),
    ...(config?.audit_non_hmac_request_keys && { nonHmacRequestKeys: config.audit_non_hmac_request_keys }),
    ...(config?.audit_non_hmac_response_keys && { nonHmacResponseKeys: config.audit_non_hmac_response_keys }),
    ...(req.wrapTtl !== undefined && { wrapTtl: req.wrapTtl }),
    ...(ctx.decision && { decision: ctx.decision }),
    ...(route && { resource: resourceOf(ctx) }),
  };
}

/**
 * The Cedar resource, as stage 6 names it, so access history can be asked for by
 * `secret/database/prod` whatever the engine's API path. Path declarations derive it from
 * their captures; anything else falls back to the mount path plus the relative path.
 */
function resourceOf(ctx: RequestContext): string {
  const route = ctx.route!;
  const fallback = (route.mount.path + route.relative).replace(/\/+$/, '');
  if (!route.spec?.authz) return fallback;
  try {
    const target = route.spec.authz({
      id: ctx.req.id,
      operation: ctx.operation,
      path: route.relative,
      data: { ...route.captures },
      raw: {},
      storage: route.view,
      mount: route.mount,
      auth: ctx.auth,
      remoteAddress: ctx.req.remoteAddress,
      headers: {},
    });
    return target.resource.replace(/\/+$/, '');
  } catch {
    return fallback;
  }
}
