import { unsupportedOperation } from '../errors.js';
import type { EngineRequest, EngineResponse } from '../framework/engine.js';
import type { RequestContext } from './request-context.js';

/** Stage 8: the engine handles the authorized, validated request. */
export async function handle(ctx: RequestContext, request: EngineRequest): Promise<EngineResponse | undefined> {
  const op = ctx.route!.spec!.operations[request.operation];
  if (!op) throw unsupportedOperation();
  return op.handle(request);
}
