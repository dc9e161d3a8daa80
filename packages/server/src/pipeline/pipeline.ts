import { toVaultError, VaultError, unsupportedPath, permissionDenied } from '../errors.js';
import { pathHelp } from '../framework/help.js';
import { authenticate } from './stage-authenticate.js';
import { authorize } from './stage-authorize.js';
import { auditRefused, auditRequest, auditResponse } from './stage-audit.js';
import { buildEnvelope, envelopeResponse, errorResponse } from './envelope.js';
import { handle } from './stage-handle.js';
import { issue } from './stage-issue.js';
import { normalisePath } from './stage-normalise.js';
import { prepare } from './stage-prepare.js';
import type { PipelineDeps, RequestContext } from './request-context.js';
import { route } from './stage-route.js';
import { checkSealed } from './stage-sealed.js';
import { checkStandby } from './stage-standby.js';
import { checkQuota, withResponseHeaders } from './stage-quota.js';
import { wrapIfAsked } from './stage-wrap.js';
import type { RequestAuth } from '../framework/engine.js';
import type { InternalPipeline, VaultRequest, VaultResponse } from './vault-request.js';
import { SYSTEM_MAX_TTL } from '../router/mount-table.js';

/**
 * The one request pipeline (ARCHITECTURE.md, "One request, end to end"). Every surface goes
 * through it; each stage is one file, and each has one way out: throwing a VaultError.
 */
export function createPipeline(deps: PipelineDeps): InternalPipeline {
  return { handle: (req) => run(deps, req), handleAs: (req, auth) => run(deps, req, auth) };
}

/** Every exit of the stages is counted, errors and help included. */
async function run(deps: PipelineDeps, req: VaultRequest, internal?: RequestAuth): Promise<VaultResponse> {
  const started = deps.metrics ? performance.now() : 0;
  const ctx: RequestContext = { req, path: '', operation: req.operation, ...(internal && { auth: internal }) };
  const res = await stages(deps, ctx);
  deps.metrics?.recordRequest(ctx.operation, ctx.route?.mount.type, res.status, (performance.now() - started) / 1000);
  return ctx.responseHeaders === undefined ? res : withResponseHeaders(res, ctx.responseHeaders);
}

async function stages(deps: PipelineDeps, ctx: RequestContext): Promise<VaultResponse> {
  const req = ctx.req;
  let audited = false;
  try {
    // 2 before 1: an unsealed standby runs no services, so stage 1 alone would answer 503.
    const forwarded = await checkStandby(deps, req); // 2
    if (forwarded) return forwarded;
    checkSealed(deps, req); // 1
    ctx.path = normalisePath(req.rawPath); // 3
    if (ctx.operation === 'list' && !ctx.path.endsWith('/')) ctx.path += '/';
    route(deps, ctx); // 4
    const limited = checkQuota(deps, ctx); // 4½: rate-limit quotas, before any token lookup
    if (limited) return await limited;
    await authenticate(deps, ctx); // 5
    if (req.help) return help(ctx);
    const prepared = ctx.route?.spec ? await prepare(ctx) : undefined;
    await authorize(deps, ctx, prepared?.request); // 6
    if (!prepared) throw unsupportedPath(ctx.path); // unauthenticated prefix with no declaration
    if (prepared.invalid !== undefined) throw prepared.invalid;
    await auditRequest(deps, ctx); // 7
    audited = true;
    const res = (await handle(ctx, prepared.request)) ?? {}; // 8
    let out: VaultResponse;
    if (res.raw) {
      out = { status: res.raw.status ?? 200, raw: { contentType: res.raw.contentType, body: res.raw.body } };
    } else {
      await issue(deps, ctx, res); // 9
      const mount = ctx.route!.mount;
      const env = buildEnvelope(req.id, res, {
        ...(ctx.leaseId !== undefined && { leaseId: ctx.leaseId, leaseDuration: ctx.leaseDuration ?? 0 }),
        ...(res.leaseDuration !== undefined && { leaseDuration: res.leaseDuration || SYSTEM_MAX_TTL }),
        ...(ctx.issuedAuth && { auth: ctx.issuedAuth }),
        mountType: mount.type,
      });
      if (res.wrapInfo) env.wrap_info = res.wrapInfo;
      const final = await wrapIfAsked(deps, ctx, env); // 10
      out = envelopeResponse(final, final === env ? res : {});
    }
    await auditResponse(deps, ctx, out); // 11
    if (ctx.auth) await deps.services()?.tokens.afterRequest(ctx.auth);
    return out;
  } catch (err) {
    const error = toVaultError(err);
    if (!(err instanceof VaultError)) deps.log.error('request failed', { path: ctx.path, error: String(err) });
    const failed = errorResponse(error);
    try {
      // Refused before stage 7 (sealed, denied, invalid): recorded too, request and response.
      await (audited ? auditResponse(deps, ctx, failed, error.message) : auditRefused(deps, ctx, failed, error.message));
    } catch {
      // the request already failed; the error we return stands
    }
    if (ctx.auth && error.status !== 403) await deps.services()?.tokens.afterRequest(ctx.auth).catch(() => {});
    return failed;
  }
}

function help(ctx: RequestContext): VaultResponse {
  const route = ctx.route;
  if (!route?.spec) throw ctx.auth?.isRoot ? unsupportedPath(ctx.path) : permissionDenied();
  return { status: 200, body: pathHelp(route.mount.path, route.spec) };
}
