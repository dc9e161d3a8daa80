import { invalidRequest, unsupportedOperation } from '../errors.js';
import type { EngineRequest, Operation } from '../framework/engine.js';
import { parseFields } from '../framework/fields.js';
import type { RequestContext } from './request-context.js';

/**
 * Between routing and authorization: the engine request the path declaration describes —
 * validated fields, the storage view (scoped to the token for cubbyhole-like engines), and
 * create vs update from the declaration's existence check, which Cedar's action depends on.
 *
 * A validation error (or an operation the path does not support) is held back until the caller is authorized, so an unauthorized caller
 * learns nothing from it.
 */
export async function prepare(ctx: RequestContext): Promise<{ request: EngineRequest; invalid?: unknown }> {
  const route = ctx.route!;
  const spec = route.spec!;
  const req = ctx.req;
  const raw: Record<string, unknown> = { ...req.query, ...req.body };
  let data: Record<string, unknown>;
  let invalid: unknown;
  try {
    data = parseFields(spec.fields, { ...raw, ...route.captures });
  } catch (err) {
    invalid = err;
    data = { ...route.captures };
  }
  const storage =
    route.engine.perTokenStorage && ctx.auth ? route.view.sub(`${ctx.auth.tokenHash}/`) : route.view;
  // A batch token has no cubbyhole: nothing would ever destroy it (Vault answers the same).
  if (route.engine.perTokenStorage && ctx.auth?.batch && invalid === undefined) {
    invalid = invalidRequest('cubbyhole operations are only supported by service tokens');
  }
  let operation: Operation = ctx.operation;
  const request: EngineRequest = {
    id: req.id,
    operation,
    path: route.relative,
    data,
    raw,
    storage,
    mount: route.mount,
    auth: ctx.auth,
    remoteAddress: req.remoteAddress,
    ...(req.clientCertificate && { clientCertificate: req.clientCertificate }),
    headers: req.headers,
    ...(req.wrapTtl !== undefined && { wrapTtl: req.wrapTtl }),
  };
  if (operation === 'update' || operation === 'create') {
    const ops = spec.operations;
    if (ops.create && ops.update) {
      const exists = spec.exists && invalid === undefined ? await spec.exists(request) : true;
      operation = exists ? 'update' : 'create';
    } else {
      operation = ops.update ? 'update' : 'create';
    }
  }
  if (!spec.operations[operation] && invalid === undefined) invalid = unsupportedOperation();
  ctx.operation = operation;
  // Copy only when create/update changed the operation: most requests keep theirs.
  const final = operation === request.operation ? request : { ...request, operation };
  return invalid === undefined ? { request: final } : { request: final, invalid };
}
