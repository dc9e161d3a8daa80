import { randomUUID } from 'node:crypto';
import { parseServerConfig } from '../config/server-config.js';
import { createVault, type ServerOptions, type Vault } from '../server.js';
import type { HttpOperation, VaultRequest, VaultResponse } from './vault-request.js';

export const ROOT = 'root-token-for-tests';

/** A dev-mode vault on in-memory SQLite, driven through its pipeline without HTTP. */
export async function devVault(engines: ServerOptions['engines'] = []): Promise<Vault> {
  const config = parseServerConfig({
    log_level: 'error',
    storage: { type: 'sqlite', path: ':memory:' },
    listener: { address: '127.0.0.1:0', tls_disable: true },
  });
  return createVault({ config, dev: { rootTokenId: ROOT }, engines });
}

export interface Call {
  token?: string;
  body?: Record<string, unknown>;
  query?: Record<string, string>;
  wrapTtl?: number;
  help?: boolean;
  /** Lower-cased names, as the HTTP layer hands them over. */
  headers?: Record<string, string>;
  remoteAddress?: string;
}

/** Sends one logical request through the pipeline, as the HTTP layer would. */
export function send(vault: Vault, operation: HttpOperation, rawPath: string, call: Call = {}): Promise<VaultResponse> {
  const req: VaultRequest = {
    id: randomUUID(),
    operation,
    rawPath,
    query: call.query ?? {},
    body: call.body ?? {},
    ...(call.token !== undefined ? { token: call.token } : { token: ROOT }),
    ...(call.wrapTtl !== undefined && { wrapTtl: call.wrapTtl }),
    remoteAddress: call.remoteAddress ?? '127.0.0.1',
    headers: call.headers ?? {},
    help: call.help ?? false,
  };
  return vault.pipeline.handle(req);
}

/** The JSON body of a response, typed loosely for assertions. */
export const body = (res: VaultResponse) => res.body as Record<string, any>;
