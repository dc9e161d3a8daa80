import { VaultError } from '../errors.js';
import type { StorageView } from '../storage/storage-view.js';
import { generatePassword } from './password-generator.js';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from './password-policy.js';
import { parsePolicyText } from './policy-text.js';

/**
 * What a secrets engine asks for (Vault's `SystemView.GeneratePasswordFromPolicy`): a password
 * from the named policy, or from the default policy when the name is empty.
 */
export interface PasswordSource {
  generate(policyName: string): Promise<string>;
}

/** Where policies live in the system backend's view, as in Vault: `sys/password_policy/<name>`. */
export const PASSWORD_POLICY_PREFIX = 'password_policy/';

/** The stored record: the document as written (after base64 decoding), Vault's `{policy}`. */
interface StoredPolicy {
  policy: string;
}

/**
 * Named password policies in the system backend's storage, through the barrier. Nothing is
 * cached: a policy is a few hundred bytes, read and parsed when a password is made, so every
 * node and every engine sees a change at once.
 */
export class PasswordPolicyStore implements PasswordSource {
  private readonly view: StorageView;

  /** @param systemView the `sys/` view (`barrier.view('sys/')`, or a system request's storage). */
  constructor(systemView: StorageView) {
    this.view = systemView.sub(PASSWORD_POLICY_PREFIX);
  }

  /** The document as stored, or undefined. */
  async text(name: string): Promise<string | undefined> {
    return (await this.view.getJson<StoredPolicy>(name))?.policy;
  }

  /** Stores a document the caller has validated. */
  put(name: string, text: string): Promise<void> {
    return this.view.putJson(name, { policy: text } satisfies StoredPolicy);
  }

  delete(name: string): Promise<void> {
    return this.view.delete(name);
  }

  list(): Promise<string[]> {
    return this.view.list('');
  }

  /** The parsed policy, or undefined when there is none by that name. */
  async policy(name: string): Promise<PasswordPolicy | undefined> {
    const text = await this.text(name);
    if (text === undefined) return undefined;
    try {
      return parsePolicyText(text);
    } catch {
      // Validated when written; only a change to the grammar could get here.
      throw new VaultError('internal', `stored password policy \`${name}\` is invalid`);
    }
  }

  /**
   * Vault answers an unknown name at generation time, not when an engine is configured with it
   * (its database engine: "failed to generate password: no password policy found", a 500).
   */
  async generate(policyName: string): Promise<string> {
    if (policyName === '') return generatePassword(DEFAULT_PASSWORD_POLICY);
    const policy = await this.policy(policyName);
    if (!policy) throw new VaultError('internal', `failed to generate password: no password policy \`${policyName}\` found`);
    return generatePassword(policy);
  }
}
