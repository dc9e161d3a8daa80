import type { IncomingMessage } from 'node:http';
import type { VaultResponse } from '../pipeline/vault-request.js';

/** What the HTTP layer needs of the CORS configuration (cors/cors-settings.ts). */
export interface CorsPolicy {
  /** INVARIANT: false ⇒ no CORS work; the only CORS cost of a request is reading this field. */
  readonly enabled: boolean;
  /** `Access-Control-Allow-Headers` for a preflight. */
  readonly allowHeaders: string;
  allows(origin: string): boolean;
}

/** For listeners without a configuration (tests, and before the vault is wired). */
export const CORS_DISABLED: CorsPolicy = { enabled: false, allowHeaders: '', allows: () => false };

/**
 * The methods a preflight may ask for: Vault's list (DELETE, GET, OPTIONS, POST, PUT, LIST)
 * plus PATCH, which we serve (KV v2 patch) and Vault's list omits.
 */
const ALLOWED_METHODS = 'DELETE,GET,OPTIONS,PATCH,POST,PUT,LIST';
const ALLOWED = new Set(ALLOWED_METHODS.split(','));
/** Vault's preflight cache lifetime, in seconds. */
const MAX_AGE = '300';

const originNotAllowed: VaultResponse = { status: 403, body: { errors: ['origin not allowed'] } };

/** What CORS decides about a request before the pipeline runs; only called while enabled. */
export type CorsVerdict =
  /** Answer this, and do not run the pipeline (a refused origin). */
  | { readonly answer: VaultResponse }
  /** Run the pipeline; add these headers (none without an `Origin`: the CLI, curl, servers). */
  | { readonly answer?: undefined; readonly headers?: Record<string, string> };

/**
 * Vault's CORS wrapper (its `http/cors.go`, behaviour only): a request without `Origin` is not a
 * browser's and passes untouched; a request from an origin not allowed is refused with 403,
 * whatever its method; an allowed one gets `Access-Control-Allow-Origin` and `Vary: Origin`.
 */
export function corsVerdict(req: IncomingMessage, policy: CorsPolicy): CorsVerdict {
  const origin = req.headers.origin;
  if (origin === undefined) return {};
  if (!policy.allows(origin)) return { answer: originNotAllowed };
  return { headers: { 'access-control-allow-origin': origin, vary: 'Origin' } };
}

/**
 * `OPTIONS /v1/…`: a preflight from an allowed origin gets 204 with what it may do next; a
 * method outside the list gets 405 (as in Vault). Anything else that is not a preflight keeps
 * the answer OPTIONS had before CORS existed (`undefined`: the caller's 405).
 */
export function preflight(req: IncomingMessage, policy: CorsPolicy): VaultResponse | undefined {
  if (!policy.enabled) return undefined;
  const verdict = corsVerdict(req, policy);
  if (verdict.answer !== undefined || verdict.headers === undefined) return verdict.answer;
  const method = req.headers['access-control-request-method'];
  if (method === undefined || !ALLOWED.has(method.toUpperCase())) return { status: 405 };
  return {
    status: 204,
    headers: {
      ...verdict.headers,
      'access-control-allow-methods': ALLOWED_METHODS,
      'access-control-allow-headers': policy.allowHeaders,
      'access-control-max-age': MAX_AGE,
    },
  };
}

/** The response with the verdict's headers added (the pipeline's own headers kept). */
export function withCorsHeaders(res: VaultResponse, headers: Record<string, string>): VaultResponse {
  return { ...res, headers: { ...res.headers, ...headers } };
}
