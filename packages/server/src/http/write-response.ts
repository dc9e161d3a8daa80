import type { FastifyReply } from 'fastify';
import type { VaultError } from '../errors.js';
import type { VaultResponse } from '../pipeline/vault-request.js';

/**
 * VaultResponse → HTTP. Every response carries `Cache-Control: no-store` (spec §0 trap 14), and
 * JSON goes out with `Content-Type: application/json` exactly, never with `; charset=utf-8`
 * appended, which hvac's `==` comparison rejects (trap 5).
 *
 * The reply is written straight to Node's response (`reply.hijack()`, then one `writeHead` and
 * one `end`): Fastify's send path (onSend hooks, payload type sniffing, header merging) cost
 * ≈ 8% of a request in the profile and we use none of it. We register no onSend/onResponse
 * hooks, so nothing is skipped.
 */
export const JSON_TYPE = 'application/json';

export function writeResponse(reply: FastifyReply, res: VaultResponse, head: boolean): void {
  const headers: Record<string, string> = {};
  if (res.headers !== undefined) {
    for (const name in res.headers) headers[name.toLowerCase()] = res.headers[name]!;
  }
  headers['cache-control'] = 'no-store';
  let body: string | Buffer | undefined;
  // HEAD (sys/health) answers with the status only; 204 and 304 never have a body.
  if (!head && res.status !== 204 && res.status !== 304) {
    if (res.raw !== undefined) {
      const raw = res.raw.body;
      headers['content-type'] = res.raw.contentType;
      body = typeof raw === 'string' ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    } else if (res.body !== undefined) {
      headers['content-type'] = JSON_TYPE;
      body = JSON.stringify(res.body);
    }
  }
  if (body === undefined) delete headers['content-type'];
  if (res.status !== 204 && res.status !== 304) {
    headers['content-length'] = String(body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  }
  reply.hijack();
  const out = reply.raw;
  out.writeHead(res.status, headers);
  if (body === undefined) out.end();
  else out.end(body);
}

/** `{"errors":[…]}` (plus `data` when the error carries some), for every status ≥ 400. */
export function errorResponse(err: VaultError): VaultResponse {
  const body: Record<string, unknown> = { errors: [err.message] };
  if (err.data !== undefined) body['data'] = err.data;
  return { status: err.status, body };
}

export function plainError(status: number, errors: readonly string[]): VaultResponse {
  return { status, body: { errors } };
}
