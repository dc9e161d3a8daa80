import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { TlsOptions } from './client-options.js';

/**
 * A `fetch` over `node:https` for a private CA and client certificates (mTLS).
 *
 * Why not the global fetch: on Node 20 it takes TLS settings only through an undici `Agent`
 * passed as `dispatcher`, and `undici` is not importable without installing the package, which
 * the SDK must not depend on. `node:https` takes `ca`, `cert` and `key` directly. Failures reject
 * as the global fetch does (a `TypeError` whose `cause` carries the socket error's `code`), so
 * the transport maps both the same way.
 */
export function tlsFetch(tls: TlsOptions): typeof fetch {
  const agent = new Agent({
    keepAlive: true,
    ...(tls.caCert !== undefined && { ca: tls.caCert }),
    ...(tls.clientCert !== undefined && { cert: tls.clientCert }),
    ...(tls.clientKey !== undefined && { key: tls.clientKey }),
    ...(tls.serverName !== undefined && { servername: tls.serverName }),
    rejectUnauthorized: tls.insecureSkipVerify !== true,
  });
  const fetchOverHttps = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const secure = url.protocol === 'https:';
    return new Promise<Response>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        { method: init.method ?? 'GET', headers, ...(secure && { agent }), ...(init.signal && { signal: init.signal }) },
        (res) => collect(res).then(resolve, reject),
      );
      req.on('error', (err: Error) => {
        // A timeout aborts with the signal's reason (a TimeoutError), as the global fetch does.
        if (err.name === 'AbortError' && init.signal?.reason instanceof Error) reject(init.signal.reason);
        else reject(new TypeError('fetch failed', { cause: err }));
      });
      req.end(body);
    });
  };
  return fetchOverHttps as typeof fetch;
}

async function collect(res: IncomingMessage): Promise<Response> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const status = res.statusCode ?? 500;
  const nullBody = status === 204 || status === 304 || chunks.length === 0;
  return new Response(nullBody ? null : Buffer.concat(chunks), { status, headers });
}
