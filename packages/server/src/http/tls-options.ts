import { readFile } from 'node:fs/promises';
import type { ServerOptions } from 'node:https';
import type { ListenerConfig } from '../config/server-config.js';

/**
 * HTTPS options for a listener, or `undefined` when `tls_disable` is set. TLS 1.2 is the floor.
 * With `tls_client_ca_file` a client certificate is requested but never required here: the
 * handshake succeeds either way and `socket.authorized` tells whether the certificate chains to
 * that CA; the cert auth method decides what a certificate is worth.
 */
export async function tlsOptions(listener: ListenerConfig): Promise<ServerOptions | undefined> {
  if (listener.tls_disable) return undefined;
  if (listener.tls_cert_file === undefined || listener.tls_key_file === undefined) {
    throw new Error('listener: tls_cert_file and tls_key_file are required unless tls_disable = true');
  }
  const [cert, key, ca] = await Promise.all([
    readFile(listener.tls_cert_file),
    readFile(listener.tls_key_file),
    listener.tls_client_ca_file === undefined ? undefined : readFile(listener.tls_client_ca_file),
  ]);
  const options: ServerOptions = { cert, key, minVersion: 'TLSv1.2' };
  if (ca !== undefined) {
    options.ca = ca;
    options.requestCert = true;
    options.rejectUnauthorized = false;
  }
  return options;
}
