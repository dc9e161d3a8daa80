import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { Server as HttpsServer } from 'node:https';
import type { Server as NodeHttpServer, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { ListenerConfig } from '../config/server-config.js';
import { VaultError } from '../errors.js';
import type { Pipeline, VaultRequest, VaultResponse } from '../pipeline/vault-request.js';
import { answerClientError } from './client-error.js';
import { CORS_DISABLED, corsVerdict, preflight, withCorsHeaders, type CorsPolicy } from './cors.js';
import { ListMethodTakeover } from './list-method.js';
import { parseBody } from './parse-body.js';
import { hasBody, readBody } from './read-body.js';
import { tlsOptions } from './tls-options.js';
import { isMergePatch, operationOf, translateRequest, type MarkedRequest } from './translate-request.js';
import { errorResponse, writeResponse } from './write-response.js';

/** Where the HTTP layer reports what the client must not see (it logs nothing per request). */
export interface HttpServerLog {
  warn(msg: string, fields?: object): void;
  error(msg: string, fields?: object): void;
}

export interface HttpServer {
  /** e.g. `http://127.0.0.1:8200`; with port 0, the port the OS chose. */
  readonly url: string;
  readonly server: NodeHttpServer | HttpsServer;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  pipeline: Pipeline;
  listener: ListenerConfig;
  log?: HttpServerLog;
  /** `sys/config/cors`, read on every request; absent, CORS stays off. */
  cors?: CorsPolicy;
}

const consoleLog: HttpServerLog = {
  warn: (msg, fields) => console.warn(msg, fields ?? ''),
  error: (msg, fields) => console.error(msg, fields ?? ''),
};

/** The methods the Vault API serves (LIST arrives through list-method.ts as a marked GET). */
const VAULT_METHODS = ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'];
/**
 * Fastify parses bodies of these itself and answers 415 to a Content-Type it cannot parse; Vault
 * accepts any Content-Type and sniffs the body (parse-body.ts), so the route reads bodies itself.
 */
const BODY_METHODS = ['PUT', 'POST', 'PATCH', 'DELETE', 'OPTIONS', 'QUERY'];
/** A method the API does not serve under `/v1/`. */
const UNSUPPORTED: VaultResponse = { status: 405, body: { errors: ['unsupported operation'] } };

/**
 * The Vault `/v1` API over HTTP(S): every request becomes one VaultRequest for `pipeline.handle`
 * and its VaultResponse becomes the reply (ARCHITECTURE.md, "One request, end to end").
 */
export async function createHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const { pipeline, listener } = options;
  const log = options.log ?? consoleLog;
  const cors = options.cors ?? CORS_DISABLED;
  const limit = listener.max_request_size;
  const withClientCertificates = !listener.tls_disable && listener.tls_client_ca_file !== undefined;
  const https = await tlsOptions(listener);
  const { host, port } = splitAddress(listener.address);

  // Assigned right after Fastify exists; the handler below runs only once the server listens.
  let takeover: ListMethodTakeover | undefined;
  const app = Fastify({
    logger: false,
    exposeHeadRoutes: false,
    // find-my-way never sees the path: every /v1/ target routes as `/v1` and the handler reads
    // `originalUrl`, so odd paths (`%2e%2e`, `//`, `%00`, `;`) reach the pipeline untouched.
    rewriteUrl: routeOf,
    clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket) {
      if (takeover?.handleClientError(err, socket) !== true) answerClientError(err, socket);
    },
    ...(https !== undefined && { https }),
  });
  for (const method of BODY_METHODS) app.addHttpMethod(method, { hasBody: false, overrideExisting: true });

  async function toVaultRequest(raw: MarkedRequest): Promise<VaultRequest> {
    const operation = operationOf(raw)!;
    if (operation === 'patch' && !isMergePatch(raw.headers['content-type'])) {
      throw new VaultError('unsupported_media_type', 'PATCH requires Content-Type `application/merge-patch+json`');
    }
    const body = operation !== 'read' && hasBody(raw) ? bodyOf(raw.headers['content-type'], await readBody(raw, limit)) : {};
    return translateRequest(raw, operation, body, withClientCertificates);
  }

  /**
   * DER bodies (an OCSP request, RFC 6960 appendix A.1) are not JSON or forms: they reach the
   * engine base64-encoded in a field of their own instead of being mangled as text.
   */
  function bodyOf(contentType: string | undefined, buf: Buffer): Record<string, unknown> {
    if (contentType?.split(';')[0]?.trim().toLowerCase() === 'application/ocsp-request') {
      return { ocsp_request: buf.toString('base64') };
    }
    return parseBody(buf);
  }

  function failure(err: unknown): VaultResponse {
    if (err instanceof VaultError) return errorResponse(err);
    log.error('http: unhandled error while serving a request', { error: describe(err) });
    return { status: 500, body: { errors: ['internal error'] } };
  }

  async function handleVault(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const raw = request.raw as MarkedRequest;
    // CORS disabled (the default) costs this one field read.
    let corsHeaders: Record<string, string> | undefined;
    if (cors.enabled) {
      const verdict = corsVerdict(raw, cors);
      if (verdict.answer !== undefined) {
        writeResponse(reply, verdict.answer, raw.method === 'HEAD');
        return reply;
      }
      corsHeaders = verdict.headers;
    }
    let res: VaultResponse;
    try {
      res = await pipeline.handle(await toVaultRequest(raw));
    } catch (err) {
      res = failure(err);
    }
    writeResponse(reply, corsHeaders === undefined ? res : withCorsHeaders(res, corsHeaders), raw.method === 'HEAD');
    return reply;
  }

  app.route({ method: VAULT_METHODS, url: '/v1', handler: handleVault });
  // A CORS preflight never reaches the pipeline (as in Vault, it carries no token); without
  // CORS, OPTIONS keeps the 405 every unserved method gets.
  app.route({
    method: 'OPTIONS',
    url: '/v1',
    handler: (request, reply) => {
      writeResponse(reply, preflight(request.raw, cors) ?? UNSUPPORTED, false);
      return reply;
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const url = (request.raw as MarkedRequest).originalUrl ?? request.url;
    const res: VaultResponse = url.startsWith('/v1/')
      ? UNSUPPORTED
      : { status: 404, body: { errors: [] } };
    writeResponse(reply, res, request.method === 'HEAD');
  });
  app.setErrorHandler((err, request, reply) => {
    writeResponse(reply, failure(err), request.method === 'HEAD');
  });

  await app.listen({ host, port });
  const server = app.server as NodeHttpServer | HttpsServer;
  const routing = app.routing as (req: IncomingMessage, res: import('node:http').ServerResponse) => void;
  takeover = new ListMethodTakeover({
    dispatch: routing,
    maxBodySize: limit,
    headersTimeoutMs: server.headersTimeout > 0 ? server.headersTimeout : 60_000,
    onError: (err) => log.error('http: LIST dispatch failed', { error: describe(err) }),
  });
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const url = `${https === undefined ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${boundPort}`;
  return {
    url,
    server,
    async close() {
      takeover?.close();
      await app.close();
    },
  };
}

/** Fastify's rewriteUrl: the route table has one entry, and find-my-way never parses the path. */
function routeOf(req: IncomingMessage): string {
  return req.url !== undefined && req.url.startsWith('/v1/') ? '/v1' : '/';
}

/** `host:port` or `[v6]:port` (the config loader has validated the shape). */
function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  return { host: host.startsWith('[') ? host.slice(1, -1) : host, port: Number(address.slice(colon + 1)) };
}

function describe(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
