import { VaultError } from '../errors.js';
import { auditRefused } from './stage-audit.js';
import { errorResponse } from './envelope.js';
import type { PipelineDeps, RequestContext } from './request-context.js';
import type { VaultResponse } from './vault-request.js';

/**
 * Stage 4½, rate-limit quotas: between routing and authentication, where Vault applies them
 * (http/util.go rateLimitQuotaWrapping wraps the handler before any token is looked at), so a
 * client over its limit costs no token lookup, no Cedar call and no engine work.
 *
 * Returns the 429 to send, or undefined to go on. With no quota defined it reads one field
 * and allocates nothing (the path the benchmarks measure). The server's own jobs
 * (`handleAs`) are never limited: Vault limits only what arrives over HTTP.
 */
export function checkQuota(deps: PipelineDeps, ctx: RequestContext): Promise<VaultResponse> | undefined {
  const quotas = deps.quotas;
  if (quotas === undefined || !quotas.active || ctx.auth !== undefined) return undefined;
  const decision = quotas.check(ctx.path, ctx.route?.mount.path, ctx.req.remoteAddress);
  if (decision === undefined) return undefined;
  if (decision.headers !== undefined) ctx.responseHeaders = decision.headers;
  if (decision.allowed) return undefined;
  // Vault's text (http/util.go): clients match on `rate limit quota exceeded`.
  const error = new VaultError('rate_limited', `request path ${JSON.stringify(ctx.path)}: rate limit quota exceeded`);
  const refused = errorResponse(error);
  if (!quotas.auditRefusals) return Promise.resolve(refused);
  return auditRefused(deps, ctx, refused, error.message).then(
    () => refused,
    () => refused, // the refusal stands whether or not it could be recorded
  );
}

/** Headers a stage asked for (the rate-limit headers) on whatever response the request ends with. */
export function withResponseHeaders(res: VaultResponse, headers: Readonly<Record<string, string>>): VaultResponse {
  return { ...res, headers: { ...res.headers, ...headers } };
}
