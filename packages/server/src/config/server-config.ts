import { readFile } from 'node:fs/promises';
import { parse as parseToml } from 'smol-toml';

/**
 * The server's TOML configuration (ARCHITECTURE.md, "Configuration"), with Vault's setting names.
 * A config error names the file, the key and what was expected; the server then refuses to start.
 */
export interface ServerConfig {
  api_addr?: string;
  cluster_name?: string;
  ui: boolean;
  log_level: 'debug' | 'info' | 'warn' | 'error';
  storage: StorageConfig;
  listener: ListenerConfig;
  /** Raw sections owned by later features, kept for them. */
  audit: Record<string, unknown>[];
  rotation_policies: Record<string, unknown>[];
}

export interface StorageConfig {
  type: 'sqlite' | 'inmem' | 'postgres' | 'etcd';
  /** sqlite: the database file. */
  path?: string;
  /** Backend-specific settings, passed through. */
  [key: string]: unknown;
}

export interface ListenerConfig {
  /** host:port, e.g. `127.0.0.1:8200`. */
  address: string;
  tls_disable: boolean;
  tls_cert_file?: string;
  tls_key_file?: string;
  tls_client_ca_file?: string;
  /** Bytes; Vault's default is 32 MiB. */
  max_request_size: number;
}

export const DEFAULT_MAX_REQUEST_SIZE = 32 * 1024 * 1024;

export class ConfigError extends Error {
  constructor(file: string, key: string, expected: string) {
    super(`${file}: \`${key}\`: expected ${expected}`);
    this.name = 'ConfigError';
  }
}

export async function loadServerConfig(file: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(file, '(file)', 'a readable TOML file');
  }
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    const message = err instanceof Error ? err.message.split('\n')[0] : 'invalid TOML';
    throw new ConfigError(file, '(syntax)', `valid TOML (${message})`);
  }
  return parseServerConfig(doc, file);
}

/** Validates a parsed TOML document; `file` only names the source in errors. */
export function parseServerConfig(doc: Record<string, unknown>, file = 'config'): ServerConfig {
  const table = (key: string): Record<string, unknown> => {
    const v = doc[key];
    if (v === undefined) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConfigError(file, key, 'a table');
    return v as Record<string, unknown>;
  };
  const str = (t: Record<string, unknown>, section: string, key: string, def?: string): string | undefined => {
    const v = t[key];
    if (v === undefined) return def;
    if (typeof v !== 'string') throw new ConfigError(file, section ? `${section}.${key}` : key, 'a string');
    return v;
  };
  const bool = (t: Record<string, unknown>, section: string, key: string, def: boolean): boolean => {
    const v = t[key];
    if (v === undefined) return def;
    if (typeof v !== 'boolean') throw new ConfigError(file, `${section}.${key}`, 'true or false');
    return v;
  };
  const list = (key: string): Record<string, unknown>[] => {
    const v = doc[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) throw new ConfigError(file, key, 'an array of tables ([[' + key + ']])');
    return v as Record<string, unknown>[];
  };

  const storage = table('storage');
  const storageType = str(storage, 'storage', 'type', 'sqlite')!;
  if (!['sqlite', 'inmem', 'postgres', 'etcd'].includes(storageType)) {
    throw new ConfigError(file, 'storage.type', '"sqlite", "postgres", "etcd" or "inmem"');
  }
  if (storageType === 'sqlite' && str(storage, 'storage', 'path') === undefined) {
    throw new ConfigError(file, 'storage.path', 'the path of the SQLite database file');
  }

  const listener = table('listener');
  const address = str(listener, 'listener', 'address', '127.0.0.1:8200')!;
  if (!/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/.test(address)) {
    throw new ConfigError(file, 'listener.address', 'host:port, e.g. "127.0.0.1:8200"');
  }
  const tlsDisable = bool(listener, 'listener', 'tls_disable', false);
  const certFile = str(listener, 'listener', 'tls_cert_file');
  const keyFile = str(listener, 'listener', 'tls_key_file');
  if (!tlsDisable && (certFile === undefined || keyFile === undefined)) {
    throw new ConfigError(file, 'listener.tls_cert_file', 'tls_cert_file and tls_key_file, or tls_disable = true');
  }
  const maxSize = listener['max_request_size'];
  if (maxSize !== undefined && (typeof maxSize !== 'number' || !Number.isInteger(maxSize) || maxSize <= 0)) {
    throw new ConfigError(file, 'listener.max_request_size', 'a positive number of bytes');
  }
  const logLevel = str(doc, '', 'log_level', 'info')!;
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) {
    throw new ConfigError(file, 'log_level', '"debug", "info", "warn" or "error"');
  }
  const apiAddr = str(doc, '', 'api_addr');
  const clusterName = str(doc, '', 'cluster_name');
  return {
    ...(apiAddr !== undefined && { api_addr: apiAddr }),
    ...(clusterName !== undefined && { cluster_name: clusterName }),
    ui: typeof doc['ui'] === 'boolean' ? doc['ui'] : false,
    log_level: logLevel as ServerConfig['log_level'],
    storage: { ...storage, type: storageType as StorageConfig['type'] },
    listener: {
      address,
      tls_disable: tlsDisable,
      ...(certFile !== undefined && { tls_cert_file: certFile }),
      ...(keyFile !== undefined && { tls_key_file: keyFile }),
      ...(str(listener, 'listener', 'tls_client_ca_file') !== undefined && {
        tls_client_ca_file: str(listener, 'listener', 'tls_client_ca_file')!,
      }),
      max_request_size: (maxSize as number | undefined) ?? DEFAULT_MAX_REQUEST_SIZE,
    },
    audit: list('audit'),
    rotation_policies: list('rotation_policies'),
  };
}
