import { readFileSync } from 'node:fs';
import type { TlsOptions, VaultClientOptions } from './client-options.js';

/** Reads the files the TLS settings name; injectable for tests. */
export type ReadTextFile = (path: string) => string;

const readText: ReadTextFile = (path) => readFileSync(path, 'utf8');

/**
 * Client options from Vault's environment variables: `VAULT_ADDR` (several comma-separated
 * addresses are tried in order), `VAULT_TOKEN`, `VAULT_NAMESPACE`, and for TLS the files named by
 * `VAULT_CACERT`, `VAULT_CLIENT_CERT`, `VAULT_CLIENT_KEY`, plus `VAULT_TLS_SERVER_NAME` and
 * `VAULT_SKIP_VERIFY`. Empty variables count as unset, as in Vault.
 */
export function clientOptionsFromEnv(env: Record<string, string | undefined> = process.env, read: ReadTextFile = readText): VaultClientOptions {
  const options: VaultClientOptions = {};
  const addresses = (env['VAULT_ADDR'] ?? '').split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (addresses.length === 1) options.address = addresses[0]!;
  else if (addresses.length > 1) options.addresses = addresses;
  if (env['VAULT_TOKEN']) options.token = env['VAULT_TOKEN'];
  if (env['VAULT_NAMESPACE']) options.namespace = env['VAULT_NAMESPACE'];
  const tls = tlsFromFiles(
    {
      caCert: env['VAULT_CACERT'] || undefined,
      clientCert: env['VAULT_CLIENT_CERT'] || undefined,
      clientKey: env['VAULT_CLIENT_KEY'] || undefined,
      serverName: env['VAULT_TLS_SERVER_NAME'] || undefined,
      insecureSkipVerify: /^(1|true|t)$/i.test(env['VAULT_SKIP_VERIFY'] ?? ''),
    },
    read,
  );
  if (tls) options.tls = tls;
  return options;
}

/** File names → PEM text; `undefined` when no TLS setting is given. */
export function tlsFromFiles(
  files: { caCert?: string | undefined; clientCert?: string | undefined; clientKey?: string | undefined; serverName?: string | undefined; insecureSkipVerify?: boolean | undefined },
  read: ReadTextFile = readText,
): TlsOptions | undefined {
  const tls: TlsOptions = {};
  if (files.caCert) tls.caCert = read(files.caCert);
  if (files.clientCert) tls.clientCert = read(files.clientCert);
  if (files.clientKey) tls.clientKey = read(files.clientKey);
  if (files.serverName) tls.serverName = files.serverName;
  if (files.insecureSkipVerify) tls.insecureSkipVerify = true;
  return Object.keys(tls).length > 0 ? tls : undefined;
}
