import { invalidRequest } from '../errors.js';
import type { Logger } from '../framework/engine.js';
import type { StorageView } from '../storage/storage-view.js';
import {
  DEFAULT_POLICY,
  DEFAULT_POLICY_TEXT,
  READ_ONLY_POLICIES,
  ROOT_POLICY,
  ROOT_POLICY_TEXT,
  WRAPPING_POLICY,
  WRAPPING_POLICY_TEXT,
} from './builtin-policies.js';
import { compileDocument, type CompiledDocument, type CompiledPolicy } from './policy-document.js';

/** What the store keeps per document in storage (through the barrier). */
interface StoredPolicy {
  name: string;
  policy: string;
}

/**
 * The named Cedar documents (`sys/policies/cedar/<name>`), persisted through the barrier under the
 * system view's `policy/cedar/`, loaded on unseal and cleared on seal. Every change calls
 * `onChange` with the policies to evaluate, which the authorizer turns into a new version.
 */
export class CedarPolicyStore {
  private docs = new Map<string, CompiledDocument>();
  /** Stored documents that no longer compile: while any exists, non-root requests are denied. */
  private broken = new Map<string, string>();
  private readonly builtins: ReadonlyMap<string, CompiledDocument>;

  constructor(
    private readonly onChange: (policies: CompiledPolicy[]) => void,
    private readonly log?: Logger,
  ) {
    this.builtins = new Map([
      [ROOT_POLICY, compileDocument(ROOT_POLICY, ROOT_POLICY_TEXT)],
      [DEFAULT_POLICY, compileDocument(DEFAULT_POLICY, DEFAULT_POLICY_TEXT)],
      [WRAPPING_POLICY, compileDocument(WRAPPING_POLICY, WRAPPING_POLICY_TEXT)],
    ]);
    this.publish();
  }

  /** Loads every stored document (on unseal). A document that fails to compile fails closed. */
  async load(view: StorageView): Promise<void> {
    const docs = new Map<string, CompiledDocument>();
    const broken = new Map<string, string>();
    for (const key of await view.list('')) {
      const stored = await view.getJson<StoredPolicy>(key);
      if (!stored) continue;
      try {
        docs.set(stored.name, compileDocument(stored.name, stored.policy));
      } catch (err) {
        broken.set(stored.name, err instanceof Error ? err.message : String(err));
        this.log?.error('stored cedar policy does not compile; denying all non-root requests until it is fixed', {
          policy: stored.name,
          error: String(err),
        });
      }
    }
    this.docs = docs;
    this.broken = broken;
    this.publish();
  }

  /** Forgets every user document (on seal). */
  clear(): void {
    this.docs = new Map();
    this.broken = new Map();
    this.publish();
  }

  /** Validates, persists and activates a document. Throws 400 on a Cedar error. */
  async write(view: StorageView, rawName: string, text: string): Promise<void> {
    const name = policyName(rawName);
    if (READ_ONLY_POLICIES.has(name)) throw invalidRequest(`cannot update the \`${name}\` policy`);
    const doc = compileDocument(name, text);
    await view.putJson(storageKey(name), { name, policy: text } satisfies StoredPolicy);
    this.docs.set(name, doc);
    this.broken.delete(name);
    this.publish();
  }

  async delete(view: StorageView, rawName: string): Promise<void> {
    const name = policyName(rawName);
    if (READ_ONLY_POLICIES.has(name) || name === DEFAULT_POLICY) throw invalidRequest(`cannot delete the \`${name}\` policy`);
    await view.delete(storageKey(name));
    this.docs.delete(name);
    this.broken.delete(name);
    this.publish();
  }

  /** The document's text, or undefined. */
  read(rawName: string): string | undefined {
    const name = policyName(rawName);
    return (this.docs.get(name) ?? this.builtins.get(name))?.text;
  }

  /** Every document name, built-ins included, sorted. */
  names(): string[] {
    return [...new Set([...this.builtins.keys(), ...this.docs.keys(), ...this.broken.keys()])].sort();
  }

  hasLoadErrors(): boolean {
    return this.broken.size > 0;
  }

  /** Messages of stored documents that failed to compile (empty when all is well). */
  loadErrors(): string[] {
    return [...this.broken.values()];
  }

  /** Whether `exists` for a write: decides Cedar's create vs update action. */
  has(rawName: string): boolean {
    const name = policyName(rawName);
    return this.docs.has(name) || this.builtins.has(name) || this.broken.has(name);
  }

  private publish(): void {
    const active = new Map(this.builtins);
    for (const [name, doc] of this.docs) active.set(name, doc);
    // INVARIANT: root is never evaluated by Cedar; the authorizer allows it before slicing.
    active.delete(ROOT_POLICY);
    this.onChange([...active.values()].flatMap((d) => d.policies));
  }
}

/** Vault lower-cases policy names; a name is one path segment. */
export function policyName(raw: string): string {
  const name = raw.trim().toLowerCase();
  if (name === '' || name.includes('/')) throw invalidRequest('policy name must be a non-empty path segment');
  return name;
}

const storageKey = (name: string) => Buffer.from(name, 'utf8').toString('base64url');
