import type { RequestAuth } from '../framework/engine.js';

/**
 * The logical request every surface (HTTP, the CLI's embedded server, tests) hands to the one
 * pipeline, and the response it gets back. The HTTP layer only translates to and from these.
 */
export type HttpOperation = 'read' | 'list' | 'update' | 'patch' | 'delete';

export interface VaultRequest {
  readonly id: string;
  readonly operation: HttpOperation;
  /** The path after `/v1/`, still percent-encoded as received; the normalise stage decodes it. */
  readonly rawPath: string;
  /** Query parameters (GET/DELETE query parameters become request data, as in Vault). */
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON (or form) body; `{}` when there was none. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly token?: string;
  readonly namespace?: string;
  /** Seconds, from `X-Vault-Wrap-TTL`. */
  readonly wrapTtl?: number;
  readonly remoteAddress: string;
  readonly clientCertificate?: Uint8Array;
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** `?help=1`: answer with the path's help instead of running it. */
  readonly help: boolean;
}

export interface VaultResponse {
  readonly status: number;
  /** JSON body; absent for 204 and HEAD. */
  readonly body?: unknown;
  /** Non-JSON body (text/plain CA keys, DER CRLs). */
  readonly raw?: { readonly contentType: string; readonly body: string | Uint8Array };
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Pipeline {
  handle(req: VaultRequest): Promise<VaultResponse>;
}

/**
 * The in-process surface for the server's own scheduled jobs (rotation policies): the same
 * stages, Cedar and audit included, with an identity the server gives instead of a token.
 * Never reachable from a listener.
 */
export interface InternalPipeline extends Pipeline {
  handleAs(req: VaultRequest, auth: RequestAuth): Promise<VaultResponse>;
}
