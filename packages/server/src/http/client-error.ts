import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/**
 * What the server answers when Node's parser rejects a request (other than a LIST, which
 * list-method.ts takes over): Node's own choice of status (431 for oversized headers, 408 for a
 * timeout, 400 otherwise) with `Connection: close`, but in Vault's `{"errors":[…]}` shape.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection, or one already gone: nothing can be sent.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return writeError(socket, 431, 'request header fields too large');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return writeError(socket, 413, 'request chunk extensions too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return writeError(socket, 408, 'request timeout');
    default:
      return writeError(socket, 400, 'bad request');
  }
}

/** A complete Vault-shaped error response written straight to the socket, which then closes. */
export function writeError(socket: Socket, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [message] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json\r\nCache-Control: no-store\r\nConnection: close\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroySoon();
}
