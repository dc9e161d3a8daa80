import { VaultError } from '../errors.js';
import type { VaultRequest, VaultResponse } from '../pipeline/vault-request.js';

/**
 * Standby → active request forwarding as a plain HTTP proxy to the active node's advertised
 * `api_addr` (Vault forwards over its cluster port with mutual TLS; we have no cluster listener
 * yet, so the public API is the transport). The active node runs the whole pipeline: token,
 * Cedar, audit. Method, path, query, headers (the token included) and body go through; the
 * answer comes back unchanged, redirects included.
 */

/** Marks a forwarded request, so a node that is itself standby answers instead of forwarding again. */
export const FORWARDED_HEADER = 'x-secretum-forwarded';

/** Never copied across a proxy (RFC 9110 §7.6.1), or recomputed by fetch. */
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer',
  'transfer-encoding', 'upgrade', 'host', 'content-length', 'content-type', 'expect', 'accept-encoding', FORWARDED_HEADER,
]);
/** Response headers the HTTP layer sets itself. */
const OWN_RESPONSE_HEADERS = new Set([...HOP_BY_HOP, 'cache-control', 'date', 'content-encoding']);

export interface ForwardOptions {
  /** Give up on the active node after this long. Default 60 s. */
  readonly timeoutMs?: number;
}

export async function forwardRequest(leader: string, req: VaultRequest, options: ForwardOptions = {}): Promise<VaultResponse> {
  const { method, body, contentType } = httpShape(req);
  const query = new URLSearchParams(req.query);
  if (req.operation === 'list') query.set('list', 'true');
  if (req.help) query.set('help', '1');
  const search = query.toString();
  const url = `${leader.replace(/\/+$/, '')}/v1/${req.rawPath}${search === '' ? '' : `?${search}`}`;

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) headers[name] = value;
  }
  if (contentType !== undefined) headers['content-type'] = contentType;
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${req.remoteAddress}` : req.remoteAddress;
  headers[FORWARDED_HEADER] = '1';

  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      ...(body !== undefined && { body }),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
  } catch {
    throw new VaultError('unavailable', 'error forwarding the request to the active node');
  }
  return toVaultResponse(res);
}

/**
 * The HTTP form of a logical request. PUT and POST are synonyms (spec §0 trap 1) and LIST goes
 * as `GET ?list=true` (Node's parser rejects the LIST method). The body was parsed (JSON or form)
 * by this node; it goes on as JSON, which every endpoint accepts.
 */
function httpShape(req: VaultRequest): { method: string; body?: string; contentType?: string } {
  const hasBody = Object.keys(req.body).length > 0;
  switch (req.operation) {
    case 'read':
    case 'list':
      return { method: 'GET' };
    case 'update':
      return { method: 'PUT', body: JSON.stringify(req.body), contentType: 'application/json' };
    case 'patch':
      return { method: 'PATCH', body: JSON.stringify(req.body), contentType: 'application/merge-patch+json' };
    case 'delete':
      return hasBody ? { method: 'DELETE', body: JSON.stringify(req.body), contentType: 'application/json' } : { method: 'DELETE' };
  }
}

async function toVaultResponse(res: Response): Promise<VaultResponse> {
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!OWN_RESPONSE_HEADERS.has(name)) headers[name] = value;
  });
  const withHeaders = Object.keys(headers).length > 0 ? { headers } : {};
  const bytes = new Uint8Array(await res.arrayBuffer());
  if (res.status === 204 || res.status === 304 || bytes.length === 0) return { status: res.status, ...withHeaders };
  const type = res.headers.get('content-type') ?? 'application/octet-stream';
  if (type === 'application/json') {
    try {
      return { status: res.status, body: JSON.parse(new TextDecoder().decode(bytes)) as unknown, ...withHeaders };
    } catch {
      // not JSON after all: pass the bytes through
    }
  }
  return { status: res.status, raw: { contentType: type, body: bytes }, ...withHeaders };
}
