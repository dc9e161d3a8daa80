import { IncomingMessage, ServerResponse, maxHeaderSize as nodeMaxHeaderSize } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { writeError } from './client-error.js';
import { BODY_TOO_LARGE } from './read-body.js';
import { LIST_REQUEST, type MarkedRequest } from './translate-request.js';

/**
 * Vault clients send `LIST` (hvac, the Vault CLI, `curl -X LIST`), a method Node's parser (llhttp)
 * rejects before any handler runs: the server emits `clientError` with `HPE_INVALID_METHOD`
 * (spec "Node.js and the LIST method"). This takes the socket over at that point, reads the rest
 * of the request itself, and dispatches it into the same Fastify route as every other request,
 * on the real socket (so the remote address and TLS client certificate are the real ones). The
 * response carries `Connection: close` and the socket is ended after it: keep-alive clients
 * (curl, a `requests` session) reconnect for their next request.
 *
 * Limits: the head may arrive in any number of segments, up to Node's header size limit (16 KiB
 * by default) and within `headersTimeoutMs`; the body is read by Content-Length up to the
 * listener's max_request_size, with an idle timeout between segments; `Transfer-Encoding`
 * (chunked bodies) is refused with 400; `Expect: 100-continue` is honoured. A LIST pipelined
 * behind another request in the same TCP segment is not taken over (Node answers 400).
 */
export interface ListTakeoverOptions {
  /** Fastify's router entry (`app.routing`). */
  dispatch(req: IncomingMessage, res: ServerResponse): void;
  maxBodySize: number;
  maxHeaderSize?: number;
  headersTimeoutMs?: number;
  bodyIdleTimeoutMs?: number;
  onError?(err: unknown): void;
}

const LIST_PREFIX = Buffer.from('LIST ');
const HEAD_END = Buffer.from('\r\n\r\n');
const REQUEST_LINE = /^LIST ([\x21-\x7e\x80-\xff]+) HTTP\/1\.([01])$/;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
/** Headers Node keeps the first of instead of joining (as in `IncomingMessage#_addHeaderLine`). */
const SINGLE_VALUED = new Set([
  'age', 'authorization', 'content-length', 'content-type', 'etag', 'expires', 'from', 'host',
  'if-modified-since', 'if-unmodified-since', 'last-modified', 'location', 'max-forwards',
  'proxy-authorization', 'referer', 'retry-after', 'server', 'user-agent',
]);

export class ListMethodTakeover {
  readonly #options: Options;
  readonly #reading = new Set<ListConnection>();
  readonly #owned = new WeakSet<Socket>();

  constructor(options: ListTakeoverOptions) {
    this.#options = {
      maxHeaderSize: nodeMaxHeaderSize,
      headersTimeoutMs: 60_000,
      bodyIdleTimeoutMs: 30_000,
      ...options,
    };
  }

  /**
   * Call from the server's `clientError` handler. Returns true when the socket is (now or
   * already) ours, and the caller must leave it alone.
   */
  handleClientError(err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Socket): boolean {
    if (this.#owned.has(socket)) {
      // Node may still report on a socket we own (its header timeout, for one): ours apply.
      return true;
    }
    if (err.code !== 'HPE_INVALID_METHOD' || !socket.writable) return false;
    // An in-flight response (a request pipelined before this one) owns the socket's output.
    if ((socket as Socket & { _httpMessage?: unknown })._httpMessage) return false;
    const start = listStart(err.rawPacket, (err as { bytesParsed?: number }).bytesParsed);
    if (start === undefined) return false;
    this.#owned.add(socket);
    const conn = new ListConnection(socket, start, this.#options, (c) => this.#reading.delete(c));
    this.#reading.add(conn);
    conn.start();
    return true;
  }

  /** Drops connections still sending their request (server shutdown). */
  close(): void {
    for (const conn of this.#reading) conn.abort();
    this.#reading.clear();
  }
}

/**
 * The request's bytes so far when `packet` (the segment llhttp failed in) is the start of a LIST.
 * llhttp keeps no bytes of a method prefix it already consumed in an earlier segment, so those are
 * restored: the only prefixes of `LIST ` that are also prefixes of a method llhttp knows are `L`
 * and `LI` (LINK, LOCK), after which it fails on `I`-then-`S` or on `S`, at offset 0 or 1 of the
 * new segment. (A `LOST` split after `LO` is indistinguishable from `LI`+`ST` and is read as LIST.)
 */
function listStart(packet: unknown, bytesParsed: number | undefined): Buffer | undefined {
  if (!Buffer.isBuffer(packet) || packet.length === 0) return undefined;
  for (const consumed of [0, 1, 2]) {
    if (consumed > 0 && bytesParsed !== undefined && bytesParsed > 1) break;
    const restored = consumed === 0 ? packet : Buffer.concat([LIST_PREFIX.subarray(0, consumed), packet]);
    const n = Math.min(restored.length, LIST_PREFIX.length);
    if (restored.subarray(0, n).equals(LIST_PREFIX.subarray(0, n))) return Buffer.from(restored);
  }
  return undefined;
}

type Options = Required<Omit<ListTakeoverOptions, 'onError'>> & Pick<ListTakeoverOptions, 'onError'>;

interface ParsedHead {
  target: string;
  minor: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  /** Offset of the body in the buffer. */
  bodyStart: number;
  /** Content-Length, 0 when absent. */
  length: number;
}

class ListConnection {
  #buffer: Buffer;
  #timer: NodeJS.Timeout | undefined;
  #head: ParsedHead | undefined;
  #continued = false;
  #done = false;

  constructor(
    private readonly socket: Socket,
    packet: Buffer,
    private readonly options: Options,
    private readonly onFinishedReading: (conn: ListConnection) => void,
  ) {
    this.#buffer = packet;
  }

  start(): void {
    const socket = this.socket;
    // Detach Node's HTTP parser: its data listener would feed the rest of the request to a
    // parser in error state, and its end listener would end our write side early.
    for (const listener of socket.listeners('data')) {
      if (listener.name === 'bound socketOnData') socket.removeListener('data', listener as (...a: unknown[]) => void);
    }
    for (const listener of socket.listeners('end')) {
      if (listener.name === 'bound socketOnEnd') socket.removeListener('end', listener as (...a: unknown[]) => void);
    }
    socket.setTimeout(0); // Node's keep-alive timer; ours follow.
    // Adding a data listener also unhooks the parser from the socket's handle (Node's wrapper).
    socket.on('data', this.#onData);
    socket.once('close', this.#onClose);
    this.#timer = setTimeout(this.#onTimeout, this.options.headersTimeoutMs);
    socket.resume();
    this.#progress();
  }

  abort(): void {
    this.#stopReading();
    this.socket.destroy();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    if (this.#head !== undefined) this.#armIdleTimer();
    this.#progress();
  };

  readonly #onClose = (): void => this.#stopReading();

  readonly #onTimeout = (): void => this.#fail(408, 'request timeout');

  #armIdleTimer(): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#onTimeout, this.options.bodyIdleTimeoutMs);
  }

  #progress(): void {
    if (this.#done) return;
    if (this.#head === undefined) {
      const end = this.#buffer.indexOf(HEAD_END);
      const limit = this.options.maxHeaderSize;
      if (end === -1) {
        if (this.#buffer.length > limit) this.#fail(431, 'request header fields too large');
        return;
      }
      if (end > limit) return this.#fail(431, 'request header fields too large');
      const head = this.#parseHead(this.#buffer.subarray(0, end).toString('latin1'), end + HEAD_END.length);
      if (head === undefined) return;
      this.#head = head;
      this.#armIdleTimer();
    }
    const head = this.#head;
    const available = this.#buffer.length - head.bodyStart;
    if (available < head.length) {
      if (!this.#continued && /^100-continue$/i.test(String(head.headers['expect'] ?? ''))) {
        this.#continued = true;
        this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
      }
      return;
    }
    const body = this.#buffer.subarray(head.bodyStart, head.bodyStart + head.length);
    this.#stopReading();
    this.#dispatch(head, body);
  }

  #parseHead(text: string, bodyStart: number): ParsedHead | undefined {
    const lines = text.split('\r\n');
    const line = REQUEST_LINE.exec(lines[0] ?? '');
    if (line === null || !line[1]!.startsWith('/')) return this.#fail(400, 'malformed request line');
    const headers: IncomingHttpHeaders = {};
    const rawHeaders: string[] = [];
    for (let i = 1; i < lines.length; i++) {
      const m = HEADER_LINE.exec(lines[i]!);
      if (m === null || BAD_VALUE.test(m[2]!)) return this.#fail(400, 'malformed header line');
      const name = m[1]!.toLowerCase();
      const value = m[2]!;
      rawHeaders.push(m[1]!, value);
      const prev = headers[name];
      if (prev === undefined) headers[name] = value;
      else if (name === 'content-length') return this.#fail(400, 'duplicate content-length header');
      else if (!SINGLE_VALUED.has(name)) headers[name] = `${String(prev)}, ${value}`;
    }
    const minor = Number(line[2]);
    if (minor === 1 && headers.host === undefined) return this.#fail(400, 'missing host header');
    if (headers['transfer-encoding'] !== undefined) {
      return this.#fail(400, 'LIST requests with a Transfer-Encoding body are not supported; send Content-Length');
    }
    const declared = headers['content-length'];
    if (declared !== undefined && !/^\d+$/.test(declared)) return this.#fail(400, 'invalid content-length header');
    const length = declared === undefined ? 0 : Number(declared);
    if (length > this.options.maxBodySize) return this.#fail(413, BODY_TOO_LARGE);
    return { target: line[1]!, minor, headers, rawHeaders, bodyStart, length };
  }

  #dispatch(head: ParsedHead, body: Buffer): void {
    const socket = this.socket;
    const req = new IncomingMessage(socket) as MarkedRequest;
    // Fastify routes only methods Node knows: the request travels as GET, marked as a LIST.
    req.method = 'GET';
    req[LIST_REQUEST] = true;
    req.url = head.target;
    req.httpVersionMajor = 1;
    req.httpVersionMinor = head.minor;
    req.httpVersion = `1.${head.minor}`;
    req.headers = head.headers;
    req.rawHeaders = head.rawHeaders;
    if (body.length > 0) req.push(body);
    req.push(null);
    req.complete = true;
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false; // Node then writes `Connection: close`
    res.assignSocket(socket);
    res.once('finish', () => {
      res.detachSocket(socket);
      socket.end();
    });
    try {
      this.options.dispatch(req, res);
    } catch (err) {
      this.options.onError?.(err);
      if (!res.headersSent) writeError(socket, 500, 'internal error');
      else socket.destroy();
    }
  }

  #fail(status: number, message: string): undefined {
    this.#stopReading();
    writeError(this.socket, status, message);
    return undefined;
  }

  #stopReading(): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    this.socket.removeListener('data', this.#onData);
    this.socket.removeListener('close', this.#onClose);
    this.socket.pause();
    this.onFinishedReading(this);
  }
}
