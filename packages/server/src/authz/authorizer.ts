import type { Action, MountEntry, Operation, RequestAuth } from '../framework/engine.js';

/** What the authorize stage asks: may this principal perform this action on this resource? */
export interface AuthzRequest {
  readonly auth: RequestAuth;
  readonly action: Action;
  /** `Secret::"<resource>"`: the mount path plus the secret's name. */
  readonly resource: string;
  readonly operation: Operation;
  readonly mount: MountEntry;
  /** The request path relative to the mount. */
  readonly relativePath: string;
  readonly remoteAddress: string;
  /** The TTL the request asks for, in seconds, when it asks for one. */
  readonly ttl?: number;
  /**
   * The principal's groups, when the caller already knows them (sys/policies/cedar-explain);
   * otherwise the authorizer asks its group resolver with `auth.entityId`.
   */
  readonly groups?: readonly string[];
}

export interface AuthzDecision {
  readonly allowed: boolean;
  /** The policies that determined the decision (audit's `cedar_policy.policy_ids`). */
  readonly policyIds: readonly string[];
  /** Evaluation errors; any error makes the decision a deny (fail closed). */
  readonly errors: readonly string[];
}

/** Decides every request. Default deny: anything not explicitly allowed is refused. */
export interface Authorizer {
  authorize(req: AuthzRequest): AuthzDecision | Promise<AuthzDecision>;
}
