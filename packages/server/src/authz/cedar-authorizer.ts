import type { Clock, Logger } from '../framework/engine.js';
import { SYSTEM_MAX_TTL } from '../router/mount-table.js';
import type { Authorizer, AuthzDecision, AuthzRequest } from './authorizer.js';
import { contextKey, encodeContext, metadataTags, PRINCIPAL_TYPES, type ContextValues } from './cedar-schema.js';
import { cedar } from './cedar-wasm.js';
import type { CompiledPolicy, Uid } from './policy-document.js';
import { PolicySet, resourceAncestors, uidKey, type PrincipalRef, type Slice } from './policy-set.js';
import { CedarPolicyStore } from './policy-store.js';
import { Lru } from './lru.js';
import { ROOT_POLICY } from './builtin-policies.js';

/**
 * The identity engineer's hook: the groups (flattened, nested groups included) an entity belongs
 * to. Call `invalidate()` on the authorizer whenever memberships change.
 */
export type GroupResolver = (entityId: string) => Promise<readonly string[]> | readonly string[];

export interface CedarAuthorizerOptions {
  readonly log?: Logger;
  readonly clock?: Clock;
  readonly groups?: GroupResolver;
  /** Decisions kept (default 20,000). */
  readonly decisionCacheSize?: number;
  /** Preparsed policy slices kept in the WASM module (default 512). */
  readonly preparsedSlots?: number;
}

/**
 * The resource's path prefixes as `Secret` uids. Plain loops here and on the other hot paths:
 * Node 20's V8 aborts (`Deoptimizer::DoComputeBuiltinContinuation`, "unreachable code") when a
 * TurboFan-inlined `Array.prototype.map` callback in this code is lazily deoptimized — seen under
 * sustained load in bench/cedar-authz.mjs.
 */
function secretParents(resource: string): Uid[] {
  const out: Uid[] = [];
  const prefixes = resourceAncestors(resource);
  for (let i = 1; i < prefixes.length; i++) out.push({ type: 'Secret', id: prefixes[i]! });
  return out;
}

/** Its input when already sorted and free of duplicates (the usual case), else a sorted copy. */
function sortedUnique(list: readonly string[]): readonly string[] {
  for (let i = 1; i < list.length; i++) if (!(list[i - 1]! < list[i]!)) return [...new Set(list)].sort();
  return list;
}

/** A decision with what it was about (sys/policies/cedar-explain). */
export interface ExplainedDecision extends AuthzDecision {
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
}

const ROOT_ALLOW: AuthzDecision = Object.freeze({ allowed: true, policyIds: Object.freeze([ROOT_POLICY]), errors: Object.freeze([]) });
const NO_PERMIT: AuthzDecision = Object.freeze({ allowed: false, policyIds: Object.freeze([]), errors: Object.freeze([]) });

let instances = 0;

/**
 * Cedar authorization (ARCHITECTURE.md, "Cedar model") with the official engine.
 *
 * Per request: (1) a root token is allowed outright — `Role::"root"` is decided here, before and
 * outside Cedar, so no user `forbid` can lock root out; (2) the principal (`Token::`/`User::`/
 * `Service::`) gets its roles (token policies) and groups (the resolver) as parents; (3) the
 * policies whose scope can match are sliced out of the indexed set; none permitting ⇒ deny
 * without calling Cedar; (4) the decision is looked up by (version, principal, parents, action,
 * resource, the context values the slice reads) — a slice reading `context.time` is not cached;
 * (5) otherwise Cedar evaluates the slice (preparsed once per slice and version) against two
 * entities: the principal and the resource with its path prefixes as parents.
 *
 * INVARIANT: default deny; forbid wins (Cedar's semantics); any evaluation error denies
 * (Cedar would skip an erroring forbid — we fail closed instead) and is logged and returned.
 */
export class CedarAuthorizer implements Authorizer {
  /** The policy documents; the system backend's policy paths and unseal/seal drive it. */
  readonly policies: CedarPolicyStore;
  private set: PolicySet = new PolicySet(0, []);
  private version = 0;
  private groups: GroupResolver | undefined;
  private readonly log: Logger | undefined;
  private readonly clock: Clock;
  private readonly slices = new Lru<Slice>(4096);
  private readonly decisions: Lru<AuthzDecision>;
  /** Slice key → preparsed policy set id in the WASM module; ids are reused so memory is bounded. */
  private readonly preparsed: Lru<string>;
  private readonly freeIds: string[] = [];
  private nextId = 0;
  private readonly prefix = `sv${++instances}`;

  constructor(options: CedarAuthorizerOptions = {}) {
    this.log = options.log;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.groups = options.groups;
    this.decisions = new Lru(options.decisionCacheSize ?? 20_000);
    this.preparsed = new Lru(options.preparsedSlots ?? 512);
    this.policies = new CedarPolicyStore((policies) => this.publish(policies), options.log);
  }

  /** Exercises the WASM module once so the first request does not pay its start-up stall. */
  warm(): void {
    const slice = new PolicySet(0, []).slice({ uid: { type: 'Token', id: 'warm-up' }, parents: [] }, 'read', 'sys/warm-up');
    const context: ContextValues = { ttl: 0, hasTtl: false, remoteAddress: '127.0.0.1', time: this.clock.now(), mfa: false, metadata: [] };
    for (let i = 0; i < 3; i++) this.evaluate(slice, { uid: { type: 'Token', id: 'warm-up' }, parents: [] }, 'read', 'sys/warm-up', context);
  }

  /** Sets (or replaces) the group resolver; clears cached decisions. */
  setGroupResolver(resolver: GroupResolver | undefined): void {
    this.groups = resolver;
    this.invalidate();
  }

  /** Forgets every cached decision: call on any group membership change. */
  invalidate(): void {
    this.decisions.clear();
    this.slices.clear();
  }

  /** The policy-set version: bumps on every policy change. */
  get policyVersion(): number {
    return this.version;
  }

  async authorize(req: AuthzRequest): Promise<AuthzDecision> {
    return this.decideRequest(req);
  }

  /** The decision for a request, with the Cedar principal, action and resource it concerned. */
  async explain(req: AuthzRequest): Promise<ExplainedDecision> {
    const decision = await this.decideRequest(req);
    return {
      ...decision,
      principal: uidKey(req.auth.principal),
      action: `Action::${JSON.stringify(req.action)}`,
      resource: uidKey({ type: 'Secret', id: req.resource }),
    };
  }

  // The hot path: keys are built from plain strings, and the parents, context values and Cedar
  // request are built only on a miss.
  private async decideRequest(req: AuthzRequest): Promise<AuthzDecision> {
    const auth = req.auth;
    const principal = auth.principal;
    // INVARIANT: root is decided outside Cedar; nothing a policy says can deny it.
    if (auth.isRoot || auth.policies.includes(ROOT_POLICY)) return ROOT_ALLOW;
    if (this.policies.hasLoadErrors()) return { allowed: false, policyIds: [], errors: this.policies.loadErrors() };
    if (!PRINCIPAL_TYPES.has(principal.type)) {
      return { allowed: false, policyIds: [], errors: [`unknown principal type \`${principal.type}\``] };
    }
    let groups: readonly string[] = req.groups ?? [];
    if (req.groups === undefined && auth.entityId && this.groups) groups = await this.groups(auth.entityId);
    const roles = sortedUnique(auth.policies);
    const groupList = sortedUnique(groups);
    const version = this.version;
    const sliceKey = `${version}\u0000${principal.type}\u0000${principal.id}\u0000${roles.join('\u0001')}\u0000${groupList.join('\u0001')}\u0000${req.action}\u0000${req.resource}`;
    const parents = (): Uid[] => {
      const out: Uid[] = [];
      for (const id of roles) out.push({ type: 'Role', id });
      for (const id of groupList) out.push({ type: 'Group', id });
      return out;
    };
    let slice = this.slices.get(sliceKey);
    if (!slice) {
      slice = this.set.slice({ uid: principal, parents: parents() }, req.action, req.resource);
      this.slices.set(sliceKey, slice);
    }
    if (!slice.hasPermit) return NO_PERMIT;
    const context: ContextValues = {
      ttl: req.ttl ?? (req.mount.config.default_lease_ttl || SYSTEM_MAX_TTL),
      hasTtl: req.ttl !== undefined,
      remoteAddress: req.remoteAddress,
      time: this.clock.now(),
      mfa: false,
      metadata: slice.contextFields.has('metadata') ? metadataTags(auth.metadata) : [],
    };
    const ctxKey = contextKey(context, slice.contextFields);
    const decisionKey = ctxKey === undefined ? undefined : sliceKey + ctxKey;
    if (decisionKey !== undefined) {
      const hit = this.decisions.get(decisionKey);
      if (hit) return hit;
    }
    const decision = this.evaluate(slice, { uid: principal, parents: parents() }, req.action, req.resource, context);
    // A decision with errors is not cached: the next request logs (and denies) again.
    if (decisionKey !== undefined && decision.errors.length === 0 && version === this.version) {
      this.decisions.set(decisionKey, decision);
    }
    return decision;
  }

  private evaluate(slice: Slice, principal: PrincipalRef, action: string, resource: string, context: ContextValues): AuthzDecision {
    const answer = cedar.statefulIsAuthorized({
      principal: principal.uid,
      action: { type: 'Action', id: action },
      resource: { type: 'Secret', id: resource },
      context: encodeContext(context, slice.contextFields) as never,
      preparsedPolicySetId: this.preparsedId(slice),
      entities: [
        { uid: principal.uid, attrs: {}, parents: [...principal.parents] },
        { uid: { type: 'Secret', id: resource }, attrs: {}, parents: secretParents(resource) },
      ],
    });
    if (answer.type === 'failure') {
      const errors: string[] = [];
      for (const e of answer.errors) errors.push(e.message);
      this.log?.error('cedar authorization failed; denying', { action, resource, errors });
      return { allowed: false, policyIds: [], errors };
    }
    const { decision, diagnostics } = answer.response;
    if (diagnostics.errors.length > 0) {
      const errors: string[] = [];
      const ids: string[] = [];
      for (const e of diagnostics.errors) {
        errors.push(`policy \`${e.policyId}\`: ${e.error.message}`);
        ids.push(e.policyId);
      }
      this.log?.error('cedar policy evaluation error; denying (fail closed)', { action, resource, errors });
      return { allowed: false, policyIds: ids, errors };
    }
    return { allowed: decision === 'allow', policyIds: [...diagnostics.reason].sort(), errors: [] };
  }

  /** The WASM-side id of the slice's preparsed policy set, preparsing it on first use. */
  private preparsedId(slice: Slice): string {
    const key = `${this.version}\u0000${slice.key}`;
    const known = this.preparsed.get(key);
    if (known) return known;
    const id = this.freeIds.pop() ?? `${this.prefix}-${this.nextId++}`;
    const staticPolicies: Record<string, string> = {};
    for (const p of slice.policies) staticPolicies[p.id] = p.text;
    const parsed = cedar.preparsePolicySet(id, { staticPolicies });
    if (parsed.type === 'failure') throw new Error(`cedar could not preparse a validated policy set: ${parsed.errors[0]?.message}`);
    const evicted = this.preparsed.set(key, id);
    if (evicted) this.freeIds.push(evicted);
    return id;
  }

  private publish(policies: CompiledPolicy[]): void {
    this.version += 1;
    this.set = new PolicySet(this.version, policies);
    this.invalidate();
    this.preparsed.clear();
    this.freeIds.length = 0;
    this.nextId = 0;
  }
}
