import type { FastifyReply } from 'fastify';
import type { VaultError } from '../errors.js';
import type { VaultResponse } from '../pipeline/vault-request.js';

/**
 * VaultResponse → HTTP. Every response carries `Cache-Control: no-store` (spec §0 trap 14), and
 * JSON goes out as a Buffer with `Content-Type: application/json` exactly: given a string, Fastify
 * would append `; charset=utf-8`, which hvac's `==` comparison rejects (trap 5).
 */
export const JSON_TYPE = 'application/json';

export function writeResponse(reply: FastifyReply, res: VaultResponse, head: boolean): void {
  reply.code(res.status);
  if (res.headers !== undefined) {
    for (const name in res.headers) reply.header(name, res.headers[name]);
  }
  reply.header('cache-control', 'no-store');
  // HEAD (sys/health) answers with the status only; 204 never has a body.
  if (head || res.status === 204 || res.status === 304) {
    reply.removeHeader('content-type');
    reply.send();
    return;
  }
  if (res.raw !== undefined) {
    const body = res.raw.body;
    reply.header('content-type', res.raw.contentType);
    reply.send(typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    return;
  }
  if (res.body === undefined) {
    reply.removeHeader('content-type');
    reply.send();
    return;
  }
  reply.header('content-type', JSON_TYPE);
  reply.send(Buffer.from(JSON.stringify(res.body)));
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
