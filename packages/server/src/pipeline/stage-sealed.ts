import { sealedError } from '../errors.js';
import type { PipelineDeps } from './request-context.js';
import type { VaultRequest } from './vault-request.js';

/** The unauthenticated paths that answer while sealed (ARCHITECTURE.md, stage 1). */
const SEALED_OK = new Set(['sys/init', 'sys/seal-status', 'sys/unseal', 'sys/health', 'sys/leader']);

/** Stage 1: while sealed, everything but the lifecycle paths answers 503. */
export function checkSealed(deps: PipelineDeps, req: VaultRequest): void {
  if (deps.services()) return;
  const path = req.rawPath.endsWith('/') ? req.rawPath.slice(0, -1) : req.rawPath;
  if (!SEALED_OK.has(path)) throw sealedError();
}
