import type { AuthzDecision } from '../authz/authorizer.js';

/** Who made a request, as the pipeline knows it; the formatter HMACs the token and accessor. */
export interface AuditAuth {
  readonly clientToken: string;
  readonly accessor: string;
  readonly displayName: string;
  readonly policies: readonly string[];
  readonly entityId: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Cedar principal, e.g. `{ type: 'User', id: 'alice' }`. */
  readonly principal: { readonly type: string; readonly id: string };
}

/** A request header an operator asked audit entries to record, with how to log it. */
export interface AuditedHeader {
  readonly values: readonly string[];
  /** HMAC'd with each device's salt; always true for the headers that carry a token. */
  readonly hmac: boolean;
}

/**
 * One audit event, as the pipeline hands it over, unredacted. It lives only in memory: each
 * device formats it with its own salt (entry-format.ts) before anything is written.
 */
export interface AuditEvent {
  readonly type: 'request' | 'response';
  readonly time: string;
  readonly requestId: string;
  readonly operation: string;
  readonly path: string;
  readonly remoteAddress: string;
  readonly mountType?: string;
  readonly auth?: AuditAuth;
  /** The request body and query, as received. */
  readonly data?: Readonly<Record<string, unknown>>;
  /** Request keys declared `sensitive`: HMAC'd even when listed as non-HMAC keys. */
  readonly sensitiveKeys?: readonly string[];
  /** The mount's `audit_non_hmac_request_keys` / `audit_non_hmac_response_keys`. */
  readonly nonHmacRequestKeys?: readonly string[];
  readonly nonHmacResponseKeys?: readonly string[];
  readonly wrapTtl?: number;
  /** The configured request headers present (request-headers.ts), by lower-case name. */
  readonly headers?: Readonly<Record<string, AuditedHeader>>;
  readonly decision?: AuthzDecision;
  /** The Cedar resource the request names (`secret/database/prod`, no API segment). */
  readonly resource?: string;
  /** Response events: the HTTP status and what the client receives. */
  readonly status?: number;
  readonly response?: AuditResponseBody;
  readonly error?: string;
  /**
   * The same object on a request's request and response events, whose request fields are the
   * same: a device may render them once for both (entry-format.ts).
   */
  readonly pair?: object;
}

/** An event's fields that are the same on both of a request's events. */
export type AuditRequestFields = Omit<AuditEvent, 'type' | 'time' | 'status' | 'response' | 'error' | 'pair'>;

/** The JSON body a client receives, or a raw (non-envelope) body. */
export type AuditResponseBody =
  | { readonly kind: 'json'; readonly body: unknown }
  | { readonly kind: 'raw'; readonly contentType: string; readonly body: string | Uint8Array };

/** Paths Vault never audits (spec §2.5): the unauthenticated lifecycle endpoints. */
export const NON_AUDITED_PATHS: ReadonlySet<string> = new Set([
  'sys/init',
  'sys/seal-status',
  'sys/seal',
  'sys/unseal',
  'sys/leader',
  'sys/health',
  'sys/storage/raft/bootstrap',
  'sys/storage/raft/join',
]);
