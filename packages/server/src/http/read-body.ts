import type { IncomingMessage } from 'node:http';
import { VaultError } from '../errors.js';

/** Vault's text for an oversized body (Go's http.MaxBytesReader); clients match on it. */
export const BODY_TOO_LARGE = 'http: request body too large';

export const bodyTooLarge = () => new VaultError('payload_too_large', BODY_TOO_LARGE);

/** True when the request announces a body (a non-zero Content-Length or any Transfer-Encoding). */
export function hasBody(raw: IncomingMessage): boolean {
  const length = raw.headers['content-length'];
  return raw.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Reads the whole body, refusing more than `limit` bytes with 413. A declared Content-Length over
 * the limit fails before anything is read; Node discards the unread rest after the response, so
 * the connection stays usable.
 */
export function readBody(raw: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(raw.headers['content-length']);
  if (declared > limit) return Promise.reject(bodyTooLarge());
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      raw.removeListener('data', onData);
      raw.removeListener('end', onEnd);
      raw.removeListener('error', onError);
      raw.removeListener('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(bodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onAborted = () => onError(new Error('request aborted'));
    raw.on('data', onData);
    raw.on('end', onEnd);
    raw.on('error', onError);
    raw.on('aborted', onAborted);
  });
}
