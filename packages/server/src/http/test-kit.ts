/**
 * Shared by the http/*.test.ts files: a fake pipeline that records what it was handed and answers
 * with a scripted response, a server on 127.0.0.1 port 0, and small raw clients.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { DEFAULT_MAX_REQUEST_SIZE, type ListenerConfig } from '../config/server-config.js';
import type { Pipeline, VaultRequest, VaultResponse } from '../pipeline/vault-request.js';
import type { CorsPolicy } from './cors.js';
import { createHttpServer, type HttpServer } from './create-http-server.js';

export type Script = (req: VaultRequest) => VaultResponse | Promise<VaultResponse>;

export class FakePipeline implements Pipeline {
  readonly requests: VaultRequest[] = [];
  script: Script = (req) => ({ status: 200, body: { data: { operation: req.operation, path: req.rawPath } } });

  async handle(req: VaultRequest): Promise<VaultResponse> {
    this.requests.push(req);
    return this.script(req);
  }

  get last(): VaultRequest {
    const req = this.requests.at(-1);
    if (req === undefined) throw new Error('the pipeline received no request');
    return req;
  }
}

export interface TestServer {
  http: HttpServer;
  pipeline: FakePipeline;
  port: number;
  errors: string[];
}

export async function startTestServer(listener: Partial<ListenerConfig> = {}, cors?: CorsPolicy): Promise<TestServer> {
  const pipeline = new FakePipeline();
  const errors: string[] = [];
  const http = await createHttpServer({
    pipeline,
    listener: { address: '127.0.0.1:0', tls_disable: true, max_request_size: DEFAULT_MAX_REQUEST_SIZE, ...listener },
    log: { warn: (m) => errors.push(m), error: (m, f) => errors.push(`${m} ${JSON.stringify(f)}`) },
    ...(cors !== undefined && { cors }),
  });
  return { http, pipeline, port: Number(new URL(http.url).port), errors };
}

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** One request on its own connection; `path` is sent exactly as given. */
export function send(
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string | number>; body?: string | Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Writes `parts` to a fresh socket with `delayMs` between them and returns everything the server
 * sent until it closed the connection.
 */
export function rawExchange(port: number, parts: (string | Buffer)[], delayMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.once('connect', async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && delayMs > 0) await sleep(delayMs);
        if (!socket.writable) return;
        socket.write(part);
      }
    });
  });
}

/** Status and body of the last response in a raw exchange. */
export function lastResponse(raw: string): { status: number; head: string; body: string } {
  const start = raw.lastIndexOf('HTTP/1.1 ');
  const text = raw.slice(start);
  const split = text.indexOf('\r\n\r\n');
  return { status: Number(text.slice(9, 12)), head: text.slice(0, split), body: text.slice(split + 4) };
}
