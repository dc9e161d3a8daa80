import { errorFromResponse, SealedError, UnavailableError, UnexpectedStatusError } from './errors.js';
import type { HttpMethod, RequestOptions } from './types.js';

/** What sub-clients need from the client: one request function. */
export interface Requester {
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<T | undefined>;
}

export interface TransportSettings {
  /** Servers in order of preference; at least one. */
  addresses: readonly string[];
  /** Index in `addresses` of the server that answered last; the next request starts there. */
  current: number;
  token: string | undefined;
  namespace: string | undefined;
  fetch: typeof fetch;
  timeoutMs: number;
  listMethod: 'GET' | 'LIST';
}

/** `secret//foo/` → `secret/foo`, each segment percent-encoded. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .filter((segment) => segment !== '')
    .map(encodeURIComponent)
    .join('/');
}

/**
 * Sends one request to `/v1/<path>` and maps failures to typed errors. With several addresses, a
 * connection failure, a timeout or a 503 (sealed or standby node) moves on to the next address,
 * starting from the one that answered last; the last failure is thrown when none answers.
 */
export async function send<T>(
  settings: TransportSettings,
  method: HttpMethod,
  path: string,
  options: RequestOptions = {},
): Promise<T | undefined> {
  const count = settings.addresses.length;
  let lastError: unknown;
  for (let attempt = 0; attempt < count; attempt++) {
    const index = (settings.current + attempt) % count;
    try {
      const result = await sendTo<T>(settings, settings.addresses[index]!, method, path, options);
      settings.current = index;
      return result;
    } catch (err) {
      if (!isFailoverError(err)) throw err;
      lastError = err;
    }
  }
  throw lastError;
}

/** Worth trying another node: nothing answered, or this node cannot serve (sealed, standby). */
function isFailoverError(err: unknown): boolean {
  return (err instanceof UnavailableError || err instanceof SealedError) && (err.status === 0 || err.status === 503);
}

async function sendTo<T>(
  settings: TransportSettings,
  address: string,
  method: HttpMethod,
  path: string,
  options: RequestOptions,
): Promise<T | undefined> {
  const cleanPath = path.replace(/^\/+/, '');
  const url = new URL(`${address.replace(/\/+$/, '')}/v1/${encodePath(cleanPath)}`);
  let wireMethod: string = method;
  if (method === 'LIST') {
    // Vault appends a trailing slash for lists (spec §0 trap 2); GET ?list=true is the portable form.
    url.pathname = url.pathname.replace(/\/?$/, '/');
    if (settings.listMethod === 'GET') {
      wireMethod = 'GET';
      url.searchParams.set('list', 'true');
    }
  }
  for (const [key, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }

  const headers: Record<string, string> = { 'X-Vault-Request': 'true' };
  const token = options.token === undefined ? settings.token : options.token;
  if (token) headers['X-Vault-Token'] = token;
  if (settings.namespace) headers['X-Vault-Namespace'] = settings.namespace;
  if (options.wrapTtl !== undefined) headers['X-Vault-Wrap-TTL'] = String(options.wrapTtl);
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    // PATCH must carry the merge-patch type or Vault answers 415 (spec §0 trap 9).
    headers['Content-Type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  }
  Object.assign(headers, options.headers);

  let response: Response;
  try {
    response = await settings.fetch(url, {
      method: wireMethod,
      headers,
      ...(body !== undefined && { body }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (err) {
    throw new UnavailableError(describeFetchFailure(err, url.origin, settings.timeoutMs), {
      status: 0,
      method,
      path: cleanPath,
      cause: err,
    });
  }

  const text = await response.text();
  const parsed = parseBody(text, response.headers.get('content-type'));
  if (response.status >= 400) {
    throw errorFromResponse({
      status: response.status,
      errors: extractErrors(parsed),
      method,
      path: cleanPath,
      body: parsed,
    });
  }
  return parsed as T | undefined;
}

function parseBody(text: string, contentType: string | null): unknown {
  if (text === '') return undefined;
  if (contentType?.includes('json') || /^\s*[[{]/.test(text)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function extractErrors(body: unknown): string[] {
  if (typeof body === 'object' && body !== null && Array.isArray((body as { errors?: unknown }).errors)) {
    return (body as { errors: unknown[] }).errors.map(String);
  }
  return [];
}

function describeFetchFailure(err: unknown, origin: string, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `request to ${origin} timed out after ${timeoutMs} ms`;
  }
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  const detail = cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
  return `cannot reach ${origin}: ${detail}`;
}

/** For endpoints that always answer with a body: an empty answer is a protocol error. */
export function requireBody<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw new UnexpectedStatusError(`empty response from \`${path}\``, { status: 204, path });
  return value;
}
