import type { ServerConfig } from './config/server-config.js';

/** How to start a server: a parsed config, or dev mode (in-memory, initialised, unsealed). */
export interface ServerOptions {
  config: ServerConfig;
  dev?: {
    /** Any string; it becomes a valid root token (Vault's `-dev-root-token-id`). */
    rootTokenId?: string;
  };
}

export interface RunningServer {
  /** e.g. `http://127.0.0.1:8200`. */
  readonly address: string;
  /** Dev mode only. */
  readonly rootToken?: string;
  /** Dev mode only: the single unseal key, base64. */
  readonly unsealKey?: string;
  close(): Promise<void>;
}

export async function startServer(_options: ServerOptions): Promise<RunningServer> {
  throw new Error('not wired yet');
}
