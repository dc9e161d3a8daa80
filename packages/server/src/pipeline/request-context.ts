import type { AuthzDecision, Authorizer } from '../authz/authorizer.js';
import type { RequestMetrics } from '../metrics/metrics.js';
import type { AuditBroker } from '../audit/audit-broker.js';
import type { AuditRequestFields } from '../audit/audit-event.js';
import type { AuditedHeaders } from '../audit/request-headers.js';
import type { AuthIssue, Clock, EngineResponse, Logger, MountEntry, Operation, RequestAuth } from '../framework/engine.js';
import type { Fields } from '../framework/fields.js';
import type { PathSpec } from '../framework/engine.js';
import type { RouteTable } from '../framework/route-table.js';
import type { MountTable } from '../router/mount-table.js';
import type { QuotaTable } from '../quotas/quota-table.js';
import type { ExpirationManager } from '../leases/expiration-manager.js';
import type { IdentityStore } from '../identity/identity-store.js';
import type { EngineSpec } from '../framework/engine.js';
import type { StorageView } from '../storage/storage-view.js';
import type { StandbyRouter } from './stage-standby.js';
import type { VaultRequest } from './vault-request.js';

/** What the pipeline carries from stage to stage for one request. */
export interface RequestContext {
  readonly req: VaultRequest;
  /** Decoded, validated path (stage 3). A trailing slash is kept: it matters for LIST. */
  path: string;
  operation: Operation;
  route?: {
    readonly mount: MountEntry;
    readonly engine: EngineSpec;
    readonly view: StorageView;
    readonly relative: string;
    readonly spec?: PathSpec<Fields>;
    readonly captures: Record<string, string>;
    readonly unauthenticated: boolean;
  };
  auth?: RequestAuth;
  decision?: AuthzDecision;
  response?: EngineResponse;
  /** The Vault-shaped `auth` object of a response that issued a token. */
  issuedAuth?: Record<string, unknown>;
  leaseId?: string;
  /** Seconds, when a lease was issued. */
  leaseDuration?: number;
  /** What both of the request's audit events carry, gathered once (stage-audit.ts). */
  auditFields?: AuditRequestFields;
  /** Headers for whatever response the request ends with (the rate-limit headers, stage-quota.ts). */
  responseHeaders?: Readonly<Record<string, string>>;
}

/** Token operations the pipeline needs; implemented by the token store. */
export interface TokenService {
  /** The token's identity, or undefined when it is unknown, expired or used up. */
  authenticate(token: string, path: string): Promise<RequestAuth | undefined>;
  /** Counts one use of a limited-use token; revokes it after its last use. */
  afterRequest(auth: RequestAuth): Promise<void>;
  /** Creates the token for a login response and returns Vault's `auth` object. */
  issue(auth: AuthIssue, path: string, mount: MountEntry): Promise<Record<string, unknown>>;
  /** Vault's `auth` object for a token an engine created itself. */
  describe(auth: AuthIssue): Promise<Record<string, unknown>>;
}

export interface Wrapper {
  wrap(
    response: Record<string, unknown>,
    ttlSeconds: number,
    creationPath: string,
    wrappedAccessor?: string,
  ): Promise<Record<string, unknown>>;
}

/** Services that exist only while the vault is unsealed. */
export interface UnsealedServices {
  readonly mounts: MountTable;
  readonly expiration: ExpirationManager;
  /** Entities, aliases and groups: logins find or create their entity here. */
  readonly identity: IdentityStore;
  readonly tokens: TokenService;
  readonly wrapper: Wrapper;
}

export interface PipelineDeps {
  /** The system backend's routes: they answer even while sealed. */
  readonly system: { readonly engine: EngineSpec; readonly routes: RouteTable; readonly mount: MountEntry; readonly view: StorageView };
  /** Undefined while sealed. */
  services(): UnsealedServices | undefined;
  readonly authorizer: Authorizer;
  /** HA coordination; absent when the storage backend has no leader lock (every node active). */
  readonly ha?: StandbyRouter;
  /** Request counters and latency (Prometheus); absent where nobody scrapes. */
  readonly metrics?: RequestMetrics;
  readonly audit: AuditBroker;
  /** Rate-limit quotas (stage 4½); absent where none can be defined. */
  readonly quotas?: QuotaTable;
  /** Request headers recorded in audit entries (`sys/config/auditing/request-headers`). */
  readonly auditedHeaders?: AuditedHeaders;
  readonly log: Logger;
  readonly clock: Clock;
}
