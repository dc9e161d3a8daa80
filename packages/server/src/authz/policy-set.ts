import type { ContextField } from './cedar-schema.js';
import type { CompiledPolicy, Scope, Uid } from './policy-document.js';

/** `Type::"id"`, Cedar's own spelling: unambiguous for any id. */
export const uidKey = (uid: Uid): string => `${uid.type}::${JSON.stringify(uid.id)}`;

/** A secret's name and every path prefix above it: `a/b/c` → `a/b/c`, `a/b`, `a`. */
export function resourceAncestors(resource: string): string[] {
  const out = [resource];
  for (let i = resource.lastIndexOf('/'); i > 0; i = resource.lastIndexOf('/', i - 1)) out.push(resource.slice(0, i));
  return out;
}

/** The policies that can apply to one (principal, action, resource). */
export interface Slice {
  readonly policies: readonly CompiledPolicy[];
  /** Without an applicable permit the answer is deny, and Cedar need not be asked. */
  readonly hasPermit: boolean;
  /** Context attributes the slice reads: only these are sent, and only these key the cache. */
  readonly contextFields: ReadonlySet<ContextField>;
  /** Sorted policy ids: names the preparsed policy set for this slice. */
  readonly key: string;
}

/** Who is asking: the principal and its parents (roles and groups). */
export interface PrincipalRef {
  readonly uid: Uid;
  readonly parents: readonly Uid[];
}

/**
 * One version of the evaluated policy set, indexed by principal scope. Slicing applies each
 * policy's scope (principal, action, resource) exactly as Cedar would, using the same hierarchy
 * that is sent to Cedar, so dropping the policies whose scope cannot match changes no decision
 * (BENCHMARKING.md, "Design consequences" 1: Cedar's cost grows with every policy it is sent).
 */
export class PolicySet {
  /** Policies whose principal scope names an entity, by that entity's key. */
  private readonly byPrincipal = new Map<string, CompiledPolicy[]>();
  /** Policies for any principal (`principal`, `principal is T`). */
  private readonly anyPrincipal: CompiledPolicy[] = [];

  constructor(
    readonly version: number,
    readonly policies: readonly CompiledPolicy[],
  ) {
    for (const p of policies) {
      const s = p.principal;
      if (s.op === 'eq' || s.op === 'in') {
        const key = uidKey(s.uid);
        const list = this.byPrincipal.get(key) ?? [];
        list.push(p);
        this.byPrincipal.set(key, list);
      } else {
        this.anyPrincipal.push(p);
      }
    }
  }

  slice(principal: PrincipalRef, action: string, resource: string): Slice {
    const self = uidKey(principal.uid);
    const ancestry = new Set([self]);
    for (const parent of principal.parents) ancestry.add(uidKey(parent));
    const prefixes = new Set(resourceAncestors(resource));
    const chosen: CompiledPolicy[] = [];
    const consider = (p: CompiledPolicy) => {
      if (p.actions && !p.actions.has(action)) return;
      if (!matchesPrincipal(p.principal, principal.uid, self, ancestry)) return;
      if (!matchesResource(p.resource, resource, prefixes)) return;
      chosen.push(p);
    };
    for (const key of ancestry) for (const p of this.byPrincipal.get(key) ?? []) consider(p);
    for (const p of this.anyPrincipal) consider(p);
    chosen.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const contextFields = new Set<ContextField>();
    let hasPermit = false;
    for (const p of chosen) {
      if (p.effect === 'permit') hasPermit = true;
      for (const f of p.contextFields) contextFields.add(f);
    }
    let key = '';
    for (const p of chosen) key += `${p.id}\n`;
    return { policies: chosen, hasPermit, contextFields, key };
  }
}

function matchesPrincipal(scope: Scope, uid: Uid, self: string, ancestry: ReadonlySet<string>): boolean {
  switch (scope.op) {
    case 'all':
      return true;
    case 'eq':
      return uidKey(scope.uid) === self;
    case 'in':
      return ancestry.has(uidKey(scope.uid));
    case 'is':
      return scope.type === uid.type && (!scope.in || ancestry.has(uidKey(scope.in)));
  }
}

function matchesResource(scope: Scope, resource: string, prefixes: ReadonlySet<string>): boolean {
  switch (scope.op) {
    case 'all':
      return true;
    case 'eq':
      return scope.uid.type === 'Secret' && scope.uid.id === resource;
    case 'in':
      return scope.uid.type === 'Secret' && prefixes.has(scope.uid.id);
    case 'is':
      return scope.type === 'Secret' && (!scope.in || (scope.in.type === 'Secret' && prefixes.has(scope.in.id)));
  }
}
