import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { invalidRequest } from '../errors.js';
import { parseDuration } from '../framework/duration.js';
import { parseBool } from '../framework/fields.js';
import type { HttpOperation, VaultRequest } from '../pipeline/vault-request.js';
import { parseForm } from './parse-body.js';

/**
 * Marks a request the LIST takeover built (list-method.ts). llhttp cannot parse `LIST`, and
 * Fastify cannot route a method Node does not know, so the takeover dispatches it as `GET` with
 * this mark. Only server code can set a symbol on a request object: clients cannot forge it.
 */
export const LIST_REQUEST = Symbol('secretum.list-request');

export type MarkedRequest = IncomingMessage & { [LIST_REQUEST]?: true; originalUrl?: string };

/** The Vault operation for an HTTP method; `undefined` for methods the API does not serve. */
export function operationOf(raw: MarkedRequest): HttpOperation | undefined {
  if (raw[LIST_REQUEST] === true) return 'list';
  switch (raw.method) {
    case 'GET':
    case 'HEAD':
      return 'read';
    case 'PUT':
    case 'POST':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return undefined;
  }
}

/** RFC 7396 media type, required on PATCH (spec §0 trap 9). Parameters are allowed. */
export function isMergePatch(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return type === 'application/merge-patch+json';
}

/**
 * Builds the one logical request the pipeline sees. `url` is the request target as received
 * (Fastify's routing never touches it, so `%2e%2e`, `//` and `%00` reach the pipeline intact).
 */
export function translateRequest(
  raw: MarkedRequest,
  operation: HttpOperation,
  body: Record<string, unknown>,
  withClientCertificates: boolean,
): VaultRequest {
  const url = raw.originalUrl ?? raw.url ?? '/';
  const q = url.indexOf('?');
  // INVARIANT: the route only matches targets starting with `/v1/` (create-http-server.ts).
  const rawPath = q === -1 ? url.slice(4) : url.slice(4, q);
  const query: Record<string, string> = q === -1 ? {} : parseForm(url.slice(q + 1));

  let op = operation;
  let help = false;
  if (query['list'] !== undefined) {
    // Only GET reads `list` (Go's strconv.ParseBool: node-vault sends 1, hvac true).
    if (raw.method === 'GET' && op === 'read') {
      const list = parseBool(query['list']);
      if (list === undefined) throw invalidRequest('invalid value for the `list` query parameter');
      if (list) op = 'list';
    }
    delete query['list'];
  }
  if (query['help'] !== undefined) {
    help = parseBool(query['help']) === true;
    delete query['help'];
  }

  const headers = headersOf(raw);
  const socket = raw.socket as TLSSocket | null;
  const wrapTtl = wrapTtlOf(headers['x-vault-wrap-ttl']);
  const request: {
    -readonly [K in keyof VaultRequest]: VaultRequest[K];
  } = {
    id: randomUUID(),
    operation: op,
    rawPath,
    query,
    body,
    remoteAddress: remoteAddressOf(socket),
    headers,
    help,
  };
  const token = tokenOf(headers);
  if (token !== undefined) request.token = token;
  const namespace = headers['x-vault-namespace'];
  if (namespace) request.namespace = namespace;
  if (wrapTtl !== undefined) request.wrapTtl = wrapTtl;
  if (withClientCertificates && socket !== null) {
    const cert = clientCertificateOf(socket);
    if (cert !== undefined) request.clientCertificate = cert;
  }
  return request;
}

/** `X-Vault-Token` first, then `Authorization: Bearer` (RFC 6750); never the query string. */
function tokenOf(headers: Record<string, string | undefined>): string | undefined {
  const token = headers['x-vault-token'];
  if (token) return token;
  const auth = headers['authorization'];
  if (auth !== undefined && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') {
    return auth.slice(7).trim() || undefined;
  }
  return undefined;
}

/** Vault's X-Vault-Wrap-TTL: a duration string or seconds; negative or unparsable is a 400. */
function wrapTtlOf(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const text = value.trim();
  const negative = text.startsWith('-');
  const seconds = parseDuration(negative ? text.slice(1) : text);
  if (seconds === undefined) {
    throw invalidRequest(`invalid wrap ttl \`${text.slice(0, 64)}\``);
  }
  if (negative && seconds !== 0) throw invalidRequest('requested wrap ttl cannot be negative');
  return seconds;
}

/** Node lower-cases names and joins repeats; only `set-cookie` arrives as an array. */
function headersOf(raw: IncomingMessage): Record<string, string | undefined> {
  const headers = raw.headers;
  const cookies = headers['set-cookie'];
  if (cookies === undefined) return headers as Record<string, string | undefined>;
  return { ...headers, 'set-cookie': cookies.join(', ') };
}

function remoteAddressOf(socket: TLSSocket | null): string {
  const address = socket?.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

const certificates = new WeakMap<TLSSocket, Uint8Array | null>();

/**
 * The DER of the client certificate, only when one was presented and chains to the listener's
 * `tls_client_ca_file` (`socket.authorized`); the cert auth method decides what it is worth.
 * Cached per connection: the handshake is done once, requests on it are many.
 */
function clientCertificateOf(socket: TLSSocket): Uint8Array | undefined {
  if (socket.encrypted !== true) return undefined;
  let cert = certificates.get(socket);
  if (cert === undefined) {
    const peer = socket.authorized === true ? socket.getPeerCertificate() : undefined;
    cert = peer?.raw !== undefined && peer.raw.length > 0 ? new Uint8Array(peer.raw) : null;
    certificates.set(socket, cert);
  }
  return cert ?? undefined;
}
