import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * The few outbound calls JWT/OIDC auth makes (discovery, JWKS, the token endpoint): Node's
 * http(s) with an optional CA PEM (`oidc_discovery_ca_pem`, `jwks_ca_pem`), a deadline and a
 * size limit, so a slow or hostile provider cannot hold a login or fill memory.
 */
export interface HttpAnswer {
  readonly status: number;
  readonly json: unknown;
}

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1024 * 1024;

export function fetchJson(
  url: string,
  options: { caPem?: string | undefined; method?: 'GET' | 'POST'; form?: Record<string, string>; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.reject(new Error(`invalid url \`${url}\``));
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') return Promise.reject(new Error(`unsupported url scheme \`${target.protocol}\``));
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: options.method ?? 'GET',
        timeout: TIMEOUT_MS,
        headers: {
          accept: 'application/json',
          ...(body !== undefined && { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }),
          ...options.headers,
        },
        ...(target.protocol === 'https:' && options.caPem && { ca: options.caPem }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BYTES) {
            req.destroy(new Error('response too large'));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            reject(new Error(`invalid json from \`${target.origin}${target.pathname}\` (status ${res.statusCode})`));
            return;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
