import type { StorageView } from '../storage/storage-view.js';
import type { FieldValues, Fields } from './fields.js';
import type { TokenTypeSetting } from './token-type.js';

/**
 * The engine contract (ARCHITECTURE.md, "The engine contract"). Secrets engines, auth methods
 * and `sys/` itself declare their paths; routing, validation, help and audit redaction come from
 * the declarations.
 */
export type Operation = 'read' | 'list' | 'create' | 'update' | 'patch' | 'delete';

/** Cedar actions (ARCHITECTURE.md, "Cedar model"). */
export type Action =
  | 'read'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'list'
  | 'generate'
  | 'renew'
  | 'revoke'
  | 'rotate'
  | 'sign'
  | 'encrypt'
  | 'decrypt'
  | 'configure'
  | 'sudo';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** A mount as the mount table records it. */
export interface MountEntry {
  /** With trailing slash: `secret/`, `auth/userpass/`. */
  path: string;
  type: string;
  uuid: string;
  accessor: string;
  description: string;
  config: MountConfig;
  options: Record<string, string>;
  local: boolean;
  seal_wrap: boolean;
  /** Whether this is an auth method mount (under `auth/`). */
  kind: 'secrets' | 'auth';
}

export interface MountConfig {
  default_lease_ttl: number;
  max_lease_ttl: number;
  force_no_cache?: boolean;
  audit_non_hmac_request_keys?: string[];
  audit_non_hmac_response_keys?: string[];
  listing_visibility?: string;
  passthrough_request_headers?: string[];
  allowed_response_headers?: string[];
  /** Auth mounts: the type of the tokens their logins issue (Vault's tune field). */
  token_type?: TokenTypeSetting;
}

/** Who is asking, as established by the authenticate stage. */
export interface RequestAuth {
  /** The raw client token (never logged; needed by `*-self` paths and wrapping). */
  clientToken: string;
  accessor: string;
  /** Salted hash under which the token is stored; stable per token. */
  tokenHash: string;
  policies: string[];
  displayName: string;
  entityId: string;
  metadata: Record<string, string>;
  /** Cedar principal, e.g. `Token::"<accessor>"`, `User::"alice"`. */
  principal: { type: string; id: string };
  isRoot: boolean;
  /** Unix ms; 0 when the token does not expire. */
  expireTime: number;
  /**
   * Set for a batch token only. It is never stored, so what it creates is tracked by its parent
   * (`parentHash`; absent for an orphan batch token), as in Vault; it has no cubbyhole.
   */
  batch?: { parentHash?: string };
}

export interface EngineRequest<V = Record<string, unknown>> {
  readonly id: string;
  readonly operation: Operation;
  /** Path relative to the mount, without a leading slash. */
  readonly path: string;
  /** Validated fields (path captures included). */
  readonly data: V;
  /** The whole request body and query, for engines that store arbitrary data (KV). */
  readonly raw: Readonly<Record<string, unknown>>;
  readonly storage: StorageView;
  readonly mount: MountEntry;
  readonly auth: RequestAuth | undefined;
  readonly remoteAddress: string;
  /** DER of the TLS client certificate, when the listener asked for one. */
  readonly clientCertificate?: Uint8Array;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Requested wrap TTL in seconds, when the client asked for response wrapping. */
  readonly wrapTtl?: number;
}

/** A secret with a lease: the pipeline registers it with the expiration manager. */
export interface SecretLease {
  /** Lease TTL in seconds (0 = the mount's default). */
  ttl: number;
  maxTtl?: number;
  renewable: boolean;
  /** Secret type, matching a key of `EngineSpec.leases`. */
  type: string;
  /** What the engine needs to revoke or renew; persisted through the barrier, never returned. */
  internal: Record<string, unknown>;
}

/** A login result: the pipeline turns it into a token. */
export interface AuthIssue {
  policies: string[];
  displayName: string;
  metadata?: Record<string, string>;
  /** Seconds; 0 = the mount's default. */
  ttl?: number;
  maxTtl?: number;
  explicitMaxTtl?: number;
  period?: number;
  numUses?: number;
  renewable?: boolean;
  noDefaultPolicy?: boolean;
  entityId?: string;
  principal?: { type: string; id: string };
  /** Set when the engine already created the token itself (the token store). */
  clientToken?: string;
  accessor?: string;
  /** A login's requested type (its role's `token_type`); for an existing token, its type. */
  tokenType?: TokenTypeSetting | 'default';
  orphan?: boolean;
  /** The auth method's own data about this login (role name, etc.), kept with the token. */
  internal?: Record<string, unknown>;
  /** The identity alias this login maps to (the user name, the role id): its entity is found or created. */
  alias?: { name: string; metadata?: Record<string, string> };
}

export interface EngineResponse {
  data?: Record<string, unknown> | null;
  /** HTTP status when it is not 200/204, e.g. KV v2's 404 with an envelope. */
  status?: number;
  warnings?: string[];
  secret?: SecretLease;
  auth?: AuthIssue;
  /** A non-envelope body (`sys/init`, `ssh/public_key`, PKI CRLs). Never carries auth or a lease. */
  raw?: { contentType: string; body: string | Uint8Array; status?: number };
  /** Also copy `data` to the top level (Vault's legacy sys routes, spec §0 trap 6). */
  dataAtTopLevel?: boolean;
  /** The envelope's lease fields for an existing lease (`sys/leases/renew`), no new lease. */
  leaseInfo?: { id: string; duration: number; renewable: boolean };
  /** An advisory `lease_duration` in seconds with no lease behind it (KV v1's `ttl` key). */
  leaseDuration?: number;
  /** Set by wrapping endpoints that produce a wrapped response themselves. */
  wrapInfo?: Record<string, unknown>;
}

export interface OperationSpec<V> {
  readonly summary: string;
  handle(req: EngineRequest<V>): Promise<EngineResponse | undefined>;
}

export interface AuthzTarget {
  action: Action;
  /** The Cedar resource id, `<mount>/<secret path>` without the engine's API segment. */
  resource: string;
}

export interface PathSpec<F extends Fields = Fields> {
  /** Template(s): `data/:path+`, `creds/:name`, `keys/:name/rotate`. Every capture is a field. */
  readonly pattern: string | readonly string[];
  readonly fields: F;
  readonly operations: Partial<Record<Operation, OperationSpec<FieldValues<F>>>>;
  /** The Cedar request for this path; defaults to the operation on `<mount><path>`. */
  authz?(req: EngineRequest<FieldValues<F>>): AuthzTarget;
  /** Decides create vs update for writes. */
  exists?(req: EngineRequest<FieldValues<F>>): Promise<boolean>;
  readonly help: { readonly synopsis: string; readonly description?: string };
}

/** Handlers for leased secrets of one type. */
export interface LeaseHandlers {
  renew?(internal: Record<string, unknown>, ctx: { increment: number; ttl: number }): Promise<void>;
  revoke(internal: Record<string, unknown>): Promise<void>;
}

export interface EngineSpec {
  readonly kind: 'secrets' | 'auth';
  readonly paths: readonly PathSpec<any>[];
  /** Patterns (templates) reachable without a token: login paths, public CA keys. */
  readonly unauthenticated?: readonly string[];
  readonly leases?: Record<string, LeaseHandlers>;
  /** Storage is scoped to the calling token (cubbyhole). */
  readonly perTokenStorage?: boolean;
  /** Called by the scheduler on the active node. */
  periodic?(): Promise<void>;
  /** Called on unmount or seal: close pools, stop timers. */
  close?(): Promise<void>;
  /** Called when the mount is removed for good: clean up external state. */
  cleanup?(): Promise<void>;
}

export interface EngineContext {
  readonly storage: StorageView;
  readonly mount: MountEntry;
  readonly log: Logger;
  readonly clock: Clock;
}

export type EngineFactory = (ctx: EngineContext) => Promise<EngineSpec>;

/** Declares a path; infers field types so handlers need no casts. */
export const definePath = <const F extends Fields>(spec: PathSpec<F>): PathSpec<F> => spec;
